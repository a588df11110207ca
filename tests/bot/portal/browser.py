"""Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright, headless."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def screenshot_dir(fallback: Path) -> Path:
    """Where screenshots go: CANBOT_SCREENSHOTS (e.g. docs/screenshots) or a temp folder."""
    folder = Path(os.environ.get("CANBOT_SCREENSHOTS") or fallback)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: run scripts/setup-system")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Watched:
    """A page with everything that went wrong on it: console errors, script errors, dialogs."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@asynccontextmanager
async def watched_page(
    browser: Browser, viewport: dict[str, int] = DESKTOP, locale: str = "en-US"
) -> AsyncIterator[Watched]:
    context = await browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        locale=locale,
        device_scale_factor=2 if viewport == PHONE else 1,
        accept_downloads=True,
    )
    page = await context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))

    async def dismiss(dialog: object) -> None:
        watched.dialogs.append(getattr(dialog, "message", "?"))
        await dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dismiss)
    try:
        yield watched
    finally:
        await context.close()
