"""The follow-through page, its JSON and the stalled export, through HTTP, over the hand-computed
world of tests/test_follow_through.py: the same figures everywhere, and the hand-computed ones."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from tests.factories import make_article, make_bulletin, make_mention
from tests.test_follow_through import amount, world  # noqa: F401 -- world: the fixture

pytestmark = pytest.mark.django_db

AS_OF = "as_of=2024-06-30"


@pytest.fixture
def quoted(world):  # noqa: F811 -- the fixture imported above
    """P4's signing reported in an article; P10 quoted without an event link."""
    bulletin = make_bulletin(publication="测试导报", issue_number="第7期")
    article = make_article(bulletin, title="乙高新区重大项目签约", text="乙高新区签约30亿元电子信息项目。")
    make_mention(project=world["P4"], article=article, quote="乙高新区签约30亿元电子信息项目",
                 event=world["P4"].events.get(stage="signed"))
    other = make_article(bulletin, title="甲高新区动态", text="甲高新区4亿元项目签约。")
    make_mention(project=world["P10"], article=other, quote="甲高新区4亿元项目签约")
    return {**world, "article": article, "other": other}


def page_data(response) -> dict:
    found = re.search(r'<script id="follow-through-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(found[1])


def test_the_page_shows_the_hand_computed_figures(analyst, quoted):
    response = analyst.get(f"/follow-through/?{AS_OF}")
    assert response.status_code == 200
    html = response.content.decode()
    figures = html[html.index('id="follow-through-figures"'):html.index('id="table-ft-zones"')]
    assert '<span data-field="total.signed">80.00</span>' in figures
    assert '<span data-field="total.started_within.6">30.00</span>' in figures
    assert '<span data-field="total.started_within_share.6">37.5%</span>' in figures
    assert '<span data-field="total.started_within.12">41.00</span>' in figures
    assert '<span data-field="total.started_within.24">46.00</span>' in figures
    assert '<span data-field="total.operating">25.00</span>' in figures
    assert '<span data-field="total.median">5.5</span>' in figures
    assert '<span data-field="started_without_signing">3.00</span>' in figures
    assert "“未报道开工”只表示没有文章报道过开工，并不表示项目没有开工。" in html
    assert "批量签约中列出的项目与之关联后，按项目各自计入" in html
    zones = html[html.index('id="table-ft-zones"'):html.index("</table>", html.index('id="table-ft-zones"'))]
    assert zones.index("乙高新区") < zones.index("甲高新区")  # 51亿 before 29亿
    assert "<caption>各开发区落地情况</caption>" in zones


def test_the_stalled_list_quotes_the_signing_and_links_the_article(analyst, quoted):
    html = analyst.get(f"/follow-through/?{AS_OF}&stalled_months=3").content.decode()
    table = html[html.index('id="table-stalled"'):]
    table = table[:table.index("</table>")]
    assert table.index(quoted["P4"].name) < table.index(quoted["P10"].name)  # 30亿, then 4亿
    assert "<q>乙高新区签约30亿元电子信息项目</q>" in table
    assert f'href="{quoted["article"].get_absolute_url()}"' in table
    assert f'href="{quoted["P4"].get_absolute_url()}"' in table
    assert "共 2 个，34.00 亿元" in html


def test_the_api_and_the_page_embed_the_same_data(analyst, quoted):
    query = f"{AS_OF}&stalled_months=3"
    api = analyst.get(f"/api/follow-through/?{query}").json()
    page = page_data(analyst.get(f"/follow-through/?{query}&cohorts=all&zones=all"))
    assert page.pop("shown")["zones_total"] == len(api["zones"])
    assert api == page  # with every quarter and zone shown, the page carries exactly the API's data
    assert api["total"]["signed"] == amount(8, "80")
    assert api["total"]["started_within"]["24"] == amount(6, "46")
    assert api["started_without_signing"] == amount(1, "3")
    assert [z["zone"]["short_name"] for z in api["zones"]] == ["乙高新区", "甲高新区"]
    assert api["stalled"]["months"] == 3 and api["stalled"]["count"] == 2
    first = api["stalled"]["items"][0]
    assert (first["id"], first["amount_yuan"], first["signed_on"], first["quote"]) == (
        quoted["P4"].pk, "3000000000.00", "2022-11-01", "乙高新区签约30亿元电子信息项目")
    assert first["article"]["url"] == quoted["article"].get_absolute_url()
    assert api["links"]["exports"]["stalled_csv"] == (
        "/follow-through/stalled.csv?review_status=confirmed&stalled_months=3&as_of=2024-06-30")


def test_the_filter_is_the_dashboards(analyst, quoted):
    api = analyst.get(f"/api/follow-through/?{AS_OF}&month_from=2023-01&month_to=2023-03").json()
    assert api["total"]["signed"] == amount(3, "32")  # P3 M1 P1 (P9 is known only to the year 2023)
    html = analyst.get(f"/follow-through/?{AS_OF}&month_from=2023-01&month_to=2023-03").content.decode()
    assert 'name="month_from"' in html and 'value="2023-01"' in html


def test_a_bad_number_of_months_is_said_and_the_default_used(analyst, quoted):
    response = analyst.get(f"/follow-through/?{AS_OF}&stalled_months=7")
    assert response.status_code == 200
    assert "停滞月数只能是 3、6、12、18、24、36 之一。" in response.content.decode()
    assert page_data(response)["stalled"]["months"] == 12


def test_the_stalled_export_agrees_with_the_api(analyst, quoted):
    query = f"{AS_OF}&stalled_months=3"
    api = analyst.get(f"/api/follow-through/?{query}").json()
    response = analyst.get(f"/follow-through/stalled.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ["编号", "名称"])
    table = rows[header_at + 1:]
    assert [int(row[0]) for row in table] == [item["id"] for item in api["stalled"]["items"]]
    assert [row[8] for row in table] == [item["amount_yuan"] for item in api["stalled"]["items"]]
    assert table[0][10] == "乙高新区签约30亿元电子信息项目"
    assert table[0][15].endswith(quoted["P4"].get_absolute_url())

    xlsx = analyst.get(f"/follow-through/stalled.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[:2] == ("编号", "名称"))
    assert [row[0] for row in values[header_at + 1:]] == [item["id"] for item in api["stalled"]["items"]]


def test_the_export_headers_follow_the_language(analyst, quoted):
    response = analyst.get(f"/follow-through/stalled.csv?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert ["ID", "Name"] in [row[:2] for row in rows]


def test_a_big_stalled_export_is_built_by_the_worker_with_the_inline_rows(analyst, quoted, settings, tmp_path):
    """Issue 15, item 14: above ZIT_EXPORT_INLINE_ROWS the stalled list's XLSX becomes an export
    job (built by the eager task here) whose file holds the inline export's rows, in the
    language the request asked for."""
    from projects.models import ExportJob

    settings.EXPORT_DIR = tmp_path
    url = f"/follow-through/stalled.xlsx?{AS_OF}&stalled_months=3"
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    inline = analyst.get(url, **english)
    assert inline.status_code == 200
    inline_rows = list(load_workbook(io.BytesIO(inline.getvalue())).active.iter_rows(values_only=True))
    assert ("ID", "Name") in [row[:2] for row in inline_rows]
    settings.EXPORT_INLINE_ROWS = 1
    response = analyst.get(url, **english)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done" and job.kind == "stalled"
    download = analyst.get(f"/exports/jobs/{job.pk}/download")
    body = b"".join(download.streaming_content)
    assert list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)) == inline_rows
