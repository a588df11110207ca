"""`forgetme` as a newcomer uses it from the console: afterwards the export has nothing of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from circles.storage.tinydb import TinyDBStore
from tests.bot.app.test_cli import canbot, export, holders_of, volunteer_id

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def test_a_volunteer_is_forgotten_without_a_trace(tmp_path: Path) -> None:
    story = "\n".join(
        [
            "join 新华路",
            "claim research/interviewer",
            "checkin 分拣了快递 #parcel-sorting",
            "propose 修自行车",
            "forgetme",
        ]
    )
    first = canbot(tmp_path, "chat", "--as", "zhaolei", stdin=story)
    assert first.returncode == 0, first.stderr
    answers = [a for a in first.stdout.split("\n\n") if a.strip()]
    assert len(answers) == 5
    assert "无法撤销" in answers[4]  # it asks first, in the network language
    [code] = set(CODE.findall(answers[4]))
    before = export(tmp_path)
    me = volunteer_id(before, "zhaolei")
    assert holders_of(before, "research", "interviewer") == [me]
    assert "新华路" in json.dumps(before, ensure_ascii=False)

    confirm = canbot(tmp_path, "chat", "--as", "zhaolei", stdin=f"forgetme {code}\nmyroles\n")
    assert confirm.returncode == 0, confirm.stderr
    done, after_roles = [a for a in confirm.stdout.split("\n\n") if a.strip()]
    assert "完成" in done and "join" in after_roles
    for output in (first.stderr, confirm.stderr):
        assert code not in output and code.replace("-", "") not in output

    result = canbot(tmp_path, "export")
    assert result.returncode == 0, result.stderr
    for trace in (me, "zhaolei", "console:zhaolei", "新华路"):
        assert trace not in result.stdout, trace
    # The store's own files (snapshot and journal) kept no copy either.
    stored = "".join(
        f.read_text(encoding="utf-8", errors="replace")
        for f in sorted((tmp_path / "data").iterdir())
        if f.is_file()
    )
    for trace in (me, "console:zhaolei", "新华路"):
        assert trace not in stored, trace
    data = json.loads(result.stdout)
    assert holders_of(data, "research", "interviewer") == []
    [checkin] = data["checkins"]
    assert (checkin["text"], checkin["volunteer"]) == ("分拣了快递 #parcel-sorting", "")
    [topic] = data["topics"]
    assert (topic["title"], topic["proposer"], topic["backers"]) == ("修自行车", "", [])


def stored_text(cwd: Path) -> str:
    """The store's own files (snapshot and journal), as `grep` would read them."""
    return "".join(
        f.read_text(encoding="utf-8", errors="replace")
        for f in sorted((cwd / "data").iterdir())
        if f.is_file()
    )


def link_research(cwd: Path, chat: str) -> None:
    """What `link research` in a group chat does; the console is no group, so set it directly."""
    store = TinyDBStore(cwd / "data" / "can.json")
    try:
        with store.transaction() as tx:
            research = tx.get("circles", "research")
            assert research is not None
            tx.put("circles", "research", {**research, "chats": [chat]})
            tx.commit()
    finally:
        store.close()


def test_queued_announcements_forget_the_volunteer_too(tmp_path: Path) -> None:
    def chat(who: str, *lines: str) -> list[str]:
        result = canbot(tmp_path, "chat", "--as", who, stdin="\n".join(lines) + "\n")
        assert result.returncode == 0, result.stderr
        return [a for a in result.stdout.split("\n\n") if a.strip()]

    chat("alice", "join", "claim research/interviewer")
    link_research(tmp_path, "telegram:-100")  # a root circle: it hears of topics too
    chat("alice", "newrole research helper Helper for alice", "propose Alice and friends cook")
    chat("bob", "join", "back 1")
    chat("carol", "join", "back 1")  # the third backer: the action group forms
    me = volunteer_id(export(tmp_path), "alice")
    assert "alice" in stored_text(tmp_path).replace("console:alice", "")
    [code] = set(CODE.findall(chat("alice", "forgetme")[0]))
    chat("alice", f"forgetme {code}")

    # The group's slug came from the title and stays: meetups, chats and links use it.
    stored = stored_text(tmp_path).replace("alice-and-friends-cook", "")
    for trace in (me, "console:alice", "alice", "Alice"):
        assert trace not in stored, trace
    # The chats still hear of the role, the topic and the group when `canbot run` starts.
    store = TinyDBStore(tmp_path / "data" / "can.json")
    try:
        with store.transaction() as tx:
            queued = sorted(tx.all("announcements"), key=lambda d: d["order"])
    finally:
        store.close()
    assert [(a["params"].get("name"), a["params"].get("lead")) for a in queued] == [
        ("***", None),  # the role proposal
        ("***", None),  # the topic
        (None, "***"),  # the action group, led by whom it was
    ]
    assert queued[0]["params"]["title"] == "Helper for ***"
    data = export(tmp_path)
    group = next(c for c in data["circles"] if c["slug"] == "alice-and-friends-cook")
    assert group["name"] == "*** and friends cook"
