"""Event contents the bot sends: notices with a plain body and org.matrix.custom.html, replies,
edits (m.replace), reactions and files."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

URL = re.compile(r"https?://[^\s<>\"']+")
HTML_FORMAT = "org.matrix.custom.html"


def to_html(text: str) -> str:
    """Plain reply text as HTML: escaped, links clickable, line breaks kept."""
    out: list[str] = []
    last = 0
    for match in URL.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br/>")


def legend(keys: Sequence[tuple[str, str]]) -> str:
    """What each reaction key does, one per line: "1️⃣ Claim interviewer"."""
    return "\n".join(f"{key} {label}" for key, label in keys)


def notice(
    text: str,
    keys: Sequence[tuple[str, str]] = (),
    *,
    reply_to: str | None = None,
    thread: str | None = None,
) -> dict[str, Any]:
    """An m.notice (bots send notices, so other bots do not answer them) with both bodies."""
    body = text or "…"
    if keys:
        body += "\n\n" + legend(keys)
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": to_html(body),
    }
    relates = relation(reply_to, thread)
    if relates:
        content["m.relates_to"] = relates
    return content


def relation(reply_to: str | None, thread: str | None) -> dict[str, Any]:
    """A reply to ``reply_to``, inside ``thread`` when the command came from one."""
    if thread:
        return {
            "rel_type": "m.thread",
            "event_id": thread,
            "is_falling_back": reply_to is None,
            "m.in_reply_to": {"event_id": reply_to or thread},
        }
    if reply_to:
        return {"m.in_reply_to": {"event_id": reply_to}}
    return {}


def edit(original: str, new: dict[str, Any]) -> dict[str, Any]:
    """An m.replace of our message ``original`` with the content ``new``."""
    fresh = {key: value for key, value in new.items() if key != "m.relates_to"}
    return {
        "msgtype": fresh["msgtype"],
        "body": "* " + fresh["body"],
        "format": HTML_FORMAT,
        "formatted_body": "* " + fresh["formatted_body"],
        "m.new_content": fresh,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }


def reaction(event_id: str, key: str) -> dict[str, Any]:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def file_message(
    filename: str,
    mime: str,
    size: int,
    *,
    url: str | None = None,
    encrypted: dict[str, Any] | None = None,
    reply_to: str | None = None,
    thread: str | None = None,
) -> dict[str, Any]:
    """m.image for pictures, m.file otherwise; ``encrypted`` carries the keys of an encrypted
    upload (then the URL lives inside it, as encrypted rooms require)."""
    content: dict[str, Any] = {
        "msgtype": "m.image" if mime.startswith("image/") else "m.file",
        "body": filename,
        "filename": filename,
        "info": {"mimetype": mime, "size": size},
    }
    if encrypted is not None:
        content["file"] = {**encrypted, "url": url}
    else:
        content["url"] = url
    relates = relation(reply_to, thread)
    if relates:
        content["m.relates_to"] = relates
    return content
