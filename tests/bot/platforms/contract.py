"""The platform contract: what every chat platform does for its users, one suite for all of them.

Each platform's test module subclasses ``PlatformContract`` and provides a ``driver`` fixture: a
``PlatformDriver`` that talks to that platform's real adapter the way its users do (through the
loopback fake of the platform's API, a real server, or the terminal) and reports what the users
were shown. The tests here speak only of users, lines, buttons, files and chats, so a new
platform passes the same suite as the others by writing one driver.

The network: Chinese by default, one admin (``ADMIN``), two volunteers-to-be. ``ALICE``'s
platform says English where a platform tells a language; ``BOB``'s says Chinese.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.app.scheduler import MeetupScheduler
from bot.i18n import Catalogs, Translator
from bot.platforms.base import Platform
from circles.clock import FixedClock
from circles.network import Network
from circles.text import pick
from circles.unit_of_work import UnitOfWork

ADMIN, ALICE, BOB = "admin", "alice", "bob"
NETWORK_NAME = "CAN contract"
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday
WAIT = 20.0
PDF_MAGIC = b"%PDF"
PNG_MAGIC = b"\x89PNG"


def contract_network(admin_identity: str) -> Network:
    return Network(
        name=NETWORK_NAME,
        timezone="Asia/Shanghai",
        language="zh",
        admins=frozenset({admin_identity}),
    )


@dataclass
class Shown:
    """One message the bot showed a user: its text, its buttons' labels, and the files with it."""

    text: str
    buttons: tuple[str, ...] = ()
    files: tuple[bytes, ...] = ()
    ref: Any = field(default=None, repr=False)  # the driver's handle for pressing its buttons


class PlatformDriver(Protocol):
    """One platform's adapter under test, driven as its users drive it.

    ``say`` and ``press`` return once the bot has answered; ``group_texts`` lists what the bot
    posted to the group chat (answers and broadcasts). Users are ``ADMIN``, ``ALICE``, ``BOB``.
    """

    platform: Platform  # the adapter, for broadcasts (reminders) sent by the scheduler
    uow: UnitOfWork  # the network it serves
    clock: FixedClock  # the domain's clock, moved by the tests
    group_chat: str  # the group chat's id in the store, e.g. ``telegram:-1001234``

    def identity(self, user: str) -> str:
        """The user's identity in the store, e.g. ``telegram:42``."""
        ...

    def language_of(self, user: str) -> str:
        """The language the bot should answer ``user`` in before any ``lang``."""
        ...

    async def say(self, user: str, line: str, *, in_group: bool = False) -> Shown:
        """``user`` sends a command line (without any platform prefix) privately or in the group;
        returns the bot's answer, with the files that came with it."""
        ...

    async def press(self, user: str, shown: Shown, label: str) -> str:
        """``user`` presses the button ``label`` on ``shown``; returns what the presser is told."""
        ...

    def group_texts(self) -> list[str]:
        """Every text the bot posted to the group chat so far, oldest first."""
        ...


async def eventually(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Wait until ``condition()`` holds (polled), or fail naming ``what``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class PlatformContract:
    """Subclass with a ``driver`` fixture returning a started ``PlatformDriver``."""

    catalogs = Catalogs()

    def t(self, driver: PlatformDriver, user: str) -> Translator:
        return self.catalogs.translator(driver.language_of(user))

    def interviewer_name(self, driver: PlatformDriver, language: str) -> str:
        with driver.uow.begin() as s:
            role = s.circles.require("research").role("interviewer")
        return pick(role.name, language)

    def holders(self, driver: PlatformDriver) -> list[str]:
        with driver.uow.begin() as s:
            return list(s.circles.require("research").role("interviewer").holders)

    def volunteer_id(self, driver: PlatformDriver, user: str) -> str | None:
        with driver.uow.begin() as s:
            volunteer = s.volunteers.by_identity(driver.identity(user))
        return volunteer.id if volunteer else None

    async def test_start_welcomes_and_offers_to_join(self, driver: PlatformDriver) -> None:
        t = self.t(driver, ALICE)
        shown = await driver.say(ALICE, "start")
        assert (
            t(
                "Welcome to {network}, a mutual-aid network that organizes itself in circles.",
                network=NETWORK_NAME,
            )
            in shown.text
        )
        assert t("Join") in shown.buttons

    async def test_join_makes_a_volunteer_once(self, driver: PlatformDriver) -> None:
        t = self.t(driver, ALICE)
        first = await driver.say(ALICE, "join 古北")
        assert self.volunteer_id(driver, ALICE) is not None
        assert t("Open roles") in first.buttons
        again = await driver.say(ALICE, "join")
        assert t("Neighborhood: {place}", place="古北") in again.text
        with driver.uow.begin() as s:
            assert s.volunteers.count() == 1

    async def test_circle_research_offers_a_claim_button_and_pressing_it_claims(
        self, driver: PlatformDriver
    ) -> None:
        t = self.t(driver, ALICE)
        await driver.say(ALICE, "join")
        view = await driver.say(ALICE, "circle research")
        label = t("Claim {role}", role=self.interviewer_name(driver, t.language))
        assert label in view.buttons
        told = await driver.press(ALICE, view, label)
        assert self.interviewer_name(driver, t.language) in told
        assert self.holders(driver) == [self.volunteer_id(driver, ALICE)]

    async def test_a_second_users_claim_of_a_full_role_is_refused(
        self, driver: PlatformDriver
    ) -> None:
        await driver.say(ALICE, "join")
        await driver.say(ALICE, "claim research/interviewer")
        alice = self.volunteer_id(driver, ALICE)
        t = self.t(driver, BOB)
        await driver.say(BOB, "join")
        view = await driver.say(BOB, "roles")  # open roles: the interviewer is not among them
        assert t("Claim {role}", role=self.interviewer_name(driver, t.language)) not in view.buttons
        refused = await driver.say(BOB, "claim research/interviewer")
        full = "Role {circle}/{role} is full ({capacity} of {capacity} taken)."
        assert t(full, circle="research", role="interviewer", capacity=1) in refused.text
        assert self.holders(driver) == [alice]

    async def test_an_admin_links_the_group_to_a_circle_and_a_volunteer_may_not(
        self, driver: PlatformDriver
    ) -> None:
        await driver.say(ALICE, "join")
        refused = await driver.say(ALICE, "link research", in_group=True)
        assert driver.group_chat not in self.chats_of(driver, "research")
        assert refused.text
        await driver.say(ADMIN, "join")
        await driver.say(ADMIN, "link research", in_group=True)
        assert driver.group_chat in self.chats_of(driver, "research")

    def chats_of(self, driver: PlatformDriver, slug: str) -> list[str]:
        with driver.uow.begin() as s:
            return list(s.circles.require(slug).chats)

    async def test_a_reminder_reaches_the_linked_group(self, driver: PlatformDriver) -> None:
        await driver.say(ADMIN, "join")
        await driver.say(ADMIN, "link research", in_group=True)
        session = START + timedelta(hours=3)
        local = session.astimezone(ZoneInfo("Asia/Shanghai"))
        title = "茶馆 contract"
        await driver.say(ADMIN, f"schedule research once:{local.date()} {local:%H:%M} 90m {title}")
        driver.clock.set(session - timedelta(hours=1) + timedelta(seconds=5))
        scheduler = MeetupScheduler(
            driver.uow,
            [driver.platform],
            self.catalogs.translator("zh"),
            [timedelta(hours=1)],
        )
        await scheduler.wake()
        await eventually(
            lambda: any(title in text for text in driver.group_texts()), "the reminder"
        )
        await scheduler.stop()
        assert sum(title in text for text in driver.group_texts()) == 1

    async def test_a_kit_arrives_as_a_pdf_file(self, driver: PlatformDriver) -> None:
        shown = await driver.say(ALICE, "kit parcel-sorting")
        assert any(data.startswith(PDF_MAGIC) for data in shown.files), shown

    async def test_the_map_arrives_as_an_image(self, driver: PlatformDriver) -> None:
        shown = await driver.say(ALICE, "map")
        assert any(data.startswith(PNG_MAGIC) for data in shown.files), shown

    async def test_answers_follow_the_users_language(self, driver: PlatformDriver) -> None:
        welcome = "Each person claims a role by their mission and best skill; nobody is in charge."
        zh = self.catalogs.translator("zh")
        en = self.catalogs.translator("en")
        first = await driver.say(BOB, "start")
        assert driver.language_of(BOB) == "zh"
        assert zh(welcome) in first.text
        await driver.say(BOB, "lang en")
        assert en(welcome) in (await driver.say(BOB, "start")).text
        await driver.say(BOB, "lang zh")
        assert zh(welcome) in (await driver.say(BOB, "start")).text
