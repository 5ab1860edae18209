"""axe-core (from the npm registry, pinned in package.json) run inside Chromium pages.

The script is read from node_modules and evaluated through the DevTools protocol, which a
page's Content-Security-Policy does not govern, so the site's CSP stays as strict as in
production (no inline script, no CDN). Checks WCAG 2.0–2.2 A and AA rules plus axe's best
practices; `serious_violations` keeps those of serious or critical impact, which fail a test.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO_DIR

AXE_JS = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} missing: run scripts/setup (npm ci installs axe-core from package.json)")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, source: str, within: str | None = None) -> list[dict]:
    """Every violation on the page as it is now (`within`: only inside the element this CSS
    selector finds): id, impact, help and the first targets."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate(
        """async ([tags, within]) => {
          const where = within ? {include: [within]} : document;
          const r = await axe.run(where, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            summary: v.nodes.slice(0, 2).map(n => n.failureSummary)}));
        }""",
        [TAGS, within],
    )
    return result


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(where: str, violations: list[dict]) -> list[str]:
    return [f"{where}: [{v['impact']}] {v['id']} — {v['help']} — {v['targets']} — {v['summary']}"
            for v in violations]
