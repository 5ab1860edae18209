"""The page shell in Chromium, as users meet it: the language switch before logging in, the
phone layout (390×844) and the desktop one (1366) of every main page in both languages, the
menu without JavaScript, keyboard focus, and error pages.

Screenshots of every page at both widths and in both languages go to test-artifacts/shell/.
"""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_source, describe, run_axe, serious
from tests.browser.conftest import ARTIFACTS, PASSWORD, login
from tests.main_pages import build_main_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = ARTIFACTS / "shell"
LANGUAGES = ("zh-hans", "en")
# The first figure a user looks for on each page, which a phone must show on its first screen.
FIGURE_FIRST = {"project-list": "#list-total", "dashboard": "[data-field='total.amount_display']"}
# The widest element that sticks out of the page, if any (for a useful failure message).
# Rows whose cells (colspans counted) do not fill the table's header row, per table.
BAD_COLSPANS = """() => {
  const bad = [];
  for (const table of document.querySelectorAll('main table')) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) continue;
    const width = [...head.cells].reduce((n, c) => n + c.colSpan, 0);
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      const cells = [...row.cells].reduce((n, c) => n + c.colSpan, 0);
      if (cells !== width) bad.push(`${table.id || table.className}: ${cells} of ${width} in "${row.innerText.slice(0, 30)}"`);
    }
  }
  return bad;
}"""
WIDEST_OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit + 0.5 && (!worst || r.right > worst.right)) {
      let inScroller = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (['auto', 'scroll', 'hidden'].includes(s.overflowX) && p !== document.body) { inScroller = true; break; }
      }
      if (!inScroller) worst = {tag: el.tagName, cls: el.className, id: el.id, right: r.right};
    }
  }
  return worst;
}"""


def set_language(context, base_url: str, language: str) -> None:
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def test_language_switch_on_the_login_page_keeps_the_page_and_the_destination(browser, analyst):
    def check(context):
        page = context.new_page()
        page.goto("/projects/")
        assert page.url.endswith("/accounts/login/?next=/projects/")
        assert page.evaluate("document.documentElement.lang") == "zh-hans"
        with page.expect_navigation():
            page.click("header button[name=language][value=en]")
        assert page.url.endswith("/accounts/login/?next=/projects/")  # the same page, no login loop
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.inner_text("main h1") == "Log in"
        assert page.title() == "Log in — Zone Investment Tracker"
        page.screenshot(path=str(SHOTS / "login-switched-en.png"))
        page.fill("input[name=username]", "analyst-user")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.endswith("/projects/")
        assert page.inner_text("main h1") == "Projects"
        with page.expect_navigation():
            page.click("header button[name=language][value=zh-hans]")
        assert page.url.endswith("/projects/") and page.inner_text("main h1") == "项目"

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser(check)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_phone_and_a_desktop_and_passes_axe(browser, live_server, make_user, language):
    """At 390 px and 1366 px: nothing wider than the viewport, no axe-core violation of serious or
    critical impact (WCAG 2.2 A/AA and best practices), every table row as wide as its header;
    distinct titles; screenshots."""
    source = axe_source()
    pages = build_main_pages()
    make_user("editor", password=PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)

    def check(context):
        set_language(context, live_server.url, language)
        problems, minor, titles = [], [], {}
        signed_in = login(context, "editor-user")
        anonymous = context.browser.new_context(base_url=live_server.url, locale="zh-CN")
        set_language(anonymous, live_server.url, language)
        try:
            for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
                for main_page in pages:
                    page = anonymous.new_page() if main_page.who == "anonymous" else signed_in
                    page.set_viewport_size(viewport)
                    page.goto(main_page.url)
                    if main_page.key == "dashboard":
                        page.wait_for_selector("#dashboard[data-ready=true]")
                    page.wait_for_load_state("networkidle")
                    assert page.evaluate("document.documentElement.lang") == language
                    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if width[0] > width[1]:
                        problems.append(f"{label} {main_page.key}: scrollWidth {width[0]} > {width[1]}: "
                                        f"{page.evaluate(WIDEST_OVERFLOW)}")
                    figure = FIGURE_FIRST.get(main_page.key)
                    if figure and label == "phone" and page.locator(figure).bounding_box()["y"] > PHONE["height"]:
                        problems.append(f"phone {main_page.key}: {figure} is below the first screen")
                    found = run_axe(page, source)
                    problems += describe(f"{label} {main_page.key}", serious(found))
                    minor += describe(f"{label} {main_page.key}", [v for v in found if v not in serious(found)])
                    problems += [f"{label} {main_page.key}: colspan {bad}" for bad in page.evaluate(BAD_COLSPANS)]
                    titles[(label, main_page.key)] = page.title()
                    page.screenshot(path=str(SHOTS / f"{main_page.key}-{label}-{language}.png"), full_page=True)
                    page.screenshot(path=str(SHOTS / f"{main_page.key}-{label}-{language}-first-screen.png"))
                    if main_page.who == "anonymous":
                        page.close()
        finally:
            anonymous.close()
        print("\n".join(["axe, moderate or minor (not failing):", *minor]))
        assert not problems, "\n".join(problems)
        desktop_titles = [t for (label, _key), t in titles.items() if label == "desktop"]
        assert len(set(desktop_titles)) == len(desktop_titles), titles

    browser(check)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_menu_opens_and_closes_with_or_without_javascript(browser, analyst, javascript):
    def check(context):
        page = login(context)
        page.set_viewport_size(PHONE)
        page.goto("/projects/")
        nav_link = page.locator("header nav a[href='/zones/']")
        assert not nav_link.is_visible()
        summary = page.locator("header details.menu > summary")
        assert summary.is_visible()
        box = summary.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 44  # a target a thumb can hit
        summary.click()
        assert nav_link.is_visible()
        # Each link on one line: the menu no longer wraps one character per line.
        heights = page.eval_on_selector_all("header nav a", "els => els.map(e => e.getBoundingClientRect().height)")
        assert max(heights) < 48, heights
        page.screenshot(path=str(SHOTS / f"menu-open-phone-{'js' if javascript else 'nojs'}.png"))
        with page.expect_navigation():
            nav_link.click()
        assert page.url.endswith("/zones/")
        assert not page.locator("header nav a[href='/projects/']").is_visible()  # closed again on the new page
        page.set_viewport_size(DESKTOP)
        assert page.locator("header nav a[href='/projects/']").is_visible()
        assert not summary.is_visible()

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser(check, javascript=javascript)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(browser, analyst):
    def check(context):
        page = login(context)
        page.goto("/projects/")
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
        assert focused == ["skip-link", "跳到正文"]
        box = page.locator(".skip-link").bounding_box()
        assert box["y"] >= 0 and box["height"] > 10  # shown when focused
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('header')") is None  # past the header

    browser(check)


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_in_the_browser(browser, live_server, analyst, language, settings):
    settings.DEBUG = False

    def check(context):
        set_language(context, live_server.url, language)
        page = login(context)
        response = page.goto("/no-such-page/")
        assert response.status == 404
        assert page.inner_text("main h1") == {"zh-hans": "找不到页面", "en": "Page not found"}[language]
        page.screenshot(path=str(SHOTS / f"404-desktop-{language}.png"))
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(SHOTS / f"404-phone-{language}.png"))
        with page.expect_navigation():
            page.click("main .ways-back a[href='/']")
        assert page.url.rstrip("/") == live_server.url.rstrip("/")
        page.goto("/bulletins/upload/")
        assert page.inner_text("main h1") == {"zh-hans": "无权访问", "en": "Access denied"}[language]
        page.screenshot(path=str(SHOTS / f"403-phone-{language}.png"))
        favicon = page.request.get("/favicon.ico")
        assert favicon.status == 200 and favicon.body()[:4] == b"\x00\x00\x01\x00"

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser(check)
