"""Accessibility checks with axe-core in the real browser.

    from tests.e2e.axe import assert_accessible
    page.goto(local_stack.url + "/profile.html")
    assert_accessible(page)            # no serious or critical WCAG 2.1 A/AA violation

axe-core comes from npm (static_site/node_modules/axe-core, a devDependency)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "static_site" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def run_axe(page: Any, context: str | None = None, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe on the page (or the element matched by the CSS selector ``context``) and return
    its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        assert AXE.is_file(), f"{AXE} is missing: run `cd static_site && npm install`"
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context ? document.querySelector(context) : document,
                {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
        }""",
        [context, tags or WCAG_AA],
    )


def assert_accessible(page: Any, context: str | None = None, tags: list[str] | None = None) -> None:
    """Fail with a readable list when axe finds a serious or critical violation."""
    bad = [v for v in run_axe(page, context, tags) if v["impact"] in BLOCKING]
    if bad:
        lines = [f"{page.url}: {len(bad)} serious/critical accessibility violation(s)"]
        for v in bad:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:5])
        raise AssertionError("\n".join(lines))
