"""Block Kit for Slack: a Reply as message blocks, and the App Home view.

Slack reads section text as mrkdwn, where ``<...>`` is a link or a mention (``<!channel>``), so
every text a user or a command produced is escaped before it goes into a block. Block Kit's size
limits are enforced here, so a long reply is cut into several sections instead of refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.reply import Button, Reply

Block = dict[str, Any]

ACTION_PREFIX = "can:"
ACTION_PATTERN = re.compile(r"^can:")
MAX_SECTION_TEXT = 3000
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS_PER_BLOCK = 25
MAX_CONTEXT_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_FALLBACK_TEXT = 3000
ENTITY_LENGTH = 5  # the longest escape, "&amp;"


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: only ``&``, ``<`` and ``>`` have to be (and may be) escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of slash command text (it sends ``&lt;`` for a typed ``<``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cut(line: str, limit: int) -> list[str]:
    """Hard-split an escaped line longer than ``limit`` without breaking an ``&...;`` entity."""
    pieces = []
    while len(line) > limit:
        cut = limit
        amp = line.rfind("&", max(0, cut - ENTITY_LENGTH + 1), cut)
        if amp > 0 and ";" not in line[amp:cut]:
            cut = amp
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def split_text(escaped: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Escaped text in chunks of at most ``limit`` characters, cut at line ends where possible."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in escaped.split("\n"):
        for piece in _cut(line, limit):
            extra = len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, extra = [], len(piece)
                size = 0
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:MAX_CONTEXT_TEXT]}]}


def button(item: Button, action_id: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": item.label[:MAX_BUTTON_LABEL] or "?", "emoji": True},
        "action_id": action_id,
        # The value is the command line itself: a press runs exactly what typing it would.
        "value": item.command[:MAX_BUTTON_VALUE],
    }


def actions(rows: Sequence[Sequence[Button]], prefix: str = "") -> list[Block]:
    """One actions block per row of buttons (Slack wraps a long row by itself)."""
    blocks = []
    number = 0
    for row in rows:
        for start in range(0, len(row), MAX_ACTIONS_PER_BLOCK):
            elements = []
            for item in row[start : start + MAX_ACTIONS_PER_BLOCK]:
                elements.append(button(item, f"{ACTION_PREFIX}{prefix}{number}"))
                number += 1
            blocks.append({"type": "actions", "elements": elements})
    return blocks


def reply_blocks(reply: Reply, *, note: str = "", prefix: str = "") -> list[Block]:
    """The reply's text as sections, a context line (``note``, files), and its buttons."""
    chunks = split_text(escape(reply.text))
    if reply.error and chunks:
        chunks[0] = ":warning: " + chunks[0]
    blocks = [section(chunk) for chunk in chunks]
    notes = [escape(note)] if note else []
    notes.extend(f":paperclip: {escape(a.filename)}" for a in reply.attachments)
    if notes:
        blocks.append(context("  ".join(notes)))
    blocks.extend(actions(reply.buttons, prefix))
    return blocks


def _fit(blocks: list[Block], limit: int) -> list[Block]:
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context("…")]


def message(reply: Reply, *, note: str = "") -> dict[str, Any]:
    """Keyword arguments for chat.postMessage, chat.update or a response_url post."""
    blocks = _fit(reply_blocks(reply, note=note), MAX_MESSAGE_BLOCKS)
    # ``text`` is what notifications and screen readers show; it is mrkdwn too.
    fallback = escape(reply.text)[:MAX_FALLBACK_TEXT].strip() or "…"
    return {"text": fallback, "blocks": blocks}


def home_view(title: str, parts: Sequence[Reply], footer: str) -> dict[str, Any]:
    """The App Home tab: a header, each part (a command's reply) between dividers, a footer."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:MAX_HEADER_TEXT]}}
    ]
    for number, part in enumerate(parts):
        blocks.extend(reply_blocks(part, prefix=f"{number}-"))
        blocks.append({"type": "divider"})
    blocks.append(context(escape(footer)))
    return {"type": "home", "blocks": _fit(blocks, MAX_VIEW_BLOCKS)}
