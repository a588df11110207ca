"""The console answers in plain text and keeps the files a reply carries."""

from __future__ import annotations

import io
from pathlib import Path

from bot.platforms.console.adapter import FileShelf, chat_loop, console_text
from bot.reply import Attachment, Button, Reply


def test_a_file_is_saved_and_named_and_never_overwritten(tmp_path: Path) -> None:
    shelf = FileShelf(tmp_path / "files")
    reply = Reply(
        "The circle map.",
        buttons=((Button("Circles", "circles"),),),
        attachments=(Attachment("circle-map.png", "image/png", b"\x89PNG one"),),
    )
    first = console_text(reply, shelf)
    second = console_text(reply, shelf)
    assert first.splitlines()[:2] == ["The circle map.", "[Circles: circles]"]
    assert first.splitlines()[2] == f"📎 {tmp_path / 'files' / 'circle-map.png'} · 8 B"
    assert second.splitlines()[2].startswith(f"📎 {tmp_path / 'files' / 'circle-map-2.png'}")
    assert (tmp_path / "files" / "circle-map.png").read_bytes() == b"\x89PNG one"
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [
        "circle-map-2.png",
        "circle-map.png",
    ]


def test_a_file_name_cannot_leave_the_folder(tmp_path: Path) -> None:
    shelf = FileShelf(tmp_path / "files")
    for hostile in ("../../escape.txt", "/etc/passwd", "..", "a/../../b c?.pdf", "新华路 标志.pdf"):
        shelf.save(Attachment(hostile, "text/plain", b"x"))
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [
        "b-c-.pdf",
        "escape.txt",
        "file",
        "passwd",
        "新华路-标志.pdf",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["files"]


def test_a_file_that_cannot_be_saved_is_reported_and_the_chat_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "files"
    blocker.write_text("a file where the folder should be")
    data = Attachment("mydata.json", "application/json", b"{}")
    replies = iter([Reply("Your data.", attachments=(data,)), Reply("Circles.")])
    stdout = io.StringIO()
    code = chat_loop(
        lambda _line: next(replies), io.StringIO("mydata\ncircles\n"), stdout, FileShelf(blocker)
    )
    assert code == 0
    answers = stdout.getvalue().split("\n\n")
    assert answers[0].startswith("Your data.\n📎 mydata.json ⚠ ")
    assert answers[1] == "Circles."
