from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("投资项目")

    def ready(self) -> None:
        from . import follow_cells, follow_filter, rollup, timeline

        rollup.connect()  # keeps the zone-month rollup equal to the base tables
        rollup.keep_also(follow_cells)  # and the follow-through's cells, on the same keys
        timeline.connect()  # keeps each project's follow-through timeline equal to its events
        follow_filter.add_follow_filter()  # the project lists behind the funnel's bars
