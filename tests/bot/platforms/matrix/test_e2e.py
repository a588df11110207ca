"""End to end: the real `canbot run` on a real Matrix homeserver (Synapse), driven by people's
clients through the client-server API: direct rooms, reactions as buttons, files, linked rooms
and their reminders, an encrypted room, and a rate limit waited out."""

from __future__ import annotations

import asyncio
import json
import stat
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.bot.platforms.matrix.harness import Accounts, leaks, write_config
from tests.bot.platforms.matrix.homeserver import Homeserver
from tests.bot.platforms.matrix.people import Person, Seen
from tests.bot.platforms.telegram.harness import (
    CanbotRun,
    child_env,
    circle,
    export,
    role,
    volunteer_id,
)


@pytest.fixture
async def alice(
    homeserver: Homeserver, accounts: Accounts, tmp_path: Path
) -> AsyncIterator[Person]:
    person = Person(homeserver, accounts.alice, tmp_path / "alice")
    await person.start()
    yield person
    await person.stop()


@pytest.fixture
async def bob(homeserver: Homeserver, accounts: Accounts, tmp_path: Path) -> AsyncIterator[Person]:
    person = Person(homeserver, accounts.bob, tmp_path / "bob")
    await person.start()
    yield person
    await person.stop()


def is_edit_of(event_id: str) -> object:
    def test(seen: Seen) -> bool:
        relates = seen.content.get("m.relates_to") or {}
        return relates.get("rel_type") == "m.replace" and relates.get("event_id") == event_id

    return test


async def direct_room(person: Person, bot: str) -> str:
    room = await person.create_room([bot], direct=True)
    await person.wait_member(room, bot)
    return room


async def test_direct_room_buttons_as_reactions_and_files(
    homeserver: Homeserver, accounts: Accounts, alice: Person, tmp_path: Path
) -> None:
    bot = accounts.bot.user_id
    config = write_config(tmp_path, homeserver.url, accounts.bot)
    async with CanbotRun(config) as run:
        room = await direct_room(alice, bot)

        # In a direct room every line is a command; the answer is a reply with HTML and a body.
        asked = await alice.say(room, "join Xinhua Road")
        joined = await alice.wait_text(room, bot, "Welcome")
        assert joined.content["m.relates_to"]["m.in_reply_to"]["event_id"] == asked
        assert joined.content["format"] == "org.matrix.custom.html"
        assert joined.content["msgtype"] == "m.notice"

        # A view's buttons are numbered keys, explained in the text and put on as reactions.
        await alice.say(room, "roles")
        view = await alice.wait_text(room, bot, "1️⃣ Claim")
        await alice.wait_for(
            lambda s: (
                s.kind == "m.reaction"
                and s.sender == bot
                and (s.content.get("m.relates_to") or {}).get("event_id") == view.event_id
            ),
            "the bot's own 1️⃣ reaction",
        )
        first = next(line for line in view.body.splitlines() if line.startswith("1️⃣"))

        # Alice's reaction runs the button as her, and the message is edited in place.
        await alice.react(room, view.event_id, "1️⃣")
        claimed = await alice.wait_text(room, bot, "You now hold")
        await alice.wait_for(is_edit_of(view.event_id), "the view edited with m.replace")
        data = await export(config)
        held = claimed.body.split("You now hold ", 1)[1].split(" ", 1)[0]
        assert volunteer_id(data, f"matrix:{alice.user_id}") in role(data, held)["holders"], first

        # A reaction on a message of her own runs nothing.
        def answers() -> int:
            return len([s for s in alice.seen if s.sender == bot and s.kind == "m.room.message"])

        before = answers()
        mine = await alice.say(room, "myroles")
        await alice.wait_text(room, bot, "Your roles")
        await alice.react(room, mine, "1️⃣")
        await alice.say(room, "help claim")
        await alice.wait_text(room, bot, "claim <role>")
        assert answers() == before + 2  # myroles and help: the reaction ran nothing

        # Files go through the media repository: the map as m.image, a kit PDF as m.file.
        await alice.say(room, "map")
        image = await alice.wait_for(
            lambda s: s.sender == bot and s.content.get("msgtype") == "m.image", "the map image"
        )
        assert (await alice.download(image.content["url"])).startswith(b"\x89PNG")
        await alice.say(room, "kit return-trip en")
        pdf = await alice.wait_for(
            lambda s: s.sender == bot and s.content.get("msgtype") == "m.file",
            "the kit PDF",
            timeout=180,
        )
        assert pdf.content["info"]["mimetype"] == "application/pdf"
        assert (await alice.download(pdf.content["url"])).startswith(b"%PDF")

        # The reply language follows the user.
        await alice.say(room, "lang zh")
        await alice.say(room, "help")
        await alice.wait_text(room, bot, "命令")

    # The password login's token is kept private; no secret reaches the log.
    login = tmp_path / "data" / "matrix" / "login.json"
    assert stat.S_IMODE(login.stat().st_mode) == 0o600
    assert stat.S_IMODE(login.parent.stat().st_mode) == 0o700
    token = json.loads(login.read_text())["access_token"]
    assert leaks(run.output, token, accounts.bot.password) == []


async def test_group_room_link_by_room_admin_and_reminder(
    homeserver: Homeserver, accounts: Accounts, alice: Person, bob: Person, tmp_path: Path
) -> None:
    bot = accounts.bot.user_id
    config = write_config(
        tmp_path, homeserver.url, accounts.bot, admins=(f"matrix:{alice.user_id}",),
        reminders='["1h"]',
    )  # fmt: skip
    async with CanbotRun(config) as run:
        room = await alice.create_room([bot, bob.user_id])
        await bob.join(room)
        await alice.wait_member(room, bot)
        await alice.wait_member(room, bob.user_id)

        # In a group, plain talk is not a command; the prefix and a mention are.
        await alice.say(room, "hello everyone")
        await bob.say(room, "!can join")
        await alice.wait_text(room, bot, "Welcome")
        await alice.say(room, "canbot: join")
        await alice.wait_for(
            lambda s: s.sender == bot and "Welcome" in s.body and s.body.count("Welcome") >= 1
            and s.content["m.relates_to"]["m.in_reply_to"]["event_id"] != "",
            "alice's join",
        )  # fmt: skip
        answers = [s for s in alice.seen if s.sender == bot and s.kind == "m.room.message"]
        assert not any("hello" in s.body for s in answers)

        # Bob (power level 0) may not link the room; Alice (its creator, 100) may.
        await bob.say(room, "!can link research")
        await bob.wait_text(room, bot, "power level 50")
        await alice.say(room, "!can link research")
        await alice.wait_text(room, bot, "now linked")
        data = await export(config)
        assert f"matrix:{room}" in circle(data, "research")["chats"]

        # A meetup an hour after the next whole minute: its 1h reminder falls due within a
        # minute (after the meetup was made, so it counts), and comes to the linked room.
        now = datetime.now(ZoneInfo("Asia/Shanghai"))
        start = now.replace(second=0, microsecond=0) + timedelta(minutes=61 + (now.second > 50))
        await alice.say(
            room,
            f"!can schedule research once:{start:%Y-%m-%d} {start:%H:%M} 30m Tea house",
        )
        await alice.wait_text(room, bot, "Tea house")
        reminder = await alice.wait_for(
            lambda s: s.sender == bot and "Tea house" in s.body and "m.relates_to" not in s.content,
            "the reminder in the linked room",
            timeout=150,
        )
        assert reminder.room == room
    assert "Traceback" not in run.output


async def test_encrypted_direct_room_is_read_and_answered_encrypted(
    homeserver: Homeserver, accounts: Accounts, alice: Person, tmp_path: Path
) -> None:
    """The decision (docs/matrix.md): matrix-nio[e2e] installs from the index (vodozemac
    wheels), so the bot reads and writes encrypted rooms, as Element's direct messages are."""
    bot = accounts.bot.user_id
    config = write_config(tmp_path, homeserver.url, accounts.bot)
    async with CanbotRun(config):
        room = await alice.create_room([bot], direct=True, encrypted=True)
        await alice.wait_member(room, bot)
        await alice.say(room, "join")
        answer = await alice.wait_text(room, bot, "Welcome")
        assert answer.room == room
    raw = [
        s for s in alice.seen if s.room == room and s.sender == bot and s.kind == "m.room.encrypted"
    ]
    assert raw == [], "every answer was decrypted by Alice's client"
    keys = tmp_path / "data" / "matrix" / "store"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700


async def test_a_rate_limit_answer_is_waited_out(
    homeserver: Homeserver, accounts: Accounts, alice: Person, tmp_path: Path
) -> None:
    bot = accounts.bot.user_id
    config = write_config(tmp_path, homeserver.url, accounts.bot)
    async with CanbotRun(config) as run:
        room = await direct_room(alice, bot)
        homeserver.limit_messages(bot, per_second=1, burst=1)
        try:
            for number in range(4):
                await alice.say(room, f"help {['join', 'claim', 'roles', 'circles'][number]}")
            for usage in ("join [", "claim <role>", "roles [", "circles"):
                await alice.wait_text(room, bot, usage, timeout=60)
        finally:
            homeserver.unlimit_messages(bot)
        await run.wait_for_line("429|rate limit")


async def test_check_reports_the_login_by_whoami_without_the_token(
    homeserver: Homeserver, accounts: Accounts, tmp_path: Path
) -> None:
    token = accounts.bot.access_token
    config = write_config(tmp_path, homeserver.url, accounts.bot, token=token)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", "--config", str(config),
        cwd=str(tmp_path), env=child_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    text = out.decode()
    assert process.returncode == 0, text
    assert f"logged in at {homeserver.url} as {accounts.bot.user_id} (device " in text
    assert token not in text

    bad = write_config(tmp_path, homeserver.url, accounts.bot, token="syt_not_a_real_token_0000")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", "--config", str(bad),
        cwd=str(tmp_path), env=child_env(), stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert "matrix.access_token: the homeserver refused it" in out.decode()
    assert "syt_not_a_real_token" not in out.decode()
