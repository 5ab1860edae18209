"""Markup in data renders as text everywhere: article text and titles, quotes (highlighted),
project names and investors, zone names — on every page, in json_script data, in the JSON
endpoint and in the Django admin; CSV and XLSX exports defuse formula cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.models import Mention
from projects.models import Batch, Project
from tests.factories import make_article, make_bulletin, make_mention
from zones.models import Zone

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
QUOTES = "\"double\" 'single'"
PAYLOAD = f"{SCRIPT}{IMG}{QUOTES}&amp;"
# What must never reach a page unescaped, and what proves the payload was rendered as text.
RAW = ["<script>alert(1)", "<img src=x onerror", 'onerror="alert(2)"']
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def staff_client(role: str) -> Client:
    user = get_user_model().objects.create_user(
        f"{role}-esc", is_staff=role != "analyst", is_superuser=role == "admin"
    )
    user.groups.set([Group.objects.get(name=f"{role}s")])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    zone = Zone.objects.create(
        short_name=f"恶意{SCRIPT}高新区",
        full_name=f"全称{IMG}",
        slug="evil-zone",
        province="测试省",
        city=QUOTES,
    )
    project = Project.objects.create(
        name=f"项目{PAYLOAD}",
        zone=zone,
        investor=f"投资方{IMG}{QUOTES}",
        industry=f"行业{SCRIPT}",
        amount=Decimal("1000000000"),
        amount_yuan=Decimal("1000000000"),
        amount_text=f"10亿元{SCRIPT}",
        date=dt.date(2022, 6, 28),
        date_precision="day",
        review_status="confirmed",
        stage="signed",
    )
    candidate = Project.objects.create(
        name=f"候选{PAYLOAD}",
        zone=zone,
        investor=f"候选投资方{IMG}",
        review_status="candidate",
        stage="signed",
    )
    batch = Batch.objects.create(
        zone=zone,
        title=f"批量{PAYLOAD}",
        project_count=3,
        amount=Decimal("500000000"),
        amount_yuan=Decimal("500000000"),
        amount_text=f"5亿元{IMG}",
        date=dt.date(2022, 7, 1),
        date_precision="day",
        review_status="confirmed",
    )
    bulletin = make_bulletin(publication=f"报刊{SCRIPT}", original_name=f"{IMG}.txt", error=f"错误{SCRIPT}")
    text = f"开头{PAYLOAD}中间{SCRIPT}结尾。第二段{IMG}。"
    article = make_article(
        bulletin, title=f"标题{PAYLOAD}", subtitle=f"副标题{IMG}", byline=f"记者{SCRIPT}", text=text
    )
    article.zones.add(zone)
    start = text.index(SCRIPT)
    quote = text[start : text.index("中间")]
    make_mention(project=project, article=article, quote=quote, start=start, end=start + len(quote))
    make_mention(project=candidate, article=article, quote=text[-12:], start=len(text) - 12, end=len(text))
    make_mention(
        batch=batch, article=article, kind=Mention.Kind.BATCH, quote=f"中间{SCRIPT}", start=0, end=0
    )  # wrong span: the page finds the quote again
    return {
        "zone": zone,
        "project": project,
        "candidate": candidate,
        "batch": batch,
        "bulletin": bulletin,
        "article": article,
    }


def assert_escaped(html: str, where: str, expect_rendered: bool = True) -> None:
    # Our own <script> tags have src= or type="application/json"; none may carry the payload.
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    if expect_rendered:
        assert ESCAPED in html or "\\u003Cscript\\u003E" in html, f"{where}: the payload is not shown at all"


def site_pages(world) -> list[str]:
    zone, project, batch = world["zone"], world["project"], world["batch"]
    return [
        "/",
        "/?zone=evil-zone",
        "/dashboard/results/",
        "/dashboard/results/?zone=evil-zone",
        f"/projects/?q={SCRIPT}",
        "/projects/",
        project.get_absolute_url(),
        world["candidate"].get_absolute_url(),
        batch.get_absolute_url(),
        "/zones/",
        f"/zones/?q={SCRIPT}",
        zone.get_absolute_url(),
        "/bulletins/",
        world["bulletin"].get_absolute_url(),
        world["article"].get_absolute_url(),
        reverse("edit-project", args=[world["candidate"].pk]),
    ]


@pytest.mark.parametrize("role", ["analyst", "editor"])
def test_every_page_shows_markup_as_text(world, role):
    client = staff_client(role)
    for url in site_pages(world):
        response = client.get(url)
        if response.status_code == 403 and role == "analyst":
            continue
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_the_highlighted_quotes_wrap_escaped_text(world):
    html = staff_client("editor").get(world["bulletin"].get_absolute_url()).content.decode()
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.S)
    assert marks, "no highlighted quote"
    assert any(ESCAPED in m for m in marks)
    assert all("<script" not in m and "<img" not in m for m in marks)
    assert "&quot;double&quot;" in html or "&#x27;single&#x27;" in html or '"double"' in html


def json_scripts(html: str) -> dict[str, str]:
    return dict(re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S))


def test_json_script_data_cannot_break_out_of_its_script_element(world):
    client = staff_client("analyst")
    for url, element in [("/", "dashboard-data"), (world["zone"].get_absolute_url(), "zone-chart-data")]:
        html = client.get(url).content.decode()
        blocks = json_scripts(html)
        assert element in blocks, (url, list(blocks))
        raw = blocks[element]
        assert "<" not in raw and ">" not in raw, f"{url}: raw angle brackets inside json_script"
        data = json.loads(raw)
        assert SCRIPT in json.dumps(data, ensure_ascii=False), f"{url}: the zone name is not in the data"


def test_the_json_endpoint_is_json_not_html(world):
    response = staff_client("analyst").get(reverse("totals-api"))
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    assert any(SCRIPT in row["zone"] for row in data["ranking"])


def test_the_status_endpoint_is_json_not_html(world):
    response = staff_client("editor").get(reverse("bulletin-status", args=[world["bulletin"].pk]))
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == f"错误{SCRIPT}"


def test_the_admin_shows_markup_as_text(world):
    client = staff_client("admin")
    project, article, bulletin, zone, batch = (
        world[k] for k in ("project", "article", "bulletin", "zone", "batch")
    )
    pages = [
        "/admin/projects/project/",
        f"/admin/projects/project/?q={SCRIPT}",
        f"/admin/projects/project/{project.pk}/change/",
        f"/admin/projects/project/{project.pk}/history/",
        "/admin/projects/batch/",
        f"/admin/projects/batch/{batch.pk}/change/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/bulletin/",
        f"/admin/articles/bulletin/{bulletin.pk}/change/",
        "/admin/articles/mention/",
        "/admin/zones/zone/?q=恶意",
        f"/admin/zones/zone/{zone.pk}/change/",
        f"/admin/projects/project/{project.pk}/delete/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
    merge = client.post(
        "/admin/projects/project/",
        {"action": "merge_selected", "_selected_action": [project.pk, world["candidate"].pk]},
    )
    assert merge.status_code == 200
    assert_escaped(merge.content.decode(), "admin merge page")


# --------------------------------------------------------------------------- exports

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


@pytest.fixture
def formula_world():
    zone = Zone.objects.create(short_name="=公式高新区", slug="formula-zone", province="+省", city="-市")
    for i, text in enumerate(FORMULAS):
        Project.objects.create(
            name=text,
            zone=zone,
            investor=text,
            industry=text,
            amount=Decimal("100000000"),
            amount_yuan=Decimal("100000000"),
            amount_text=text,
            date=dt.date(2022, 6, 1 + i),
            date_precision="day",
            review_status="confirmed",
            stage="signed",
        )
    return zone


def csv_rows(response) -> list[list[str]]:
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("kind", ["projects", "totals"])
def test_csv_exports_defuse_formula_cells(formula_world, kind):
    response = staff_client("analyst").get(reverse("export", args=[kind, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    cells = [cell for row in rows[1:] for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not dangerous, dangerous
    # Negative numbers are numbers, not text: only text cells starting with "-" get the quote.
    assert not [c for c in cells if c.startswith("-") and not re.fullmatch(r"-[\d.]+", c)]
    assert any(c.startswith("'=") for c in cells), "the zone name lost its guard (or vanished)"
    if kind == "projects":
        assert '\'=HYPERLINK("http://evil","x")' in cells
        assert "'-2+3" in cells and "'+1+1" in cells and "'@SUM(1,2)" in cells


@pytest.mark.parametrize("kind", ["projects", "totals"])
def test_xlsx_exports_hold_no_formulas(formula_world, kind):
    from openpyxl import load_workbook

    response = staff_client("analyst").get(reverse("export", args=[kind, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # Formula-like text is a text cell, shown as typed: no visible leading quote (issue 15).
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "+", "@", "-")]
    assert risky and all(c.data_type == "s" for c in risky)
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    if kind == "projects":
        values = {c.value for c in risky}
        assert {'=HYPERLINK("http://evil","x")', "-2+3", "+1+1", "@SUM(1,2)"} <= values
