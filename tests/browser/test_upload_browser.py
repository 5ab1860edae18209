"""An editor uploads each supported format in the browser; a real Celery worker parses it,
and the bulletin page follows the parse by itself until the articles and candidates show."""

from __future__ import annotations

import pytest

from config.celery import app
from tests.browser.conftest import ARTIFACTS, PASSWORD, login
from tests.browser.steps import upload_issue
from tests.conftest import sample_path
from tests.worker import WorkerProcess

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FORMATS = [
    "bulletin-sample.txt", "bulletin-sample.gb18030.txt", "bulletin-sample.html",
    "bulletin-sample.docx", "bulletin-sample.pdf",
]


@pytest.fixture
def worker(tmp_path):
    app.control.purge()
    process = WorkerProcess(tmp_path / "worker.log").start()
    yield process
    process.stop()


def test_each_format_uploaded_in_the_browser_is_parsed_by_a_real_worker(browser, make_user, worker):
    make_user("editor", password=PASSWORD)
    files = [sample_path(name) for name in FORMATS]

    def upload_all(context):
        page = login(context, "editor-user")
        seen = {}
        for path in files:
            # No reload by us: the page polls the status and reloads itself when the parse ends.
            upload_issue(page, path, "2022-07-01", wait_for="article.article h2")
            status = page.inner_text("#bulletin-status .status")
            # An editor lands on the articles awaiting review; every article is one link away.
            page.goto(page.url.split("#")[0].split("?")[0] + "?show=all")
            seen[path.name] = {
                "status": status,
                "titles": page.locator("article.article h2").all_inner_texts(),
                "candidates": page.locator(".candidates li.candidate").count(),
                "marks": page.locator(".article-text mark").count(),
            }
        page.screenshot(path=str(ARTIFACTS / "bulletin-review.png"), full_page=True)
        return seen

    seen = browser(upload_all)
    for name, found in seen.items():
        assert found["status"] == "已解析", (name, found, worker.output()[-2000:])
        assert len(found["titles"]) == 4, (name, found["titles"])
        assert "秦创原高新技术产业高质量发展大会在西安高新区召开" in found["titles"][0]
        assert found["candidates"] >= 8 and found["marks"] >= 8, (name, found)
    assert worker.output().count("succeeded") >= len(FORMATS)
