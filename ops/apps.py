from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operating the whole database: backup and move (`export_data` / `import_data`) and the
    consistency checks (`check_integrity`). The top layer: it may read every app, none reads it."""

    name = "ops"
    verbose_name = _("运维")
