"""Translation: gettext catalogs (read with Babel) and a translator per reply language.

Message ids are the English text with ``{placeholders}``; ``bot/locale/<lang>/LC_MESSAGES/*.po``
hold each language, one file per feature (``canbot.po`` for the core, others beside it), merged
at load. Adding a language is adding a folder of catalogs. Strings are marked with ``t("...")``
in commands and ``N_("...")`` in the domain, which ``pybabel extract -k t -k N_`` finds.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.pofile import read_po

log = logging.getLogger(__name__)
LOCALE_DIR = Path(__file__).parent / "locale"


class Translator:
    """Turns an English message id and its parameters into text in one language."""

    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self._messages = messages

    def __call__(self, message: str, **params: object) -> str:
        text = self._messages.get(message) or message
        if not params:
            return text
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
        for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
            language = po_path.parent.parent.name
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            self._messages.setdefault(language, {}).update(
                (str(message.id), str(message.string))
                for message in catalog
                if message.id and message.string and not message.fuzzy
            )

    @property
    def languages(self) -> list[str]:
        return sorted(self._messages)

    def translator(self, language: str) -> Translator:
        messages = self._messages.get(language, {})
        return Translator(language if language in self._messages else "en", messages)
