"""An editor reviews the sample PDF to the correct records in Chromium, with the keyboard and
the in-place actions (issue 11): at most 1.2 actions per correct record, every action answered
in < 150 ms of server time, and the dashboard then equals the hand sum in which each batch
member is counted once. Prints both figures (docs/benchmarks.md, "Review cost").

The correct records of the sample page, decided by reading it (the hand truth of this test):
- 西安高新区: the batch of 10 秦创原 projects, 114.7亿元;
- 乐山高新区: the batch of 5 projects signed, 200.2亿元, and its four projects reported on their
  own as its members (光伏、风电储能电池产业园 15亿元, the 10GW 光伏切片 and 光伏电池 base,
  海创尚纬's 负极材料 base 120亿元, the 自动驾驶产业园); "上述两个项目总投资50亿元" is a part of
  that batch (two of its members), so it is not a record of its own; nothing else on the page is
  a project;
- 清远高新区: the batch of 16 projects, about 122亿元.
Hand sum: 114.7 + 200.2 + 122 = 436.9亿元 (the members are inside the 200.2亿元).
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Batch, Project
from tests.browser.conftest import ARTIFACTS, PASSWORD, login
from tests.browser.steps import upload_issue
from tests.conftest import sample_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

YI = Decimal("100000000")
LESHAN_PROJECTS = ("光伏、风电储能", "光伏切片", "海创尚纬", "自动驾驶")  # words that name the four
MAX_ACTIONS_PER_RECORD = 1.2
MAX_SERVER_MS = 150
MAX_LOAD_PER_CORE = 1.5  # above it the time is the other processes', not ours (printed, not asserted)


def review_the_sample(context, path) -> dict:
    page = login(context, "editor-user")
    upload_issue(page, path, "2022-07-01")

    timings: list[tuple[str, float]] = []
    inputs = {"keys": 0, "clicks": 0, "moves": 0}

    def on_response(response):
        request = response.request
        if request.method == "POST" and "/review/" in request.url:
            timing = request.timing
            timings.append((request.url, timing["responseStart"] - timing["requestStart"]))

    page.on("response", on_response)
    reloads: list[str] = []
    page.on("framenavigated", lambda frame: reloads.append(frame.url) if frame == page.main_frame else None)

    def act(item, key: str):
        """Move to a record (J/K, or a click) and press a shortcut; wait for htmx's swap."""
        item.evaluate("el => el.focus()")
        inputs["moves"] += 1
        with page.expect_response(lambda r: r.request.method == "POST" and "/review/" in r.url):
            page.keyboard.press(key)
        inputs["keys"] += 1
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")

    def items(article_title: str | None = None):
        scope = page.locator("article.article", has_text=article_title) if article_title else page
        return scope.locator("li.candidate")

    first_pending = page.locator("li.candidate.pending").first
    focused = page.evaluate("() => document.activeElement && document.activeElement.id")
    assert focused == first_pending.get_attribute("id"), "the page starts on the first pending record"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the record in focus is visibly marked"

    # 西安: one batch, right as read: confirm the whole article.
    act(items("秦创原").first, "Shift+A")
    # 乐山: the 200.2亿 batch takes its four projects; the rest (the 50亿 part of it, anything
    # else read as a project) is rejected; then the article is confirmed as a whole.
    leshan = "乐山高新区：项目落地快新实"
    batch_item = items(leshan).filter(has_text="200.2").first
    for box in batch_item.locator("input[type=checkbox]").all():
        label = box.locator("xpath=..").inner_text()
        wanted = any(word in label for word in LESHAN_PROJECTS)
        if box.is_checked() != wanted:
            box.click()
            inputs["clicks"] += 1
    act(batch_item, "l")
    while True:  # records of the article that are not among the correct ones
        others = [
            item for item in items(leshan).all()
            if "pending" in (item.get_attribute("class") or "")
            and "200.2" not in item.inner_text()
            and not any(word in item.inner_text().split("\n")[0] for word in LESHAN_PROJECTS)
        ]
        if not others:
            break
        act(others[0], "r")
    act(items(leshan).first, "Shift+A")
    # 清远: one batch: confirm the article.
    act(items("清远").first, "Shift+A")
    page.screenshot(path=str(ARTIFACTS / "review-sample.png"), full_page=True)
    return {"timings": timings, "inputs": inputs, "reloads": reloads, "url": page.url}


def test_an_editor_reviews_the_sample_pdf_in_few_fast_actions(browser, make_user, live_server):
    path = sample_path("bulletin-sample.pdf")
    make_user("editor", password=PASSWORD)
    seen = browser(lambda context: review_the_sample(context, path))

    assert seen["reloads"] == [], seen["reloads"]  # no page load during the review
    batches = {b.amount_yuan: b for b in Batch.objects.filter(review_status="confirmed")}
    assert set(batches) == {Decimal("114.7") * YI, Decimal("200.2") * YI, Decimal("122") * YI}
    leshan = batches[Decimal("200.2") * YI]
    confirmed = list(Project.objects.filter(review_status="confirmed", merged_into__isnull=True))
    assert len(confirmed) == 4 and all(project.batch_id == leshan.pk for project in confirmed), [
        (p.name, p.batch_id) for p in confirmed
    ]
    assert not Project.objects.filter(review_status="candidate").exists()
    assert not Batch.objects.filter(review_status="candidate").exists()
    records = len(batches) + len(confirmed)

    totals = live_server_json(live_server, reverse("totals-api"))
    shown = Decimal(totals["total"]["amount_yuan"]) + Decimal(totals["undated"]["amount_yuan"])
    assert shown == (Decimal("114.7") + Decimal("200.2") + Decimal("122")) * YI  # members counted once

    actions = len(seen["timings"])
    slowest = max(ms for _url, ms in seen["timings"])
    per_record = actions / records
    print(
        f"\nreview of the sample PDF: {records} correct records, {actions} actions "
        f"({per_record:.2f} per record; {seen['inputs']['keys']} shortcut keys, "
        f"{seen['inputs']['clicks']} ticks, {seen['inputs']['moves']} moves to a record), "
        f"server time per action: max {slowest:.0f} ms, "
        f"all {', '.join(f'{ms:.0f}' for _url, ms in seen['timings'])} ms"
    )
    assert per_record <= MAX_ACTIONS_PER_RECORD
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if load > MAX_LOAD_PER_CORE:  # wall-clock time on a machine this busy measures the machine
        print(f"server time not asserted: load average {load:.1f} per core (> {MAX_LOAD_PER_CORE})")
        return
    assert slowest < MAX_SERVER_MS, seen["timings"]


def live_server_json(live_server, path: str) -> dict:
    """What the dashboard's endpoint answers the editor."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="editor-user"))
    return client.get(path).json()
