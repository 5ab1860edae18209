"""Steps that browser tests share: an editor's upload of an issue, from a file or from a text
the test wrote (the login is `tests.browser.conftest.login`)."""

from __future__ import annotations

from pathlib import Path


def upload_issue(page, source: Path | str, issue_date: str, *, wait_for: str = "li.candidate",
                 timeout: int = 60_000) -> str:
    """Upload an issue through the upload form (a file's path, or a text as `issue.txt`) and wait
    on its page until `wait_for` shows (the page follows the parse by itself). Returns its URL."""
    page.goto("/bulletins/upload/")
    if isinstance(source, Path):
        page.set_input_files("input[name=file]", str(source))
    else:
        page.set_input_files("input[name=file]", {
            "name": f"issue-{issue_date}.txt", "mimeType": "text/plain", "buffer": source.encode(),
        })
    page.fill("input[name=issue_date]", issue_date)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/bulletins/*/")
    page.wait_for_selector(wait_for, timeout=timeout)
    return page.url
