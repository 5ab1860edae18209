"""What the projects and totals exports hold (`export_jobs.ExportSpec`): built the same way for
the inline download (projects/views.py) and for the worker's export job (export_jobs.run)."""

from __future__ import annotations

import itertools

from django.http import QueryDict

from . import chart_range, export_names, exports, selectors, totals
from .export_jobs import ExportSpec
from .filters import ProjectFilter


def _effective(data: QueryDict, request) -> ProjectFilter:
    """The filter with the dashboard's default month range filled in (the range it shows)."""
    project_filter = ProjectFilter(data, queryset=selectors.project_list(), request=request)
    return chart_range.effective(project_filter, data)[0]


def projects_spec(data: QueryDict, *, request=None, base_url: str = "",
                  fmt: str = "xlsx") -> ExportSpec:
    """Every filtered project, then the batches counted instead of their projects."""
    project_filter = _effective(data, request)
    projects, batches = project_filter.qs, project_filter.batch_qs()
    replacing = project_filter.replacing_batch_qs()
    _counted, counted_batches = totals.counted_records(projects, batches, replacing)
    rows = itertools.chain(
        exports.project_rows(exports.annotated_projects(projects, replacing)),
        exports.batch_rows(counted_batches),
    )
    note = totals.left_out_note(totals.left_out_years(project_filter))
    return ExportSpec(
        disposition=export_names.content_disposition(project_filter, "projects", fmt),
        title=export_names.sheet_title(project_filter, "projects"),
        header=exports.project_header(), rows=rows,
        preamble=export_names.preamble(project_filter, "projects", note),
        count=lambda: projects.count() + counted_batches.count(),
    )


def totals_spec(data: QueryDict, *, request=None, base_url: str = "",
                  fmt: str = "xlsx") -> ExportSpec:
    """The zone-month grid: at most zones × months rows, computed by aggregation, so it is
    always built inline (no count)."""
    project_filter = _effective(data, request)
    result = totals.for_filter(project_filter, full_grid=True)
    return ExportSpec(
        disposition=export_names.content_disposition(project_filter, "totals", fmt),
        title=export_names.sheet_title(project_filter, "totals"),
        header=exports.totals_header(), rows=exports.totals_rows(result),
        preamble=export_names.preamble(project_filter, "totals", totals.left_out_note(result.left_out)),
    )
