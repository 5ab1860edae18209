"""Spreadsheets of the filtered projects and of the zone-month totals (CSV and XLSX).

Every file opens with rows saying what it holds — the filter and the counting rule — then
a blank row and the table (`projects.export_names`, which also names the file and the sheet).
The totals sheet is written from the same `projects.totals.Totals` the chart shows, so the
exported figures equal the chart's to the yuan. Text that a spreadsheet would read as a
formula (starting with = + - @, or a tab or carriage return) gets a leading single quote in
the CSV (a CSV has no cell types); the XLSX writes it as a text cell, shown as typed.

Both formats stream (issue 15, item 14: a 283k-row XLSX took 66 s and 0.7 GB in the web
worker): the rows are read a chunk at a time (`iterator`), the CSV is sent as it is written,
and the XLSX is written row by row (openpyxl's write-only mode) into a temporary file that is
then sent in blocks. Memory stays bounded whatever the number of rows (docs/benchmarks.md).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Batch, DatePrecision, Project, ReviewStatus, Stage
from .templatetags.money import yi_decimal
from .totals import Figure, Totals, counted_records, month_label, unknown_month_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows read from the database per round trip, and CSV rows sent per chunk of the response.
CHUNK_ROWS = 2000
CSV_ROWS_PER_CHUNK = 500


def guard(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- rows ------------------------------------------------------------------------------------


def project_header() -> list[str]:
    return [
        _("类型"), _("编号"), _("名称"), _("开发区"), _("省份"), _("投资方"), _("行业"), _("阶段"), _("日期"),
        _("日期精度"), _("金额原文"), _("金额（原币种）"), _("币种"), _("金额（元）"), _("金额（亿元）"),
        _("约数"), _("审核状态"), _("所属批量签约"), _("计入合计"),
    ]


def annotated_projects(projects: QuerySet[Project], batches) -> QuerySet[Project]:
    """Projects with `in_counted_batch`: True when their batch is counted instead of them."""
    _counted, counted_batches = counted_records(projects, batches)
    return projects.select_related("zone").annotate(
        in_counted_batch=Exists(counted_batches.filter(pk=OuterRef("batch_id")))
    )


def _labels(choices) -> dict:
    """A field's choice labels, translated once per export: Django's get_FOO_display() rebuilds
    and hashes the lazy choices on every call (60 % of an export's time, docs/benchmarks.md §9)."""
    return {value: str(label) for value, label in choices}


def project_rows(projects: QuerySet[Project]) -> Iterator[list]:
    stages, precisions = _labels(Stage.choices), _labels(DatePrecision.choices)
    statuses = _labels(ReviewStatus.choices)
    kind, merged, yes, no, undated = _("项目"), _("否（已合并）"), _("是"), _("否"), _("日期不详")
    for p in projects.order_by("-date", "-id").iterator(chunk_size=CHUNK_ROWS):
        if p.merged_into_id:
            counted = merged
        elif p.in_counted_batch:
            counted = _("否（计入批量签约 #%(id)s）") % {"id": p.batch_id}
        else:
            counted = yes
        yield [
            kind, p.pk, p.name, p.zone.short_name if p.zone else "", p.zone.province if p.zone else "",
            p.investor, p.industry, stages.get(p.stage, p.stage), p.date.isoformat() if p.date else undated,
            precisions.get(p.date_precision, p.date_precision) if p.date_precision else "", p.amount_text,
            p.amount, p.currency, p.amount_yuan, yi_decimal(p.amount_yuan),
            yes if p.approximate else no, statuses.get(p.review_status, p.review_status), p.batch_id or "",
            counted,
        ]


def batch_rows(batches: QuerySet[Batch]) -> Iterator[list]:
    """The counted batches, in the same columns, so that the rows counted add up to the totals."""
    precisions, statuses = _labels(DatePrecision.choices), _labels(ReviewStatus.choices)
    kind, signed, yes, no, undated = _("批量签约"), _("签约"), _("是"), _("否"), _("日期不详")
    for b in batches.select_related("zone").order_by("-date", "-id").iterator(chunk_size=CHUNK_ROWS):
        yield [
            kind, b.pk, str(b),
            b.zone.short_name if b.zone else "", b.zone.province if b.zone else "",
            "", "", signed, b.date.isoformat() if b.date else undated,
            precisions.get(b.date_precision, b.date_precision) if b.date_precision else "", b.amount_text,
            b.amount, b.currency, b.amount_yuan, yi_decimal(b.amount_yuan),
            yes if b.approximate else no, statuses.get(b.review_status, b.review_status), "", yes,
        ]


def totals_header() -> list[str]:
    return [
        _("开发区"), _("月份"), _("金额（元）"), _("金额（亿元）"), _("投资记录数"), _("项目数"),
        _("批量签约数"), _("约数金额（元）"), _("约数占比（%）"),
    ]


def _figure_cells(figure: Figure) -> list:
    return [
        figure.amount, yi_decimal(figure.amount), figure.records, figure.projects, figure.batches,
        figure.approximate_amount, figure.approximate_share if figure.approximate_share is not None else "",
    ]


def totals_rows(totals: Totals) -> Iterator[list]:
    """Every zone and month with records (all zones, not only the charted top ones), then the
    zone's "month unknown" figures (records known only to the year), the undated records per
    zone, and the grand totals."""
    grid = totals.zone_months()
    unknown = [key for key, _figure in totals.unknown_months()]
    for zone, _figure in totals.ranking():
        for month in totals.months:
            if month in grid[zone]:
                yield [zone.name, month_label(month), *_figure_cells(grid[zone][month])]
        for key in unknown:
            if key in grid[zone]:
                yield [zone.name, unknown_month_label(key), *_figure_cells(grid[zone][key])]
    for zone, figure in totals.undated_by_zone():
        yield [zone.name, _("日期不详"), *_figure_cells(figure)]
    yield [_("合计（有日期）"), "", *_figure_cells(totals.total)]
    yield [_("合计（日期不详）"), "", *_figure_cells(totals.undated)]


# --- formats ---------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _in_language(rows: Iterable[list], language: str | None) -> Iterator[list]:
    """The rows, produced in the request's language: a streamed response draws its rows
    after the view has returned."""
    with translation.override(language):
        yield from rows


def _csv_chunks(header: list[str], rows: Iterable[list], preamble: Iterable[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for row in preamble:
        writer.writerow([guard(cell) for cell in row])
    writer.writerow([guard(cell) for cell in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([guard(cell) if isinstance(cell, str) else _text(cell) for cell in row])
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_response(disposition: str, header: list[str], rows: Iterable[list],
                 preamble: Iterable[list] = ()) -> StreamingHttpResponse:
    """A CSV download, streamed: the `preamble` rows (what the file holds,
    `projects.export_names`), the header, the rows."""
    rows = _in_language(rows, translation.get_language())
    response = StreamingHttpResponse(_csv_chunks(header, rows, list(preamble)), content_type=CSV_TYPE)
    response["Content-Disposition"] = disposition
    return response


def _xlsx_value(sheet, value):
    """A cell value for the sheet: text a spreadsheet would take for a formula becomes a text
    cell (shown as typed, never run) instead of getting a visible leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return _cell(sheet, value)
    return value


def _cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes "=…" a formula
    return cell


def write_xlsx(target, title: str, header: list[str], rows: Iterable[list],
               preamble: Iterable[list] = ()) -> int:
    """Write one sheet named `title` (at most 31 characters, as Excel wants) row by row into
    `target` (a binary file); the number of table rows written. The inline download and the
    worker's export job (projects/export_jobs.py) both write through here: one layout."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    for row in preamble:
        sheet.append([_xlsx_value(sheet, cell) for cell in row])
    head = []
    for name in header:
        cell = _cell(sheet, name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, cell) for cell in row])
        count += 1
    workbook.save(target)
    return count


def xlsx_response(disposition: str, title: str, header: list[str], rows: Iterable[list],
                  preamble: Iterable[list] = ()) -> FileResponse:
    """An XLSX download, written into a temporary file that is then sent in blocks."""
    spooled = tempfile.TemporaryFile()
    write_xlsx(spooled, title, header, rows, preamble)
    spooled.seek(0)
    response = FileResponse(spooled, content_type=XLSX_TYPE)
    response["Content-Disposition"] = disposition
    return response
