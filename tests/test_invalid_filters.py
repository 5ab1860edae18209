"""An invalid filter value falls back to that filter's default, on every surface (issue 15,
items 4 and 10).

Why: django-filter leaves an invalid field out of the form's cleaned data, which dropped the
filter altogether — `review_status=bogus` counted candidates and rejected records with the
confirmed ones on the dashboard, the list, the API and the exports, while the page said the
value was "ignored"; and out-of-range months (`0000-01`, `9999-12`) were valid to the form
but not to Python's dates: a 500. Each case here asks every surface with the invalid value
and with nothing, and wants the same figures — and the page saying what it ignored.
"""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

# (parameter, invalid value): every filter of projects.filters.ProjectFilter that a value can
# make invalid (`q` and `investor` are free text: any value is a valid search).
INVALID = [
    ("review_status", "bogus"),
    ("review_status", "CONFIRMED"),
    ("zone", "no-such-zone"),
    ("province", "不存在省"),
    ("stage", "bogus"),
    ("industry", "不存在的行业"),
    ("amount_min", "-5"),
    ("amount_min", "abc"),
    ("amount_max", "NaN"),
    ("amount_max", "Infinity"),
    ("publication", "不存在的报刊"),
    ("follow", "bogus"),
    # item 10: months outside the accepted range, or no month at all
    ("month_from", "0000-01"),
    ("month_to", "9999-12"),
    ("month_from", "0001-01"),
    ("month_to", "0001-01"),
    ("month_from", "10000-01"),
    ("month_to", "2022-13"),
    ("month_from", "-2022-01"),
    ("month_to", "2022-00"),
    ("month_from", "2022-1-1"),
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _without_errors(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "errors"}


def _sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def _surfaces(client, query: str, zones: str) -> dict:
    """What each surface shows for the query, with the part that reports errors left out."""
    sep = "&" if query else ""
    shown: dict = {}
    for url in ("/", "/dashboard/results/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
        shown[url] = _without_errors(response.context["data"])
    response = client.get(f"/api/totals/?{query}")
    assert response.status_code == 200, query
    shown["api"] = _without_errors(json.loads(response.content))
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 200, query
    page = response.context["page"]
    shown["list"] = (response.context["totals"].as_json(), page.paginator.count,
                     [p.pk for p in page.object_list], response.context["query"])
    for kind in ("projects", "totals"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/exports/{kind}.{fmt}?{query}")
            assert response.status_code == 200, (kind, fmt, query)
            body = _body(response)
            shown[f"{kind}.{fmt}"] = body if fmt == "csv" else _sheet(body)
            shown[f"{kind}.{fmt} name"] = response["Content-Disposition"]
    response = client.get(f"/api/follow-through/?{query}")
    assert response.status_code == 200, query
    shown["follow api"] = _without_errors(json.loads(response.content))
    response = client.get(f"/follow-through/?{query}")
    assert response.status_code == 200, query
    # (its "show all" links repeat the address as asked: asked again, it says what it ignores)
    shown["follow page"] = {key: value for key, value in _without_errors(response.context["data"]).items()
                            if key != "shown"}
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/follow-through/stalled.{fmt}?{query}&as_of=2025-01-01")
        assert response.status_code == 200, (fmt, query)
        body = _body(response)
        shown[f"stalled.{fmt}"] = body if fmt == "csv" else _sheet(body)
    if not query.startswith("zone="):  # the comparison names its zones itself
        response = client.get(f"/compare/?{zones}{sep}{query}")
        assert response.status_code == 200, query
        shown["compare"] = response.context["data"]
    return shown


@pytest.mark.parametrize(("name", "value"), INVALID)
def test_an_invalid_value_shows_the_default_figures_everywhere_and_says_it_was_ignored(
        analyst, world, name, value):
    zones = f"zone={world['A'].slug}&zone={world['B'].slug}"
    query = f"{name}={value}"
    default = _surfaces(analyst, "", zones)
    default.pop("compare", None) if name == "zone" else None
    assert _surfaces(analyst, query, zones) == default

    page = analyst.get(f"/?{query}").content.decode()
    assert "部分筛选条件无效，已忽略" in page
    assert name in json.loads(analyst.get(f"/api/totals/?{query}").content)["errors"]
    assert name in json.loads(analyst.get(f"/api/follow-through/?{query}").content)["errors"]


def test_a_bogus_review_status_beside_a_valid_one_still_means_confirmed_only(analyst, world):
    """`review_status=candidate&review_status=bogus` is invalid as a whole: the default, not
    candidates, and certainly not every status."""
    default = json.loads(analyst.get("/api/totals/").content)
    mixed = json.loads(analyst.get("/api/totals/?review_status=candidate&review_status=bogus").content)
    assert _without_errors(mixed) == _without_errors(default)
    assert mixed["total"] == default["total"]
    every = json.loads(analyst.get(
        "/api/totals/?review_status=confirmed&review_status=candidate&review_status=rejected").content)
    assert every["total"] != default["total"]  # the world has candidates: the fallback is visible


def test_the_ignored_value_is_not_carried_on_in_links(analyst, world):
    data = json.loads(analyst.get("/api/totals/?review_status=bogus&industry=光伏").content)
    assert "bogus" not in data["query"] and "bogus" not in json.dumps(data["links"])
    assert "industry=" in data["query"]  # the valid filter stays


@pytest.mark.parametrize("query", [
    "month_from=1900-01", "month_to=2100-12", "month_from=1900-01&month_to=2100-12",
    "month_from=2100-12", "month_to=1900-01",
])
def test_the_first_and_last_accepted_months_answer(analyst, world, query):
    for url in ("/", "/projects/", "/api/totals/", "/exports/projects.csv", "/exports/totals.xlsx",
                "/api/follow-through/", "/follow-through/stalled.csv"):
        response = analyst.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
    assert json.loads(analyst.get(f"/api/totals/?{query}").content)["errors"] == {}
