"""The follow-through page on a phone (390px): each stalled project is one short block — name;
zone · amount · date; then its signing quote at full width — so several fit on a screen, and the
cohort table's caption stays on screen (static/css/dashboard.css)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, login
from tests.factories import make_article, make_bulletin, make_mention
from tests.test_follow_through import world  # noqa: F401 -- the hand-computed world (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = "乙高新区举行重大项目集中签约仪式，总投资30亿元的电子信息产业园项目正式落户，" * 3
ROWS = """() => [...document.querySelectorAll('#table-stalled tbody tr')].map(tr => {
    const box = tr.getBoundingClientRect(), quote = tr.querySelector('.stalled-quote').getBoundingClientRect(),
          name = tr.querySelector('th').getBoundingClientRect();
    return {height: box.height, quoteWidth: quote.width, nameAbove: name.bottom <= quote.top + 1};
})"""
CAPTION = """() => { const c = document.querySelector('#table-cohorts caption'), r = c.getBoundingClientRect();
    return {left: r.left, right: r.left + Math.min(r.width, c.scrollWidth), width: window.innerWidth}; }"""


@pytest.fixture
def long_quotes(world):  # noqa: F811
    article = make_article(make_bulletin(publication="测试导报", issue_number="第7期"), title="签约", text=LONG)
    for name in ("P4", "P10"):
        make_mention(project=world[name], article=article, quote=LONG, event=world[name].events.get(stage="signed"))
    return world


def test_the_stalled_list_and_the_cohort_caption_fit_a_phone(browser, analyst, long_quotes):
    def check(context):
        page = login(context)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/follow-through/?as_of=2024-06-30&stalled_months=3")
        rows = page.evaluate(ROWS)
        caption = page.evaluate(CAPTION)
        page.locator("#stalled").screenshot(path=str(ARTIFACTS / "follow-through-stalled-390.png"))
        return rows, caption

    rows, caption = browser(check)
    assert len(rows) == 2
    for row in rows:
        assert row["nameAbove"] and row["quoteWidth"] > 300, row  # the quote below the name, full width
        assert row["height"] < 260, row  # a 120-character quote: ~8 lines at phone width, not a tall strip
    assert caption["left"] >= 0 and caption["right"] <= caption["width"], caption
