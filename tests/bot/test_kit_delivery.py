"""A kit PDF end to end: the real Telegram and Slack adapters against their fake APIs.

Telegram gets it as sendDocument, Slack as a files.uploadV2 upload; refusals arrive as text
with no file; and while one user's PDF renders, another user's command is answered first
(shown by order: the render is held until the other answer has arrived).
"""

from __future__ import annotations

import functools
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.app.bootstrap import Runtime, build_runtime
from bot.commands.dispatch import Dispatcher
from bot.config import Config, StorageConfig, TelegramConfig
from bot.kit_press import KitPress
from bot.platforms.telegram.adapter import TelegramPlatform
from circles.network import Network
from tests.bot.kit_jobs import gated_job
from tests.bot.platforms.slack.support import post, running_platform, serving
from tests.bot.platforms.telegram.harness import ALICE, BOB, TOKEN
from tests.fakes.slack_api import Call, FakeSlackAPI, FakeUser
from tests.fakes.slack_payloads import command_form
from tests.fakes.telegram_api import FakeTelegramAPI

PARCELS = "kit parcel-sorting zh neighborhood=古北 buildings=1-8,10"


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def assert_parcel_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "快递分拣包" in text and "古北" in text
    # One sign per building: 1 to 8 and 10, and no 9.
    assert "10号楼" in text and "8号楼" in text and "9号楼" not in text


# -- Telegram ----------------------------------------------------------------------------------


@dataclass
class Telegram:
    fake: FakeTelegramAPI
    runtime: Runtime
    gate: Path


@pytest.fixture
async def telegram(tmp_path: Path) -> AsyncIterator[Telegram]:
    fake = FakeTelegramAPI(TOKEN)
    await fake.start()
    config = Config(
        network=Network(name="CAN", language="en"),
        storage=StorageConfig("memory://"),
        telegram=TelegramConfig(token=TOKEN, base_url=fake.base_url),
    )
    runtime = build_runtime(config)
    dispatcher = runtime.dispatcher
    # The real press (a spawned worker, the real renderer), whose job waits for the test's word.
    dispatcher.kit_press.close()
    dispatcher.kit_press = KitPress(
        dispatcher.kits,
        config.web.public_url,
        job=functools.partial(gated_job, str(tmp_path)),
    )
    platform = TelegramPlatform(config.telegram, dispatcher)
    await platform.start()
    try:
        yield Telegram(fake, runtime, tmp_path)
    finally:
        (tmp_path / "open").touch()
        await platform.stop()
        runtime.close()
        await fake.stop()


async def test_telegram_sends_the_kit_as_a_document_while_other_users_keep_being_answered(
    telegram: Telegram,
) -> None:
    fake, gate = telegram.fake, telegram.gate
    fake.push_message(f"/{PARCELS}", user=ALICE)
    await fake.wait_for(lambda: (gate / "started").exists(), what="Alice's render to start")
    fake.push_message("/circles", user=BOB)
    await fake.wait_for_text(BOB["id"], "research")
    # Bob has his answer while Alice's PDF is still being made.
    assert fake.sent("sendDocument") == [] and fake.sent("sendMessage", ALICE["id"]) == []
    (gate / "open").touch()
    [call] = await fake.wait_for(lambda: fake.sent("sendDocument", ALICE["id"]), what="Alice's PDF")
    name, data = call.files["document"]
    assert name == "parcel-sorting.zh.pdf"
    assert_parcel_pdf(data)
    [text] = fake.texts(ALICE["id"])
    assert "http://127.0.0.1:8080/kits/parcel-sorting" in text


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/kit parcel-sorting buildings=abc", "The parameter buildings has abc"),
        ("/kit nope", "There is no kit 'nope'"),
    ],
)
async def test_telegram_refuses_a_bad_kit_request_in_text_without_a_file(
    telegram: Telegram, line: str, says: str
) -> None:
    telegram.fake.push_message(line, user=ALICE)
    await telegram.fake.wait_for_text(ALICE["id"], says)
    assert not (telegram.gate / "started").exists()
    assert telegram.fake.sent("sendDocument") == []


# -- Slack -------------------------------------------------------------------------------------


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlackAPI]:
    api = FakeSlackAPI(
        bot_token="xoxb-1111-2222-FAKEbotTOKENvalue",
        users={"UALICE": FakeUser("alice", "en-US", display_name="Alice")},
    )
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def slack_url(
    slack_fake: FakeSlackAPI, dispatcher: Dispatcher, network: Network
) -> AsyncIterator[str]:
    async with (
        running_platform(slack_fake, dispatcher, network) as platform,
        serving(platform) as url,
    ):
        yield url


async def slash(fake: FakeSlackAPI, url: str, text: str) -> Call:
    key = f"r{len(fake.calls)}"
    status, _ = await post(
        url, command_form(text, user="UALICE", response_url=fake.response_url(key))
    )
    assert status == 200
    answer: Call = await fake.wait_for("response", lambda c: c.path.endswith(key))
    return answer


def shown(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


async def test_slack_uploads_the_kit_pdf_with_files_upload_v2(
    slack_fake: FakeSlackAPI, slack_url: str
) -> None:
    answer = await slash(slack_fake, slack_url, PARCELS)
    assert "/kits/parcel-sorting" in shown(answer.params["blocks"])
    complete = await slack_fake.wait_for("files.completeUploadExternal")
    [ask] = slack_fake.calls_to("files.getUploadURLExternal")
    [upload] = slack_fake.calls_to("upload")
    assert ask.params["filename"] == "parcel-sorting.zh.pdf"
    assert complete.params["channel_id"] == "C0GENERAL"
    assert_parcel_pdf(upload.data)


async def test_slack_refuses_a_bad_kit_request_without_an_upload(
    slack_fake: FakeSlackAPI, slack_url: str
) -> None:
    answer = await slash(slack_fake, slack_url, "kit parcel-sorting group_size=99")
    assert "The parameter group_size must be between 1 and 20" in shown(answer.params["blocks"])
    assert slack_fake.calls_to("files.getUploadURLExternal") == []
