"""What the bot sends: escaped HTML beside the plain body, button legends, edits, files."""

from __future__ import annotations

from bot.platforms.matrix import content
from bot.platforms.matrix.buttons import Board, Boards, Press, keyed
from bot.reply import Button, Reply


def test_a_notice_has_a_plain_body_and_escaped_html_with_links() -> None:
    sent = content.notice("a <b> & c\nhttps://x.org/kits?a=1", reply_to="$q")
    assert sent["body"] == "a <b> & c\nhttps://x.org/kits?a=1"
    assert sent["formatted_body"] == (
        'a &lt;b&gt; &amp; c<br/><a href="https://x.org/kits?a=1">https://x.org/kits?a=1</a>'
    )
    assert sent["m.relates_to"] == {"m.in_reply_to": {"event_id": "$q"}}


def test_buttons_become_numbered_keys_listed_under_the_text() -> None:
    reply = Reply("View", buttons=((Button("Claim A", "claim a"), Button("Claim B", "claim b")),),
                  refresh="roles")  # fmt: skip
    keys = keyed(reply)
    assert [(k, label) for k, label, _ in keys] == [("1️⃣", "Claim A"), ("2️⃣", "Claim B")]
    assert keys[1][2] == Press("claim b", "roles")
    body = content.notice(reply.text, [(k, label) for k, label, _ in keys])["body"]
    assert body.endswith("1️⃣ Claim A\n2️⃣ Claim B")


def test_an_edit_replaces_the_original_and_carries_no_reply_relation() -> None:
    fresh = content.notice("new", reply_to="$q")
    edit = content.edit("$orig", fresh)
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$orig"}
    assert "m.relates_to" not in edit["m.new_content"]
    assert edit["m.new_content"]["body"] == "new"


def test_pictures_are_images_and_the_rest_files() -> None:
    image = content.file_message("map.png", "image/png", 10, url="mxc://s/1")
    pdf = content.file_message("kit.pdf", "application/pdf", 10, url="mxc://s/2")
    assert (image["msgtype"], pdf["msgtype"]) == ("m.image", "m.file")
    secret = content.file_message("kit.pdf", "application/pdf", 3, url="mxc://s/3",
                                  encrypted={"key": {"k": "x"}, "iv": "i"})  # fmt: skip
    assert "url" not in secret and secret["file"]["url"] == "mxc://s/3"


def test_reactions_on_unknown_messages_or_keys_run_nothing() -> None:
    boards = Boards(remembered=2)
    boards.remember("!r:s", "$a", Board({"1️⃣": Press("claim x")}, {}))
    assert boards.press("!r:s", "$a", "1️⃣") == Press("claim x")
    assert boards.press("!r:s", "$a", "2️⃣") is None
    assert boards.press("!r:s", "$other", "1️⃣") is None
    boards.remember("!r:s", "$b", Board({}, {}))
    boards.remember("!r:s", "$c", Board({}, {}))
    assert boards.press("!r:s", "$a", "1️⃣") is None  # the oldest is forgotten
