"""Translation: gettext catalogs (read with Babel) and a translator per reply language.

Message ids are the English text with ``{placeholders}``; ``bot/locale/<lang>/LC_MESSAGES/*.po``
hold each language, one file per feature (``canbot.po`` for the core, others beside it), merged
at load. Adding a language is adding a folder of catalogs. Strings are marked with ``t("...")``
in commands and ``N_("...")`` in the domain; counted ones with ``t.plural("one", "many", n)``,
whose forms follow the catalog's ``Plural-Forms`` rule. ``pybabel extract -k t -k N_ -k plural:1,2``
finds them all.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from circles.errors import Counted

log = logging.getLogger(__name__)
LOCALE_DIR = Path(__file__).parent / "locale"


def english_plural(count: int) -> int:
    """The source language's rule: form 0 for one, form 1 otherwise."""
    return 0 if count == 1 else 1


@dataclass(frozen=True)
class PluralMessage:
    """The forms of one counted message and the rule that picks a form for a count."""

    forms: tuple[str, ...]
    rule: Callable[[int], int]


class Translator:
    """Turns an English message id and its parameters into text in one language."""

    def __init__(
        self,
        language: str,
        messages: dict[str, str],
        plurals: dict[str, PluralMessage] | None = None,
    ) -> None:
        self.language = language
        self._messages = messages
        self._plurals = plurals or {}

    def __call__(self, message: str, **params: object) -> str:
        if isinstance(message, Counted):  # a domain message marked with plural()
            count = params.get(message.by)
            if isinstance(count, int):
                return self._counted(str(message), message.plural, count, params)
        text = self._messages.get(message) or message
        return self._format(message, text, params)

    def plural(self, singular: str, plural: str, count: int, **params: object) -> str:
        """The form of a counted message for ``count``, which is also the ``{count}`` parameter
        unless ``params`` gives one."""
        return self._counted(singular, plural, count, {"count": count, **params})

    def _counted(self, singular: str, plural: str, count: int, params: dict[str, object]) -> str:
        english = singular if english_plural(count) == 0 else plural
        translated = self._plurals.get(singular)
        if translated is None:
            return self._format(english, english, params)
        index = min(translated.rule(count), len(translated.forms) - 1)
        return self._format(english, translated.forms[index] or english, params)

    def join(self, items: Sequence[object]) -> str:
        """Items listed as the reader writes a list: ``a, b, c`` in English, ``a、b、c`` in zh."""
        texts = [str(item) for item in items]
        if not texts:
            return ""
        listed = texts[0]
        for item in texts[1:]:
            listed = self("{items}, {item}", items=listed, item=item)
        return listed

    def _format(self, message: str, text: str, params: dict[str, object]) -> str:
        if not params:
            return text
        # A list in a message (the choices of an ambiguous name) is joined in the reader's
        # language here, so no domain or kit message joins with an English comma itself.
        params = {
            key: self.join(value) if isinstance(value, tuple | list) else value
            for key, value in params.items()
        }
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not cost the user their answer: fall back to English.
            log.error("translation of %r has bad placeholders in %s", message, self.language)
            return message.format(**params)


class Catalogs:
    """Every language's messages, loaded once at start."""

    def __init__(self, locale_dir: Path = LOCALE_DIR, source_language: str = "en") -> None:
        self._messages: dict[str, dict[str, str]] = {source_language: {}}
        self._plurals: dict[str, dict[str, PluralMessage]] = {source_language: {}}
        for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            language = po_path.parent.parent.name
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            # The rule comes from the catalog's own Plural-Forms header, as gettext does it.
            rule = gettext.c2py(catalog.plural_expr)
            messages = self._messages.setdefault(language, {})
            plurals = self._plurals.setdefault(language, {})
            for message in catalog:
                if not message.id or not message.string or message.fuzzy:
                    continue
                if isinstance(message.id, tuple | list):
                    if not any(message.string):
                        continue
                    forms = tuple(str(form) for form in message.string)
                    plurals[str(message.id[0])] = PluralMessage(forms, rule)
                else:
                    messages[str(message.id)] = str(message.string)

    @property
    def languages(self) -> list[str]:
        return sorted(self._messages)

    def translator(self, language: str) -> Translator:
        messages = self._messages.get(language, {})
        plurals = self._plurals.get(language, {})
        return Translator(language if language in self._messages else "en", messages, plurals)
