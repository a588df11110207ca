"""The Slack adapter in-process, against the fake Slack API: commands, buttons, home, files."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.commands.catalog import build_registry
from bot.commands.context import CommandContext
from bot.commands.dispatch import Dispatcher
from bot.commands.registry import Args, Command, Registry, Who
from bot.config import Config, ConfigError
from bot.i18n import Catalogs
from bot.platforms.slack.adapter import SlackPlatform
from bot.reply import Attachment, Button, Reply
from circles.actor import Actor
from circles.network import Network
from circles.services.meetups import schedule_meetup
from circles.services.membership import join
from circles.unit_of_work import UnitOfWork
from tests.bot.platforms.slack.support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    post,
    running_platform,
    serving,
    slack_config,
)
from tests.fakes.slack_api import TEAM, Call, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import (
    action_form,
    block_action,
    command_fields,
    command_form,
    home_opened,
)

PDF = b"%PDF-1.4 fake kit"


def where_am_i(ctx: CommandContext, args: Args) -> Reply:
    return Reply(f"chat={ctx.actor.chat} group={ctx.actor.in_group} name={ctx.actor.name}")


def a_file(ctx: CommandContext, args: Args) -> Reply:
    return Reply(
        "here <!channel> & co", attachments=(Attachment("kit.pdf", "application/pdf", PDF),)
    )


GATE = threading.Event()


def slow(ctx: CommandContext, args: Args) -> Reply:
    """A command that cannot finish until the test opens the gate."""
    if not GATE.wait(timeout=30):
        raise AssertionError("the gate never opened")
    return Reply("finally done")


@pytest.fixture
def test_dispatcher(uow: UnitOfWork, catalogs: Catalogs, network: Network) -> Dispatcher:
    """The real commands plus probes: where the actor is, a reply with a file, a slow one."""
    registry = Registry(
        [
            *build_registry(),
            Command("whereami", "whereami", "probe", Who.ANYONE, where_am_i),
            Command("file", "file", "probe", Who.ANYONE, a_file),
            Command("slow", "slow", "probe", Who.ANYONE, slow, slow=True),
        ]
    )
    return Dispatcher(registry, uow, catalogs, Config(network=network))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI(
        bot_token=BOT_TOKEN,
        users={
            "UALICE": FakeUser("alice", "en-US", display_name="Alice"),
            "UWANG": FakeUser("wang", "zh-CN", display_name="小王"),
        },
    )
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def slack(
    fake: FakeSlackAPI, test_dispatcher: Dispatcher, network: Network
) -> AsyncIterator[SlackPlatform]:
    async with running_platform(fake, test_dispatcher, network) as platform:
        yield platform


@pytest.fixture
async def url(slack: SlackPlatform) -> AsyncIterator[str]:
    async with serving(slack) as events_url:
        yield events_url


async def command(fake: FakeSlackAPI, url: str, text: str, user: str = "UALICE", **kw: Any) -> Call:
    """Send ``/can <text>`` signed; returns what the bot posted to the response_url."""
    key = f"r{len(fake.calls)}"
    status, body = await post(
        url, command_form(text, user=user, response_url=fake.response_url(key), **kw)
    )
    assert (status, body) == (200, "")
    return await fake.wait_for("response", lambda c: c.path.endswith(key))


def texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return "\n".join(out)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_start_checks_the_token_with_auth_test(
    slack: SlackPlatform, fake: FakeSlackAPI
) -> None:
    [call] = fake.calls_to("auth.test")
    assert call.token == BOT_TOKEN
    assert (slack.team, slack.bot_user) == (TEAM, "UBOT")


async def test_a_refused_token_stops_the_start_with_one_line(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network
) -> None:
    config = slack_config(fake, network)
    config = Config(network=network, slack=replace(config.slack, bot_token="xoxb-wrong-9999"))
    with pytest.raises(ConfigError) as raised:
        await SlackPlatform(config, dispatcher).start()
    assert str(raised.value) == "slack.bot_token: Slack refused it (invalid_auth)"


async def test_an_unreachable_api_stops_the_start_naming_the_key(
    dispatcher: Dispatcher, network: Network, unused_tcp_port: int
) -> None:
    fake = FakeSlackAPI(bot_token=BOT_TOKEN, port=unused_tcp_port)  # never started
    with pytest.raises(ConfigError, match=r"^slack\.api_base_url: cannot reach"):
        await SlackPlatform(slack_config(fake, network), dispatcher).start()


async def test_a_slash_command_is_acked_empty_then_answered_by_response_url(
    fake: FakeSlackAPI, url: str
) -> None:
    answer = await command(fake, url, "circles")
    assert answer.params["response_type"] == "ephemeral"
    assert "research" in texts(answer.params["blocks"])
    assert "/can circles" in texts(answer.params["blocks"])  # the context line
    assert answer.params["text"]  # a notification fallback


async def test_slack_gets_its_ack_before_the_command_has_finished(
    fake: FakeSlackAPI, url: str
) -> None:
    GATE.clear()
    body = command_form("slow", user="UALICE", response_url=fake.response_url("slow"))
    status, text = await post(url, body)  # returns while the command is still blocked
    assert (status, text) == (200, "")
    assert fake.calls_to("response") == []
    GATE.set()
    answer = await fake.wait_for("response", lambda c: c.path.endswith("slow"))
    assert "finally done" in texts(answer.params["blocks"])


async def test_can_alone_is_help(fake: FakeSlackAPI, url: str) -> None:
    answer = await command(fake, url, "")
    assert "claim <role>".replace("<", "&lt;").replace(">", "&gt;") in texts(
        answer.params["blocks"]
    )


async def test_the_actor_is_a_slack_identity_in_a_chat(
    fake: FakeSlackAPI, url: str, uow: UnitOfWork
) -> None:
    in_channel = await command(fake, url, "whereami", channel="C0GENERAL")
    assert "chat=slack:C0GENERAL group=True name=Alice" in texts(in_channel.params["blocks"])
    in_dm = await command(fake, url, "whereami", channel="DUALICE")
    assert "chat=slack:DUALICE group=False" in texts(in_dm.params["blocks"])
    await command(fake, url, "join Jing'an")
    with uow.begin() as s:
        volunteer = s.volunteers.by_identity(f"slack:{TEAM}:UALICE")
    assert volunteer is not None and volunteer.name == "Alice"


async def test_users_info_is_asked_once_with_the_locale(fake: FakeSlackAPI, url: str) -> None:
    await command(fake, url, "whereami")
    await command(fake, url, "circles")
    [lookup] = fake.calls_to("users.info")
    assert lookup.params["user"] == "UALICE"
    assert lookup.params["include_locale"] in ("1", "true", "True", True)


async def test_an_unknown_user_still_gets_an_answer(fake: FakeSlackAPI, url: str) -> None:
    answer = await command(fake, url, "whereami", user="UNOBODY")
    assert "name=unobody" in texts(answer.params["blocks"])  # the payload's user_name


async def test_text_is_mrkdwn_escaped(fake: FakeSlackAPI, url: str) -> None:
    answer = await command(fake, url, "file")
    shown = texts(answer.params["blocks"])
    assert "here &lt;!channel&gt; &amp; co" in shown
    assert "<!channel>" not in json.dumps(answer.params)


async def test_slack_escaped_command_text_is_read_as_typed(fake: FakeSlackAPI, url: str) -> None:
    answer = await command(fake, url, "help &lt;x&gt;")
    assert "&lt;x&gt;" in texts(answer.params["blocks"])  # "Unknown command '<x>'", escaped again


async def test_a_reply_with_a_file_uploads_it_by_files_upload_v2(
    fake: FakeSlackAPI, url: str
) -> None:
    await command(fake, url, "file", channel="C0GENERAL")
    complete = await fake.wait_for("files.completeUploadExternal")
    [ask] = fake.calls_to("files.getUploadURLExternal")
    [upload] = fake.calls_to("upload")
    assert ask.params["filename"] == "kit.pdf" and int(ask.params["length"]) == len(PDF)
    assert upload.data == PDF
    assert complete.params["channel_id"] == "C0GENERAL"
    assert complete.params["files"][0]["id"] == upload.params["file"]


async def test_a_button_press_runs_its_command_and_replaces_the_message(
    fake: FakeSlackAPI, url: str, uow: UnitOfWork
) -> None:
    await command(fake, url, "join")
    press = block_action(
        "claim research/interviewer", user="UALICE", response_url=fake.response_url("press")
    )
    status, _ = await post(url, action_form(press))
    assert status == 200
    answer = await fake.wait_for("response", lambda c: c.path.endswith("press"))
    assert answer.params["replace_original"] is True
    assert "research/interviewer" in texts(answer.params["blocks"])
    assert [b["value"] for b in buttons(answer.params["blocks"])] == [
        "release research/interviewer"
    ]
    with uow.begin() as s:
        circle = s.circles.require("research")
        volunteer = s.volunteers.by_identity(f"slack:{TEAM}:UALICE")
    assert volunteer is not None
    assert circle.role("interviewer").holders == [volunteer.id]


async def test_a_button_without_response_url_updates_by_chat_update(
    fake: FakeSlackAPI, url: str
) -> None:
    press = block_action("circles", user="UALICE", message_ts="1790000000.000042")
    status, _ = await post(url, action_form(press))
    assert status == 200
    update = await fake.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == ("C0GENERAL", "1790000000.000042")
    assert "research" in texts(update.params["blocks"])


async def test_app_home_shows_welcome_and_open_roles_with_claim_buttons(
    fake: FakeSlackAPI, url: str
) -> None:
    status, _ = await post(url, json.dumps(home_opened("UALICE")), content_type="application/json")
    assert status == 200
    publish = await fake.wait_for("views.publish")
    assert publish.params["user_id"] == "UALICE"
    view = publish.params["view"]
    assert view["type"] == "home"
    values = [b["value"] for b in buttons(view["blocks"])]
    assert "join" in values  # not a volunteer yet: the welcome's join button
    assert "claim research/interviewer" in values
    assert "Type /can help" in texts(view["blocks"])


async def test_app_home_lists_your_roles_once_you_hold_one(fake: FakeSlackAPI, url: str) -> None:
    await command(fake, url, "join")
    await command(fake, url, "claim research/interviewer")
    await post(url, json.dumps(home_opened("UALICE")), content_type="application/json")
    view = (await fake.wait_for("views.publish")).params["view"]
    shown = texts(view["blocks"])
    assert "Your roles" in shown and "research/interviewer" in shown
    assert "claim research/interviewer" not in [b["value"] for b in buttons(view["blocks"])]


async def test_a_claim_pressed_in_the_home_republishes_it_with_the_answer(
    fake: FakeSlackAPI, url: str
) -> None:
    await command(fake, url, "join")
    press = block_action("claim research/interviewer", user="UALICE", home=True)
    status, _ = await post(url, action_form(press))
    assert status == 200
    view = (await fake.wait_for("views.publish")).params["view"]
    assert "You now hold research/interviewer" in texts(view["blocks"])


async def test_app_home_speaks_the_slack_locale_until_lang_is_set(
    fake: FakeSlackAPI, url: str
) -> None:
    await post(url, json.dumps(home_opened("UWANG")), content_type="application/json")
    first = (await fake.wait_for("views.publish")).params["view"]
    assert "输入 /can help" in texts(first["blocks"])
    await command(fake, url, "lang en", user="UWANG")
    fake.calls.clear()
    await post(url, json.dumps(home_opened("UWANG")), content_type="application/json")
    second = (await fake.wait_for("views.publish")).params["view"]
    assert "Type /can help" in texts(second["blocks"])


@pytest.mark.parametrize(
    ("secret", "age"),
    [(None, 0), ("not-the-secret", 0), (SIGNING_SECRET, 6 * 60)],
    ids=["unsigned", "bad-signature", "stale"],
)
async def test_unsigned_bad_or_stale_requests_get_401_and_change_nothing(
    fake: FakeSlackAPI, url: str, uow: UnitOfWork, secret: str | None, age: int
) -> None:
    import time

    body = command_form("join", user="UALICE", response_url=fake.response_url("x"))
    status, _ = await post(url, body, secret=secret, timestamp=int(time.time()) - age)
    assert status == 401
    with uow.begin() as s:
        assert s.volunteers.by_identity(f"slack:{TEAM}:UALICE") is None
    assert fake.calls_to("response") == [] and fake.calls_to("users.info") == []


async def test_send_posts_blocks_and_files_to_the_channel(
    fake: FakeSlackAPI, slack: SlackPlatform
) -> None:
    reply = Reply(
        "Tea house in 1 hour",
        buttons=((Button("Yes", "rsvp m1 yes"), Button("No", "rsvp m1 no")),),
        attachments=(Attachment("kit.pdf", "application/pdf", PDF),),
    )
    await slack.send("slack:C0RESEARCH", reply)
    [posted] = fake.calls_to("chat.postMessage")
    assert posted.params["channel"] == "C0RESEARCH"
    assert [b["value"] for b in buttons(posted.params["blocks"])] == ["rsvp m1 yes", "rsvp m1 no"]
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0RESEARCH"
    with pytest.raises(ValueError):
        await slack.send("telegram:42", reply)


async def test_no_secret_reaches_the_logs_even_at_debug_level(
    fake: FakeSlackAPI, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await command(fake, url, "file")
    await fake.wait_for("files.completeUploadExternal")
    await post(url, command_form("join", user="UALICE", response_url="x"), secret="wrong")
    assert "refused a request" in caplog.text and "files.completeUploadExternal" in caplog.text
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert secret not in caplog.text


async def test_without_a_response_url_the_answer_is_posted_ephemeral(
    fake: FakeSlackAPI, url: str
) -> None:
    fields = command_fields("circles", user="UALICE", response_url="")
    status, _ = await post(url, urlencode(fields))
    assert status == 200
    posted = await fake.wait_for("chat.postEphemeral")
    assert (posted.params["channel"], posted.params["user"]) == ("C0GENERAL", "UALICE")
    assert "research" in texts(posted.params["blocks"])


def test_http_mode_refuses_to_run_without_a_signing_secret(
    fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network
) -> None:
    config = slack_config(fake, network)
    unsigned = Config(network=network, slack=replace(config.slack, signing_secret=""))
    with pytest.raises(ConfigError, match=r"^slack\.signing_secret"):
        SlackPlatform(unsigned, dispatcher)


async def test_stop_lets_an_answer_under_way_finish(
    fake: FakeSlackAPI, test_dispatcher: Dispatcher, network: Network
) -> None:
    GATE.clear()
    async with running_platform(fake, test_dispatcher, network) as platform:
        async with serving(platform) as events:
            body = command_form("slow", user="UALICE", response_url=fake.response_url("drain"))
            assert (await post(events, body))[0] == 200
        asyncio.get_running_loop().call_soon(GATE.set)
    # stop() returned only after the slow command's answer went out
    assert [c.path for c in fake.calls_to("response")] == ["/response/drain"]


async def test_app_home_shows_the_next_meetups(
    fake: FakeSlackAPI, url: str, uow: UnitOfWork
) -> None:
    admin = Actor("console:admin", "Admin")
    join(uow, admin)
    schedule_meetup(uow, admin, "research", "daily", "20:00", "90m", "Tea house")
    await post(url, json.dumps(home_opened("UALICE")), content_type="application/json")
    view = (await fake.wait_for("views.publish")).params["view"]
    assert "Tea house" in texts(view["blocks"])
