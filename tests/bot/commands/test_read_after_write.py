"""Read commands served from the per-revision read model see every write at once, whichever path
made it: a claim through one platform's dispatcher, read through another's (the control socket's
console and Telegram share the store inside `canbot run`)."""

from __future__ import annotations

from bot.commands.catalog import build_registry
from bot.commands.dispatch import Dispatcher
from bot.config import Config
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.network import Network
from circles.unit_of_work import UnitOfWork


def test_a_claim_through_one_path_shows_in_reads_through_another(
    uow: UnitOfWork, catalogs: Catalogs, network: Network
) -> None:
    telegram = Dispatcher(build_registry(), uow, catalogs, Config(network=network))
    console = Dispatcher(build_registry(), uow, catalogs, Config(network=network))
    reader = Actor("console:reader", "Reader")
    assert "Ann" not in console.handle(reader, "circle research").text
    assert "interviewer" in console.handle(reader, "roles").text  # warms the read model

    ann = Actor("telegram:7", "Ann", language_hint="en")
    telegram.handle(ann, "join")
    assert not telegram.handle(ann, "claim research/interviewer").error

    shown = console.handle(reader, "circle research").text
    assert "research/interviewer Interviewer (1/1): Ann" in shown
    assert "research/interviewer" not in console.handle(reader, "roles").text
    assert "research/interviewer" in console.handle(Actor("telegram:7", "Ann"), "myroles").text
    telegram.handle(ann, "release research/interviewer")
    assert "research/interviewer" in console.handle(reader, "roles").text
