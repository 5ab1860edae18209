from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("报刊与文章")

    def ready(self):
        from projects import rollup

        from . import checks, review_state  # noqa: F401  (checks: registers the time-limit checks)
        from .filters import add_publication_filter

        review_state.connect()  # keeps which articles and how many records await review
        rollup.defer_also(review_state.deferred)  # once per review action, bulk confirm, parse

        add_publication_filter()  # the shared project filter's one filter that reads the sources
