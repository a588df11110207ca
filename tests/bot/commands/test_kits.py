"""The kits and kit commands through the dispatcher: the list, a PDF, every kind of refusal."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.commands.kits import read_settings
from bot.config import Config
from bot.i18n import Catalogs
from bot.kit_press import KitPress, PressSettings
from circles.actor import Actor
from circles.errors import Invalid
from circles.network import Network
from circles.services.checkins import record_checkin
from circles.services.export import export_network
from circles.unit_of_work import UnitOfWork
from tests.bot.kit_jobs import open_gate
from tests.conftest import Say
from toolkits.catalog import Catalog

PUBLIC = "http://127.0.0.1:8080"


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def test_kits_lists_every_kit_with_summary_audience_usage_and_link(
    say: Say, uow: UnitOfWork, kits: Catalog
) -> None:
    say("alice", "join Gubei")
    alice = Actor(identity="console:alice", name="alice")
    record_checkin(uow, alice, "sorted parcels at building 3 #parcel-sorting", kits)
    record_checkin(uow, alice, "and again at 5 #parcel-sorting", kits)
    reply = say("bob", "kits")
    assert not reply.error
    for kit in kits:
        assert kit.title.get("en") in reply.text
        assert kit.summary.get("en") in reply.text
        assert f"For: {kit.audience.get('en')}" in reply.text
        assert f"{PUBLIC}/kits/{kit.id}" in reply.text
    block = reply.text.split("kit parcel-sorting", 1)[1].split("•", 1)[0]
    assert "Check-ins using it: 2" in block
    assert "Check-ins using it: 0" in reply.text.split("kit tea-house", 1)[1]
    commands = [button.command for row in reply.buttons for button in row]
    assert commands == [f"kit {kit.id}" for kit in kits]
    assert [button.label for row in reply.buttons for button in row][1] == "PDF: Parcel sorting"


def test_kits_speaks_the_users_language(say: Say, kits: Catalog) -> None:
    say("wang", "lang zh")
    reply = say("wang", "kits")
    assert kits.get("parcel-sorting").title.get("zh") in reply.text
    assert "用过它的行动记录：0 条" in reply.text
    assert "适合：" in reply.text


def test_kit_sends_the_pdf_in_the_users_language_with_the_web_link(say: Say) -> None:
    say("wang", "lang zh")
    reply = say("wang", "kit parcel-sorting neighborhood=古北 buildings=1-8,10")
    assert not reply.error, reply.text
    [pdf] = reply.attachments
    assert (pdf.filename, pdf.mime) == ("parcel-sorting.zh.pdf", "application/pdf")
    assert pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "快递分拣包" in text and "古北" in text
    assert f"{PUBLIC}/kits/parcel-sorting" in reply.text
    assert "buildings=1-8,10" in reply.text  # the values it was made with, checked
    assert "lang=zh" in reply.text


def test_kit_takes_the_language_asked_for(say: Say) -> None:
    reply = say("alice", "kit tea-house zh")
    assert reply.attachments[0].filename == "tea-house.zh.pdf"
    assert "小茶馆" in pdf_text(reply.attachments[0].data)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("kit nope", "There is no kit 'nope'"),
        ("kit", "Missing <id>"),
        ("kit tea-house fr", "I did not understand 'fr'"),
        ("kit tea-house zh en", "I did not understand 'en'"),
        ("kit parcel-sorting buildings=1 buildings=2", "The parameter buildings is given twice"),
        ("kit parcel-sorting neighborhood='Gubei", "A quotation mark is not closed"),
        ("kit parcel-sorting buildings=9-1", "The parameter buildings has the range 9-1 backwards"),
        ("kit parcel-sorting buliding=3", "This kit has no parameter buliding"),
        ("kit parcel-sorting group_size=0", "The parameter group_size must be between 1 and 20"),
        ("kit parcel-sorting buildings=1-99999", "The parameter buildings has building"),
    ],
)
def test_bad_kit_requests_are_refused_and_change_nothing(
    say: Say, uow: UnitOfWork, line: str, says: str
) -> None:
    say("alice", "join")
    before = export_network(uow)
    reply = say("alice", line)
    assert reply.error and says in reply.text, reply.text
    assert reply.attachments == ()
    assert export_network(uow) == before


def test_a_bad_parameter_shows_the_kits_parameters(say: Say) -> None:
    reply = say("alice", "kit parcel-sorting buildings=abc")
    assert reply.error
    assert "The parameter buildings has abc" in reply.text
    assert "Parameters of parcel-sorting:" in reply.text
    assert "buildings=1-24 — Buildings (e.g. 1-8,10,12-20)" in reply.text


def test_refusals_are_translated(say: Say) -> None:
    say("wang", "lang zh")
    backwards = say("wang", "kit parcel-sorting buildings=9-1").text
    assert "参数 buildings" in backwards and "9-1 写反了" in backwards
    assert "parcel-sorting 的参数：" in backwards
    assert "没有“nope”这个工具包" in say("wang", "kit nope").text


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_a_kit_in_another_language_is_announced_in_the_readers_language(say: Say) -> None:
    english = say("alice", "kit parcel-sorting zh")
    assert english.attachments[0].filename == "parcel-sorting.zh.pdf"
    assert english.text.startswith("Parcel sorting")
    assert "PDF in Chinese, version" in english.text
    # One language, the reader's; only the values the Chinese kit printed are its own.
    words = [line for line in english.text.splitlines() if not line.startswith("Made with:")]
    assert not CJK.search("\n".join(words)), english.text
    assert "Made with: neighborhood=我们小区 · " in english.text
    say("wang", "lang zh")
    chinese = say("wang", "kit parcel-sorting en")
    assert chinese.attachments[0].filename == "parcel-sorting.en.pdf"
    assert "英文版 PDF，版本" in chinese.text
    assert "Parcel sorting" not in chinese.text and "English" not in chinese.text


def test_a_bad_parameter_is_explained_in_the_readers_language_whatever_the_kit_language(
    say: Say,
) -> None:
    english = say("alice", "kit parcel-sorting zh buildings=abc").text
    assert "The parameter buildings has abc" in english
    assert "buildings=1-24 — Buildings (e.g. 1-8,10,12-20)" in english
    # The default is the text the Chinese kit prints; its description is the reader's.
    assert "neighborhood=我们小区 — Neighborhood" in english
    say("wang", "lang zh")
    chinese = say("wang", "kit parcel-sorting en buildings=abc").text
    assert "参数 buildings" in chinese
    assert "buildings=1-24 — 楼号（例如 1-8,10,12-20）" in chinese
    assert "neighborhood=our neighborhood — 小区名称" in chinese
    assert "Buildings" not in chinese and "Neighborhood" not in chinese


def test_the_known_parameters_are_listed_in_the_readers_language(say: Say) -> None:
    english = say("alice", "kit parcel-sorting buliding=3").text
    assert "it takes neighborhood, buildings, group_size, contact" in english
    say("wang", "lang zh")
    chinese = say("wang", "kit parcel-sorting buliding=3").text
    assert "neighborhood、buildings、group_size、contact" in chinese
    assert ", " not in chinese


def test_a_busy_press_gets_a_translated_refusal(
    uow: UnitOfWork, catalogs: Catalogs, network: Network, kits: Catalog
) -> None:
    press = KitPress(kits, PUBLIC, PressSettings(mode="thread", max_pending=0), job=open_gate())
    dispatcher = Dispatcher(build_registry(), uow, catalogs, Config(network=network), kits, press)
    wang = Actor(identity="console:wang", name="wang")
    dispatcher.handle(wang, "lang zh")
    reply = dispatcher.handle(wang, "kit tea-house")
    assert reply.error and "现在排队生成的工具包太多了" in reply.text
    assert press.renders == 0
    press.close()


def test_parameters_are_read_as_phones_type_them() -> None:
    assert read_settings("") == (None, {})
    assert read_settings("ZH") == ("zh", {})
    assert read_settings("en neighborhood=“Gubei New Village” buildings＝1-8,10") == (
        "en",
        {"neighborhood": "Gubei New Village", "buildings": "1-8,10"},
    )
    assert read_settings("Contact='Li Lei 138'") == (None, {"contact": "Li Lei 138"})
    assert read_settings("contact=") == (None, {"contact": ""})
    with pytest.raises(Invalid):
        read_settings("=3")
