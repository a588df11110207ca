"""Every user-facing string has a Chinese translation with the same placeholders."""

from __future__ import annotations

import ast
import pickle
import re
import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import Catalogs
from circles.errors import Counted, Invalid

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# Python sources, and the portal's Jinja templates (they call t() too); kit templates are
# translated by their authors, per language, so they are not extracted.
METHODS = [("**.py", "python"), ("portal/templates/**.j2", "jinja2.ext:babel_extract")]


PACKAGES = ("bot", "circles", "toolkits")
KEYWORDS = {"t": None, "N_": None, "plural": (1, 2)}


def extracted() -> tuple[set[str], set[tuple[str, str]]]:
    """What babel finds, as a translator would extract it: plain and counted messages."""
    plain: set[str] = set()
    counted: set[tuple[str, str]] = set()
    for package in PACKAGES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, METHODS, keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, str) and message:
                plain.add(message)
            elif isinstance(message, tuple) and all(message):
                counted.add((str(message[0]), str(message[1])))
    return plain, counted


def extracted_messages() -> set[str]:
    return extracted()[0]


def messages_in_the_code() -> set[str]:
    """Every literal message passed to t(), N_() or .plural(), read from the syntax tree.

    The tree sees calls inside f-strings too, where babel's tokenizer does not look.
    """
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                first = node.args[0]
                if (
                    name in KEYWORDS
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    found.add(first.value)
    return found


def test_babel_extracts_every_message_the_code_uses() -> None:
    plain, counted = extracted()
    known = plain | {singular for singular, _ in counted}
    assert sorted(messages_in_the_code() - known) == []


def test_every_message_is_translated_to_chinese() -> None:
    messages = extracted_messages()
    assert len(messages) > 50
    zh = Catalogs().translator("zh")
    missing = sorted(m for m in messages if zh(m) == m)
    assert missing == []


def test_every_counted_message_is_translated_to_chinese() -> None:
    _, counted = extracted()
    assert len(counted) >= 5
    zh = Catalogs().translator("zh")
    formatter = string.Formatter()
    missing = []
    for singular, plural in counted:
        names = {name for _, name, _, _ in formatter.parse(plural) if name} - {"count"}
        params = {name: name for name in names}
        if zh.plural(singular, plural, 2, **params) == plural.format(count=2, **params):
            missing.append(singular)
    assert missing == []


def test_counted_messages_pick_their_form_by_the_catalog_rule() -> None:
    catalogs = Catalogs()
    en, zh = catalogs.translator("en"), catalogs.translator("zh")
    assert en.plural("used once", "used {count} times", 1) == "used once"
    assert en.plural("used once", "used {count} times", 3) == "used 3 times"
    assert zh.plural("used once", "used {count} times", 1) == "用过 1 次"
    assert zh.plural("used once", "used {count} times", 3) == "用过 3 次"


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
    assert ("{count} volunteer", "{count} volunteers") in extracted()[1]  # plural() in a template


def test_counted_translations_keep_the_placeholders() -> None:
    formatter = string.Formatter()
    with_forms: dict[str, list[str]] = {}
    for po_path in (ROOT / "bot" / "locale" / "zh" / "LC_MESSAGES").glob("*.po"):
        with po_path.open("rb") as handle:
            for message in read_po(handle, locale="zh"):
                if isinstance(message.id, tuple | list):
                    with_forms[str(message.id[1])] = [str(form) for form in message.string]
    assert with_forms
    for plural, forms in with_forms.items():
        wanted = {name for _, name, _, _ in formatter.parse(plural) if name}
        for form in forms:
            assert {name for _, name, _, _ in formatter.parse(form) if name} == wanted, plural


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


def test_a_list_in_a_message_is_joined_in_the_readers_language() -> None:
    catalogs = Catalogs()
    choices = ("research", "content", "practice")
    assert catalogs.translator("en").join(choices) == "research, content, practice"
    assert catalogs.translator("zh").join(choices) == "research、content、practice"
    assert catalogs.translator("zh").join(["one"]) == "one"
    zh = catalogs.translator("zh")
    text = zh("'{name}' fits more than one: {choices}. Choose one.", name="c", choices=choices)
    assert "research、content、practice" in text


def test_a_counted_domain_message_takes_the_form_for_its_number() -> None:
    catalogs = Catalogs()
    en, zh = catalogs.translator("en"), catalogs.translator("zh")
    counted = Counted("At most {limit} skill, please.", "At most {limit} skills, please.", "limit")
    one, many = Invalid(counted, limit=1), Invalid(counted, limit=12)
    # The English text for logs and the command line, and each reader's translation.
    assert (str(one), str(many)) == ("At most 1 skill, please.", "At most 12 skills, please.")
    assert en(one.message, **one.params) == "At most 1 skill, please."
    assert en(many.message, **many.params) == "At most 12 skills, please."
    assert zh(one.message, **one.params) == "最多 1 个技能。"
    assert zh(many.message, **many.params) == "最多 12 个技能。"
    days = Counted("{count} day", "{count} days")  # counted by the usual {count}
    assert (en(days, count=1), en(days, count=2), zh(days, count=2)) == ("1 day", "2 days", "2 天")


def test_a_counted_message_survives_the_kit_workers_pickling() -> None:
    # Kit errors are raised in the press's worker process and pickled back to the bot.
    counted = Counted("{max_pages} page", "{max_pages} pages", "max_pages")
    error = pickle.loads(pickle.dumps(Invalid(counted, max_pages=1)))
    assert (error.message.plural, error.message.by) == ("{max_pages} pages", "max_pages")
    assert Catalogs().translator("en")(error.message, max_pages=2) == "2 pages"
