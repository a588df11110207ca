"""`forgetme` as a newcomer uses it from the console: afterwards the export has nothing of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.bot.test_cli import canbot, export, holders_of, volunteer_id

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
