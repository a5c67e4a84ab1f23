"""What the calculators' browser journeys share: filling a calculator's form and keeping a screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

SHOTS = Path("/tmp/shots")


def shot(page: Page, folder: str, name: str) -> None:
    (SHOTS / folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / folder / f"{name}.png"), full_page=True)


def fill(page: Page, values: dict[str, str]) -> None:
    """Type or choose each field by name, then press 计算."""
    for name, value in values.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name="计算").click()
