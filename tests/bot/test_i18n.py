"""Every user-facing string has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# Python sources, and the portal's Jinja templates (they call t() too); kit templates are
# translated by their authors, per language, so they are not extracted.
METHODS = [("**.py", "python"), ("portal/templates/**.j2", "jinja2.ext:babel_extract")]


def extracted_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "circles", "toolkits"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, METHODS, keywords={"t": None, "N_": None}, comment_tags=()
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def test_every_message_is_translated_to_chinese() -> None:
    messages = extracted_messages()
    assert len(messages) > 50
    zh = Catalogs().translator("zh")
    missing = sorted(m for m in messages if zh(m) == m)
    assert missing == []


def test_translations_keep_the_placeholders() -> None:
    zh = Catalogs().translator("zh")
    formatter = string.Formatter()
    for message in extracted_messages():
        wanted = {name for _, name, _, _ in formatter.parse(message) if name}
        got = {name for _, name, _, _ in formatter.parse(zh(message)) if name}
        assert got == wanted, message


def test_the_portal_templates_are_extracted() -> None:
    messages = extracted_messages()
    assert "Circle map" in messages  # from a template only
    assert "used {count} times" in messages


def test_no_message_is_translated_in_two_catalogs() -> None:
    # Catalogs merge in file order, so a second translation would silently win over the first.
    seen: dict[str, str] = {}
    twice = []
    for po_path in sorted((ROOT / "bot" / "locale" / "zh" / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            for message in read_po(handle, locale="zh"):
                if message.id and str(message.id) in seen:
                    twice.append(f"{message.id!r} in {seen[str(message.id)]} and {po_path.name}")
                elif message.id:
                    seen[str(message.id)] = po_path.name
    assert twice == []


def test_a_language_without_a_catalog_falls_back_to_english() -> None:
    t = Catalogs().translator("fr")
    assert t("Usage: {usage}", usage="x") == "Usage: x"


def test_a_broken_translation_falls_back_to_english(tmp_path: Path) -> None:
    folder = tmp_path / "zh" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "x.po").write_text('msgid "Hi {name}"\nmsgstr "你好 {nom}"\n', encoding="utf-8")
    assert Catalogs(tmp_path).translator("zh")("Hi {name}", name="A") == "Hi A"
