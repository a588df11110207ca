"""Self-organization as a newcomer meets it: `canbot chat` processes on a fresh data folder.

Each volunteer is a separate `canbot chat --as NAME` process, as people arriving one by one;
the export is what another program would read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services.announcements import take_announcements
from circles.services.emergent_roles import propose_role
from circles.services.membership import join
from circles.services.network_setup import ensure_seeded
from circles.services.roles import claim_role
from circles.storage.tinydb import TinyDBStore
from circles.unit_of_work import UnitOfWork
from tests.bot.app.test_cli import canbot, export, volunteer_id

CONFIG = 'network:\n  admins: ["console:lena"]\n'


def chat(cwd: Path, who: str, *lines: str) -> list[str]:
    result = canbot(
        cwd, "chat", "--config", "canbot.yaml", "--as", who, stdin="\n".join(lines) + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [a for a in result.stdout.split("\n\n") if a.strip()]


def snapshot(cwd: Path) -> dict[str, Any]:
    data = export(cwd, "--config", "canbot.yaml")
    data.pop("exported_at")
    return data


def circle(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(c for c in data["circles"] if c["slug"] == slug)


def test_three_volunteers_back_a_topic_and_a_split_moves_roles(tmp_path: Path) -> None:
    (tmp_path / "canbot.yaml").write_text(CONFIG, encoding="utf-8")
    proposed = chat(tmp_path, "ann", "join", "propose Parcel sorting at Xinhua Road", "topics")
    assert "back 1" in proposed[2]  # the list offers a back button for topic 1
    chat(tmp_path, "ben", "join", "back 1")
    formed = chat(tmp_path, "cai", "join", "back 1")
    assert "parcel-sorting-at-xinhua-road" in formed[1]

    data = snapshot(tmp_path)
    ann, ben, cai = (volunteer_id(data, n) for n in ("ann", "ben", "cai"))
    group = circle(data, "parcel-sorting-at-xinhua-road")
    assert group["parent"] == "practice"
    assert group["leads"] == [ann]
    assert group["members"] == [ann, ben, cai]
    (coordinator,) = group["roles"]
    assert coordinator["slug"] == "coordinator" and coordinator["holders"] == [ann]
    (topic,) = data["topics"]
    assert topic["status"] == "formed" and topic["circle"] == "parcel-sorting-at-xinhua-road"
    assert topic["proposer"] == ann and topic["backers"] == [ann, ben, cai]

    # Bad input from the console: a clear answer each time, and the export does not move.
    refused = chat(
        tmp_path,
        "ben",
        "back 1",
        "back 7",
        "split research listening interviewer",  # ben leads nothing
        "propose",
    )
    assert len(refused) == 4
    # Only the line typed wrong (propose with no title) is followed by the usage.
    assert ["用法" in answer for answer in refused] == [False, False, False, True]
    assert snapshot(tmp_path) == data

    # A split by a lead (an admin here): the role and its holder move to the new circle.
    chat(tmp_path, "alice", "join", "claim research/interviewer")
    before_split = snapshot(tmp_path)
    bad = chat(
        tmp_path,
        "lena",
        "join",
        "split research practice interviewer",  # a slug in use
        "split research listening practice/kit-tester",  # a role of another circle
        "split research listening interviewer interviewer",  # named twice
    )
    # A slug in use is a conflict, not a typing error: no usage after it.
    assert ["用法" in answer for answer in bad[1:]] == [False, True, True]
    assert {k: v for k, v in snapshot(tmp_path).items() if k != "volunteers"} == {
        k: v for k, v in before_split.items() if k != "volunteers"
    }  # lena joined; nothing else changed
    done = chat(tmp_path, "lena", "split research listening interviewer", "circle listening")
    assert "listening" in done[0] and "alice" in done[1]
    after = snapshot(tmp_path)
    alice = volunteer_id(after, "alice")
    listening = circle(after, "listening")
    assert listening["parent"] == "research" and listening["members"] == [alice]
    assert [(r["slug"], r["holders"]) for r in listening["roles"]] == [("interviewer", [alice])]
    assert "interviewer" not in [r["slug"] for r in circle(after, "research")["roles"]]
    assert alice not in circle(after, "research")["members"]  # she moved with her only role


def test_a_proposal_stands_when_only_canbot_chat_is_used(tmp_path: Path) -> None:
    # Three days ago, with no `canbot run` since: alice proposed a role nobody objected to.
    (tmp_path / "canbot.yaml").write_text(CONFIG, encoding="utf-8")
    store = TinyDBStore(tmp_path / "data" / "can.json")
    try:
        then = FixedClock(datetime.now(UTC) - timedelta(days=3))
        uow = UnitOfWork(store, then, Network())
        ensure_seeded(uow)
        alice = Actor("console:alice", "alice")
        join(uow, alice)
        claim_role(uow, alice, "research/interviewer")
        with uow.begin() as s:
            research = s.circles.require("research")
            research.chats = ["telegram:-100"]
            s.circles.save(research)
            s.commit()
        propose_role(uow, alice, "research", "translator", "Translator: into English", "en")
        take_announcements(uow, ["telegram"])  # a `canbot run` back then sent the proposal
    finally:
        store.close()

    listed, claimed = chat(tmp_path, "bob", "join", "proposals", "claim research/translator")[1:]
    assert "没有等待接受的角色" in listed  # nothing waits: it stood at start
    assert "research/translator" in claimed and "用法" not in claimed
    roles = circle(snapshot(tmp_path), "research")["roles"]
    assert [r["status"] for r in roles if r["slug"] == "translator"] == ["active"]
    # The chat hears of it from the next `canbot run`: the announcement waits in the store.
    store = TinyDBStore(tmp_path / "data" / "can.json")
    try:
        with store.transaction() as tx:
            [queued] = tx.all("announcements")
    finally:
        store.close()
    assert queued["params"]["role"] == "research/translator" and "stands" in queued["message"]
