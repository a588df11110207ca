"""The portal in a real browser: pages load clean, the map updates live, kits download, no XSS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Route, expect

from bot.app.demo import seed_demo
from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.clock import SystemClock
from circles.model import Circle, Role
from circles.network import Network
from circles.services.checkins import record_checkin
from circles.services.network_setup import ensure_seeded
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork
from tests.bot.portal.browser import DESKTOP, PHONE, chromium, screenshot_dir, watched_page
from tests.bot.portal.support import Running, running_portal
from toolkits.catalog import Catalog

pytestmark = pytest.mark.asyncio(loop_scope="module")
XSS = "<script>alert(1)</script>"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def site(catalogs: Catalogs, kits: Catalog) -> AsyncIterator[Running]:
    network = Network(language="en", admins=frozenset({"console:admin"}))
    uow = UnitOfWork(MemoryStore(), SystemClock(), network)
    ensure_seeded(uow)
    dispatcher = Dispatcher(build_registry(), uow, catalogs, Config(network=network), kits)
    async with running_portal(dispatcher) as running:
        running.say("mei", "join 新华路", name="Mei")
        running.say("mei", "claim research/interviewer")
        yield running


@pytest.mark.parametrize("path", ["/", "/map", "/kits", "/kits/parcel-sorting", "/?lang=zh"])
async def test_pages_load_without_console_errors(
    browser: Browser, site: Running, path: str
) -> None:
    async with watched_page(browser) as watched:
        response = await watched.page.goto(site.base + path)
        assert response is not None and response.ok
        await watched.page.wait_for_load_state("networkidle")
        assert watched.errors == []


async def test_the_map_changes_live_when_a_role_is_claimed_and_a_circle_splits(
    browser: Browser, site: Running
) -> None:
    async with watched_page(browser) as watched:
        page = watched.page
        await page.goto(site.base + "/map")
        await expect(page.locator("#live")).to_be_visible()  # the event stream is open
        await page.evaluate("window.notReloaded = true")
        role = page.locator("g.role[data-role='connect/partner-liaison']")
        await expect(role).to_have_class("role open")
        site.say("zoe", "join", name="Zoe")
        assert "partner" in site.say("zoe", "claim connect/partner-liaison").lower()
        await expect(role).to_have_class("role held", timeout=10_000)
        await expect(role.locator("text.holder")).to_have_text("Zoe")
        # The cell division, as a lead does it in chat: research's interviewer moves into a
        # new sub-circle.
        site.say("admin", "join", name="Admin")
        assert "interviews" in site.say("admin", "split research interviews interviewer")
        child = page.locator("g.circle[data-slug='research'] g.circle[data-slug='interviews']")
        await expect(child).to_have_count(1, timeout=10_000)
        await expect(child.locator("text.holder")).to_have_text("Mei")
        assert await page.evaluate("window.notReloaded") is True
        assert watched.errors == []


async def test_the_kit_form_downloads_a_pdf(browser: Browser, site: Running) -> None:
    async with watched_page(browser) as watched:
        page = watched.page
        await page.goto(site.base + "/kits/parcel-sorting")
        await page.fill("#p-neighborhood", "Elm Court")
        await page.fill("#p-buildings", "1-6")
        await page.fill("#p-group_size", "2")
        await page.select_option("#p-lang", "en")
        async with page.expect_download() as waiting:
            await page.get_by_role("button", name="Download PDF").click()
        download = await waiting.value
        assert download.suggested_filename == "parcel-sorting-en.pdf"
        path = await download.path()
        assert Path(path).read_bytes().startswith(b"%PDF")
        assert watched.errors == []


async def test_a_bad_parameter_in_the_form_gets_a_page_that_says_why(
    browser: Browser, site: Running
) -> None:
    async with watched_page(browser, locale="zh-CN") as watched:
        page = watched.page
        await page.goto(site.base + "/kits/parcel-sorting")
        await page.fill("#p-buildings", "20-3")
        await page.get_by_role("button", name="下载 Markdown").click()
        await expect(page.locator(".error .message")).to_contain_text("写反了")


async def test_markup_typed_by_users_shows_as_text_and_runs_nothing(
    browser: Browser, site: Running
) -> None:
    site.say("xss", "join", name=XSS)
    site.say("xss", "claim content/storyteller")
    record_checkin(
        site.dispatcher.uow,
        Actor(identity="console:xss", name=XSS),
        "Sorted parcels <img src=x onerror=alert(2)> #parcel-sorting",
        site.dispatcher.kits,
    )
    async with watched_page(browser) as watched:
        page = watched.page
        await page.goto(site.base + "/")
        await expect(page.locator(".checkins").get_by_text(XSS)).to_be_visible()
        await expect(page.get_by_text("<img src=x onerror=alert(2)>", exact=False)).to_be_visible()
        await page.goto(site.base + "/map")
        title = page.locator("g.role[data-role='content/storyteller'] > title")
        await expect(title).to_contain_text(XSS)
        await page.wait_for_timeout(300)
        assert watched.dialogs == []
        assert await page.locator("script").count() == 1  # only the map's own script file


async def test_screenshots_of_the_portal(
    browser: Browser, site: Running, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Phone and desktop screenshots of the three main pages, to look at (not to compare)."""
    seed_demo(site.dispatcher.uow)  # a living network, as after `canbot demo`
    folder = screenshot_dir(tmp_path_factory.mktemp("screenshots"))
    for kind, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        async with watched_page(browser, viewport) as watched:
            for name, path in (("home", "/"), ("map", "/map"), ("kit", "/kits/parcel-sorting")):
                await watched.page.goto(site.base + path)
                await watched.page.wait_for_load_state("networkidle")
                target = folder / f"{name}-{kind}.png"
                await watched.page.screenshot(path=str(target), full_page=kind == "desktop")
                assert target.stat().st_size > 10_000
            assert watched.errors == []


def grow(uow: UnitOfWork, circles: int = 12) -> None:
    """A network of ``circles`` circles and about 50 roles: sub-circles of five roles each."""
    roots = ("connect", "research", "practice", "product", "content")
    with uow.begin() as s:
        for number in range(circles - len(roots)):
            roles = [Role(f"r{k}", {"en": f"Helper {k}"}, {}) for k in range(5)]
            parent = roots[number % len(roots)]
            s.circles.save(
                Circle(f"team-{number}", {"en": f"Team {number}"}, {}, parent, roles=roles)
            )
        s.commit()


SMALLEST_LABEL = """() => {
  const texts = [...document.querySelectorAll('#map svg text')];
  return Math.min(...texts.map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a));
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_every_map_label_is_at_least_11_px_even_on_a_phone_and_a_big_network(
    browser: Browser, site: Running, viewport: dict[str, int]
) -> None:
    async with watched_page(browser, viewport) as watched:
        page = watched.page
        await page.goto(site.base + "/map")
        assert await page.evaluate(SMALLEST_LABEL) >= 10.9
        grow(site.dispatcher.uow)
        await expect(page.locator("g.circle[data-slug='team-6']")).to_have_count(1, timeout=10_000)
        assert await page.evaluate(SMALLEST_LABEL) >= 10.9
        frame = page.locator(".map-frame")
        overflows = await frame.evaluate("f => f.scrollWidth > f.clientWidth")
        if viewport == PHONE:
            assert overflows  # the map scrolls rather than shrinks its labels ...
            await expect(page.locator(".map-hint")).to_be_visible()  # ... and says so
        else:
            await expect(page.locator(".map-hint")).to_be_hidden()
        assert watched.errors == []


async def test_a_failed_map_fetch_is_retried_without_an_error_in_the_console(
    browser: Browser, site: Running
) -> None:
    async with watched_page(browser) as watched:
        page = watched.page
        failed: list[str] = []

        async def fail_once(route: Route) -> None:
            if not failed:
                failed.append(route.request.url)
                await route.abort()
            else:
                await route.continue_()

        await page.route("**/map.svg*", fail_once)
        await page.goto(site.base + "/map")
        await expect(page.locator("#live")).to_be_visible()
        site.say("kai", "join", name="Kai")
        site.say("kai", "claim connect/onboarding-host")
        role = page.locator("g.role[data-role='connect/onboarding-host']")
        await expect(role).to_have_class("role held", timeout=10_000)
        assert failed  # the first fetch did fail, and the page tried again by itself
        # Chromium logs the aborted request itself; nothing else may reach the console.
        assert [e for e in watched.errors if not e.startswith("Failed to load resource")] == []
