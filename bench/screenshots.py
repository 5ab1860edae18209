"""Screenshots of the follow-through on the demo data (issue 12): the province map, the cohort
chart and the stalled list, in both languages, at desktop (1366 px) and phone (390 px) width.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--port 8796]

Compiles this checkout's translations, builds a fresh SQLite database of the demo (`migrate`,
`load_demo`: our demo bulletins through the real pipeline) in a temporary folder, serves it
with gunicorn (static files collected there), and in Debian's Chromium (/usr/bin/chromium,
Playwright) signs in as the demo analyst and saves, for each language and width, the part of
the page each item is in (an element screenshot; the whole page when the element is not
there) as PNG under `--out`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from bench import server  # noqa: E402
from bench.browser_charts import CHROMIUM, FLAGS  # noqa: E402

HOST = server.HOST
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
LANGUAGES = ("zh-hans", "en")
# What to show: (file name, page, the element's selectors in order of preference).
SHOTS = (
    ("province-map-dashboard", "/", ("#province-map-section", "#province-map", "[data-province-map]")),
    ("province-map-follow-through", "/follow-through/",
     ("#province-map-section", "#province-map", "[data-province-map]")),
    ("cohort-chart", "/follow-through/", ("#cohorts", "#cohort-chart", "#chart-cohorts")),
    ("stalled-list", "/follow-through/", ("#stalled", "#stalled-list")),
)
CHARTS_DRAWN = """() => document.readyState === "complete" &&
  [...document.querySelectorAll("main canvas")].every(c => window.Chart && Chart.getChart(c))"""


def serve(folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}", "ZIT_VAR_DIR": str(folder),
           "ZIT_STATIC_ROOT": str(folder / "static"), "ALLOWED_HOSTS": f"{HOST},localhost",
           "SECRET_KEY": "screenshots-" + "x" * 50, "DEBUG": "0", "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.pop("CELERY_BROKER_URL", None)
    steps = (
        ["compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"],  # this checkout's .po
        ["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"],
    )
    for command in steps:
        subprocess.run([sys.executable, "manage.py", *command], cwd=REPO_DIR, env=env, check=True,
                       capture_output=True)
    return server.start(env, port, 2)


def shoot(base: str, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for language in LANGUAGES:
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, base_url=base)
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("input[name=username]", "analyst")
                page.fill("input[name=password]", "analyst-demo-pass")
                with page.expect_navigation():
                    page.press("input[name=password]", "Enter")
                for name, path, selectors in SHOTS:
                    page.goto(path)
                    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
                    page.wait_for_timeout(300)  # the charts' first frame
                    target = out / f"{name}-{label}-{language}.png"
                    found = next((page.locator(s).first for s in selectors if page.locator(s).count()), None)
                    if found is not None:
                        found.scroll_into_view_if_needed()
                        found.screenshot(path=str(target))
                    else:
                        page.screenshot(path=str(target), full_page=True)
                        name += " (whole page: no element found)"
                    saved.append(f"{target.name}: {name}")
                context.close()
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO_DIR / "docs" / "screenshots"))
    parser.add_argument("--port", type=int, default=8796)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zt-shots-") as folder:
        process = serve(Path(folder), args.port)
        try:
            for line in shoot(f"http://{HOST}:{args.port}", out):
                print(f"  {line}")
        finally:
            server.stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
