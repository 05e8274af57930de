"""axe-core (npm, `make axe`) injected into a page: accessibility violations by impact."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.stack import REPO

AXE_SCRIPT = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# KWCAG 2.2 follows WCAG 2.x A and AA; best-practice rules are reported too.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now."""
    assert AXE_SCRIPT.exists(), "axe-core is missing: `make axe` installs it from npm"
    page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })", TAGS
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def assert_accessible(page: Page, where: str) -> None:
    """No serious or critical violation; the message names each rule and the first nodes."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in blocking
    )
    assert not blocking, f"accessibility violations on {where}:\n{report}"
