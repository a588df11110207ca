"""Languages a kit is written in, and texts given per language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeGuard

from circles.errors import N_
from toolkits.errors import KitFormatError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
# Each language's name as a message id: a reader sees it in their own language ("PDF in
# Chinese" for an English reader, "中文版 PDF" for a Chinese one), never in the kit's.
LANGUAGE_NAMES: dict[str, str] = {"zh": N_("Chinese"), "en": N_("English")}


def is_lang(value: object) -> TypeGuard[Lang]:
    """True for a language code a kit can be rendered in."""
    return value in LANGS


@dataclass(frozen=True)
class Localized:
    """A short text in one or more languages; asking for a missing language gives another."""

    texts: Mapping[str, str]

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in the first language that has it."""
        if lang in self.texts:
            return self.texts[lang]
        return next(self.texts[code] for code in LANGS if code in self.texts)

    @classmethod
    def parse(cls, value: object, *, field: str, where: str) -> Localized:
        """Read ``value`` (plain text, or a map ``{zh: ..., en: ...}``) from kit.yaml."""
        if isinstance(value, str) and value.strip():
            return cls({lang: value.strip() for lang in LANGS})
        if isinstance(value, Mapping) and value:
            texts: dict[str, str] = {}
            for key, text in value.items():
                if not is_lang(key) or not isinstance(text, str) or not text.strip():
                    raise KitFormatError(
                        N_(
                            "The kit.yaml in {path} has a bad {field}: it should be text, "
                            "or a map with zh and en texts."
                        ),
                        path=where,
                        field=field,
                    )
                texts[key] = text.strip()
            return cls(texts)
        raise KitFormatError(
            N_(
                "The kit.yaml in {path} has a bad {field}: it should be text, "
                "or a map with zh and en texts."
            ),
            path=where,
            field=field,
        )
