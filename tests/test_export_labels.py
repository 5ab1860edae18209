"""Exports say what they hold (issue 13, item 7): a file name naming the zones, months and
kind (with an ASCII fallback), a sheet title that fits Excel, and first rows stating the
filter and the counting rule — in CSV and XLSX, for projects and totals, in both languages."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.exported import split_export

pytestmark = pytest.mark.django_db
KINDS = [(kind, fmt) for kind in ("projects", "totals") for fmt in ("csv", "xlsx")]


def names(response) -> tuple[str, str]:
    """(filename=, the decoded filename*=) of an attachment's Content-Disposition."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", header).group(1)
    assert fallback.isascii() and encoded.isascii()
    return fallback, unquote(encoded)


def rows_of(response, fmt: str) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    return [list(row) for row in load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True)]


@pytest.mark.parametrize(("kind", "fmt"), KINDS)
def test_the_file_name_says_which_zone_months_and_kind(analyst, world, kind, fmt):
    response = analyst.get(f"/exports/{kind}.{fmt}?zone=乐山高新区&month_from=2022-01&month_to=2022-12")
    fallback, name = names(response)
    assert name == f"乐山高新区-2022-01_2022-12-{kind}.{fmt}"
    assert fallback == f"zone{world['B'].pk}-2022-01_2022-12-{kind}.{fmt}"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", "全部开发区-projects.csv"),
        ("province=四川省&month_from=2022-06", "四川省-2022-06_-projects.csv"),
        ("zone=乐山高新区&zone=成都高新区&month_to=2022-07", "乐山高新区+成都高新区-_2022-07-projects.csv"),
    ],
)
def test_file_names_for_other_filters(analyst, world, query, name):
    assert names(analyst.get(f"/exports/projects.csv?{query}"))[1] == name


def test_an_english_reader_gets_english_fallback_words(analyst, world):
    analyst.cookies["django_language"] = "en"
    fallback, name = names(analyst.get("/exports/totals.xlsx"))
    assert (fallback, name) == ("all-zones-totals.xlsx", "All zones-totals.xlsx")


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("zone=乐山高新区&month_from=2022-01&month_to=2022-12", "乐山高新区 2022-01_2022-12 项目"),
        ("", "全部开发区 项目"),
        ("zone=乐山高新区&zone=成都高新区&zone=西安高新区&month_from=2022-01&month_to=2022-12",
         "3个开发区 2022-01_2022-12 项目"),
    ],
)
def test_the_sheet_title_fits_the_filter_and_excel(analyst, world, query, title):
    sheet = load_workbook(io.BytesIO(analyst.get(f"/exports/projects.xlsx?{query}").getvalue())).active
    assert sheet.title == title
    assert len(sheet.title) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet.title)


@pytest.mark.parametrize(("kind", "fmt"), KINDS)
def test_the_first_rows_state_the_filter_and_the_counting_rule(analyst, world, kind, fmt):
    response = analyst.get(f"/exports/{kind}.{fmt}?zone=乐山高新区&month_from=2022-01&month_to=2022-12&stage=signed")
    preamble, header, body = split_export(rows_of(response, fmt))
    stated = {row[0]: row[1] for row in preamble if len(row) > 1 and row[0]}
    assert stated["筛选条件"] == "开发区：乐山高新区；月份：2022-01 至 2022-12；阶段：签约；审核状态：已确认"
    assert stated["统计口径"].startswith("每笔投资只计一次")
    rules = " ".join(str(row[1]) for row in preamble if len(row) > 1 and row[1])
    assert "已合并的重复项目不计入" in rules and "年均汇率" in rules
    assert header[0] == ("类型" if kind == "projects" else "开发区")
    assert body  # the table follows


@pytest.mark.parametrize(("kind", "fmt"), KINDS)
def test_the_first_rows_are_in_english_for_an_english_reader(analyst, world, kind, fmt):
    analyst.cookies["django_language"] = "en"
    response = analyst.get(f"/exports/{kind}.{fmt}?month_from=2022-06&review_status=confirmed&review_status=candidate")
    preamble, _header, _body = split_export(rows_of(response, fmt))
    stated = {row[0]: row[1] for row in preamble if len(row) > 1 and row[0]}
    assert stated["Filters"] == "Zone: All; Month: from 2022-06; Review status: Confirmed, Candidate"
    assert stated["How figures are counted"].startswith("Each investment counts once")
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(str(c) for row in preamble for c in row if c))
