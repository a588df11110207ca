"""Reply -> Block Kit: escaping, Slack's size limits, buttons carrying their command line."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.platforms.slack.blocks import (
    ACTION_PATTERN,
    MAX_ACTIONS_PER_BLOCK,
    MAX_BUTTON_LABEL,
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    escape,
    home_view,
    message,
    split_text,
    unescape,
)
from bot.reply import Attachment, Button, Reply

RAW_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(st.text(alphabet=st.sampled_from("ab<>&;\n 中")))
def test_split_text_keeps_every_character_escaped_and_within_the_limit(text: str) -> None:
    chunks = split_text(escape(text), limit=12)
    assert all(len(chunk) <= 12 for chunk in chunks)
    assert all("<" not in c and ">" not in c and not RAW_ENTITY.search(c) for c in chunks)
    assert no_space(unescape("".join(chunks))) == no_space(text)


def test_a_long_reply_becomes_several_sections_cut_at_line_ends() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(100)]
    blocks = message(Reply("\n".join(lines)))["blocks"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(s) <= MAX_SECTION_TEXT for s in sections)
    assert all(s.startswith("line ") for s in sections)
    assert "\n".join(sections) == "\n".join(lines)


def test_mentions_and_links_in_text_are_neutralised() -> None:
    payload = message(Reply("<!channel> see <https://evil|here> & <@U1>"))
    text = payload["blocks"][0]["text"]["text"]
    assert text == "&lt;!channel&gt; see &lt;https://evil|here&gt; &amp; &lt;@U1&gt;"
    assert payload["text"] == text  # the notification fallback is escaped too


def test_buttons_carry_their_command_line_as_value() -> None:
    reply = Reply(
        "Open roles:",
        buttons=(
            (Button("Claim Interviewer", "claim research/interviewer"),),
            (Button("Yes", "rsvp m1 yes"), Button("No", "rsvp m1 no")),
        ),
    )
    blocks = message(reply)["blocks"]
    rows = [b["elements"] for b in blocks if b["type"] == "actions"]
    assert [[e["value"] for e in row] for row in rows] == [
        ["claim research/interviewer"],
        ["rsvp m1 yes", "rsvp m1 no"],
    ]
    ids = [e["action_id"] for row in rows for e in row]
    assert len(set(ids)) == len(ids) and all(ACTION_PATTERN.match(i) for i in ids)


def test_button_limits_hold() -> None:
    row = tuple(Button("L" * 200, f"claim r{n}") for n in range(30))
    blocks = message(Reply("x", buttons=(row,)))["blocks"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [MAX_ACTIONS_PER_BLOCK, 5]
    assert all(len(e["text"]["text"]) <= MAX_BUTTON_LABEL for a in actions for e in a["elements"])


def test_an_error_is_marked_and_files_and_the_command_are_noted() -> None:
    reply = Reply(
        "Unknown command 'x'.",
        error=True,
        attachments=(Attachment("kit <1>.pdf", "application/pdf", b"%PDF"),),
    )
    blocks = message(reply, note="/can x")["blocks"]
    assert blocks[0]["text"]["text"].startswith(":warning: Unknown command")
    [note] = [b for b in blocks if b["type"] == "context"]
    assert note["elements"][0]["text"] == "/can x  :paperclip: kit &lt;1&gt;.pdf"


def test_too_many_blocks_are_cut_with_a_mark() -> None:
    rows = tuple((Button(f"b{n}", f"claim r{n}"),) for n in range(80))
    blocks = message(Reply("x", buttons=rows))["blocks"]
    assert len(blocks) == MAX_MESSAGE_BLOCKS
    assert blocks[-1]["type"] == "context"


def test_empty_text_still_gives_slack_a_fallback() -> None:
    payload = message(Reply("", buttons=((Button("Join", "join"),),)))
    assert payload["text"] and [b["type"] for b in payload["blocks"]] == ["actions"]


def test_home_view_has_a_header_parts_between_dividers_and_a_footer() -> None:
    view = home_view(
        "CAN",
        [Reply("Your roles:"), Reply("Open roles:", buttons=((Button("Claim", "claim a/b"),),))],
        "Type /can help",
    )
    assert view["type"] == "home"
    kinds = [b["type"] for b in view["blocks"]]
    assert kinds == ["header", "section", "divider", "section", "actions", "divider", "context"]
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
