"""Kit parameters: their declared types and limits, and turning raw text into checked values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeGuard

from circles.errors import N_, plural
from toolkits.errors import KitFormatError, KitParameterError
from toolkits.language import LANGS, Localized

ParamType = Literal["str", "int", "ranges"]
ParamValue = str | int | tuple[int, ...]

PARAM_TYPES: tuple[ParamType, ...] = ("str", "int", "ranges")
# ``page_lang`` is the portal form's field for the reader's language (kit_pages.PAGE_LANG).
RESERVED_NAMES = frozenset({"kit", "lang", "kit_url", "params", "page_lang"})
DEFAULT_MAX_LENGTH = 80
LONGEST_MAX_LENGTH = 500
LOWEST_BUILDING = 1
HIGHEST_BUILDING = 9999
DEFAULT_MAX_BUILDINGS = 300
LARGEST_INT = 999_999_999
RANGES_EXAMPLE = "1-8,10,12-20"

_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
_INT = re.compile(r"[+-]?[0-9]{1,9}", re.ASCII)
_DIGITS = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_RANGE = re.compile(r"([0-9]{1,6})[-~–—]([0-9]{1,6})", re.ASCII)
_SPACED_DASH = re.compile(r"\s*([-~–—])\s*")
_SEPARATORS = re.compile(r"[,;、\s]+")
_SPEC_KEYS = frozenset(
    {"name", "type", "default", "label", "max_length", "min", "max", "max_count"}
)


def _is_param_type(value: object) -> TypeGuard[ParamType]:
    return value in PARAM_TYPES


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a kit.

    ``defaults`` holds the default as raw text per language (it is checked like user input).
    ``min``/``max`` bound an int, or the building numbers of a ``ranges`` parameter.
    """

    name: str
    type: ParamType
    label: Localized
    defaults: Mapping[str, str]
    max_length: int = DEFAULT_MAX_LENGTH
    min: int | None = None
    max: int | None = None
    max_count: int = DEFAULT_MAX_BUILDINGS

    def default(self, lang: str) -> str:
        """The default as raw text in ``lang``."""
        return self.defaults.get(lang, next(iter(self.defaults.values())))

    def parse(self, raw: str) -> ParamValue:
        """Check ``raw`` against this parameter's type and limits; raise KitParameterError."""
        if self.type == "int":
            return self._parse_int(raw)
        if self.type == "ranges":
            return parse_building_ranges(
                raw,
                name=self.name,
                low=LOWEST_BUILDING if self.min is None else self.min,
                high=HIGHEST_BUILDING if self.max is None else self.max,
                max_count=self.max_count,
            )
        return self._parse_str(raw)

    def _parse_str(self, raw: str) -> str:
        text = raw.strip()
        if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text):
            raise KitParameterError(
                N_("The parameter {name} must be one line of plain text."), name=self.name
            )
        if any(unicodedata.category(char) in ("Cn", "Co", "Cs") for char in text):
            # Unassigned, private-use and lone surrogate code points have no glyph in any font
            # the kits print with: refused here rather than printed as boxes.
            raise KitParameterError(
                N_("The parameter {name} has a character that cannot be printed."),
                name=self.name,
            )
        if len(text) > self.max_length:
            raise KitParameterError(
                plural(
                    "The parameter {name} must be at most {max_length} character long.",
                    "The parameter {name} must be at most {max_length} characters long.",
                    by="max_length",
                ),
                name=self.name,
                max_length=self.max_length,
            )
        return text

    def _parse_int(self, raw: str) -> int:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not _DIGITS.fullmatch(text):
            raise KitParameterError(
                N_("The parameter {name} must be a whole number, like {example}."),
                name=self.name,
                example=self.default("en") or "1",
            )
        # A number with more digits than any kit needs is out of range, not "not a number";
        # without declared bounds the range is what a kit accepts at all.
        value = int(text) if _INT.fullmatch(text) else (-1 if text.startswith("-") else 1) * 10**10
        low = -LARGEST_INT if self.min is None and abs(value) > LARGEST_INT else self.min
        high = LARGEST_INT if self.max is None and abs(value) > LARGEST_INT else self.max
        too_low = low is not None and value < low
        too_high = high is not None and value > high
        if too_low or too_high:
            if low is not None and high is not None:
                raise KitParameterError(
                    N_("The parameter {name} must be between {min} and {max}."),
                    name=self.name,
                    min=low,
                    max=high,
                )
            if too_low:
                raise KitParameterError(
                    N_("The parameter {name} must be at least {min}."), name=self.name, min=low
                )
            raise KitParameterError(
                N_("The parameter {name} must be at most {max}."), name=self.name, max=high
            )
        return value

    @classmethod
    def from_yaml(cls, data: object, *, where: str) -> Parameter:
        """Read one entry of kit.yaml's ``parameters`` list; raise KitFormatError."""
        if not isinstance(data, Mapping):
            raise KitFormatError.bad_field(
                where, "parameters", "a list of maps with name, type, default and label"
            )
        name = data.get("name")
        field = f"parameter {name}" if isinstance(name, str) else "parameter"
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name in RESERVED_NAMES:
            raise KitFormatError.bad_field(
                where,
                field,
                "a lowercase name like city, not kit, lang, page_lang, kit_url or params",
            )
        unknown = sorted(str(key) for key in data if key not in _SPEC_KEYS)
        if unknown:
            raise KitFormatError(
                N_("The kit.yaml in {path} has an unknown key {key} in {field}."),
                path=where,
                key=unknown[0],
                field=field,
            )
        kind = data.get("type", "str")
        if not _is_param_type(kind):
            raise KitFormatError.bad_field(where, f"{field} type", "one of str, int, ranges")
        parameter = cls(
            name=name,
            type=kind,
            label=Localized.parse(data.get("label", name), field=f"{field} label", where=where),
            defaults=_read_defaults(data.get("default", ""), field=field, where=where),
            max_length=_read_int(data, "max_length", DEFAULT_MAX_LENGTH, field, where),
            min=_read_optional_int(data, "min", field, where),
            max=_read_optional_int(data, "max", field, where),
            max_count=_read_int(data, "max_count", DEFAULT_MAX_BUILDINGS, field, where),
        )
        if not 1 <= parameter.max_length <= LONGEST_MAX_LENGTH:
            raise KitFormatError.bad_field(
                where, f"{field} max_length", f"a number from 1 to {LONGEST_MAX_LENGTH}"
            )
        lowest, highest = parameter.min, parameter.max
        if lowest is not None and highest is not None and lowest > highest:
            raise KitFormatError.bad_field(where, f"{field} min and max", "min no greater than max")
        for lang in LANGS:
            try:
                parameter.parse(parameter.default(lang))
            except KitParameterError as error:
                raise KitFormatError(
                    N_(
                        "The kit.yaml in {path} has a default for {field} that fails its own "
                        "check: {problem}"
                    ),
                    path=where,
                    field=field,
                    problem=str(error),
                ) from error
        return parameter


def resolve_parameters(
    parameters: Sequence[Parameter], raw: Mapping[str, str], lang: str
) -> dict[str, ParamValue]:
    """Checked values for every parameter: given text where present and non-blank, else defaults.

    Unknown names are refused so a typo (``buliding=3``) is not silently ignored, and so is a
    building list given empty (``buildings=``): a kit printed for the default buildings instead
    would look right and be wrong.
    """
    by_name = {parameter.name: parameter for parameter in parameters}
    for name in raw:
        if name not in by_name:
            if by_name:
                raise KitParameterError(
                    N_("This kit has no parameter {name}; it takes {known}."),
                    name=name,
                    known=tuple(by_name),
                )
            raise KitParameterError(N_("This kit takes no parameters, not even {name}."), name=name)
    values: dict[str, ParamValue] = {}
    for parameter in parameters:
        given = raw.get(parameter.name, "")
        blank_means_default = parameter.type != "ranges" or parameter.name not in raw
        text = given if given.strip() or not blank_means_default else parameter.default(lang)
        values[parameter.name] = parameter.parse(text)
    return values


def parse_building_ranges(
    text: str,
    *,
    name: str = "buildings",
    low: int = LOWEST_BUILDING,
    high: int = HIGHEST_BUILDING,
    max_count: int = DEFAULT_MAX_BUILDINGS,
) -> tuple[int, ...]:
    """Building numbers from text like ``1-8,10,12-20``, sorted and without repeats.

    Full-width digits and punctuation, Chinese commas (，、), spaces and dashes such as – or ~
    are accepted, because people type them on phones.
    """
    normalized = _SPACED_DASH.sub(r"\1", unicodedata.normalize("NFKC", text).strip())
    parts = [part for part in _SEPARATORS.split(normalized) if part]
    if not parts:
        raise KitParameterError(
            N_("The parameter {name} needs at least one building number, like {example}."),
            name=name,
            example=RANGES_EXAMPLE,
        )
    numbers: set[int] = set()
    for part in parts:
        first, last = _parse_part(part, name)
        for number in (first, last):
            if not low <= number <= high:
                raise KitParameterError(
                    N_(
                        "The parameter {name} has building {number}; numbers must be between "
                        "{min} and {max}."
                    ),
                    name=name,
                    number=number,
                    min=low,
                    max=high,
                )
        numbers.update(range(first, last + 1))
        if len(numbers) > max_count:
            raise KitParameterError(
                plural(
                    "The parameter {name} names more than {max_count} building, "
                    "too many for one kit.",
                    "The parameter {name} names more than {max_count} buildings, "
                    "too many for one kit.",
                    by="max_count",
                ),
                name=name,
                max_count=max_count,
            )
    return tuple(sorted(numbers))


def _parse_part(part: str, name: str) -> tuple[int, int]:
    if _NUMBER.fullmatch(part):
        return int(part), int(part)
    match = _RANGE.fullmatch(part)
    if match is None:
        raise KitParameterError(
            N_(
                "The parameter {name} has {part}, which is not a building number or range; "
                "write it like {example}."
            ),
            name=name,
            part=part,
            example=RANGES_EXAMPLE,
        )
    first, last = int(match[1]), int(match[2])
    if first > last:
        raise KitParameterError(
            N_(
                "The parameter {name} has the range {part} backwards; "
                "write the smaller number first."
            ),
            name=name,
            part=part,
        )
    return first, last


def format_ranges(numbers: Iterable[int], *, dash: str = "–", separator: str = ", ") -> str:
    """Building numbers written back as ranges: (1, 2, 3, 5) gives ``1–3, 5``."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return separator.join(
        str(run[0]) if len(run) == 1 else f"{run[0]}{dash}{run[-1]}" for run in runs
    )


def _read_defaults(value: object, *, field: str, where: str) -> dict[str, str]:
    if isinstance(value, bool):
        raise KitFormatError.bad_field(where, f"{field} default", "text or a number")
    if isinstance(value, str | int):
        return {lang: str(value) for lang in LANGS}
    if isinstance(value, Mapping) and value and all(lang in LANGS for lang in value):
        defaults = {}
        for lang, text in value.items():
            if isinstance(text, bool) or not isinstance(text, str | int):
                raise KitFormatError.bad_field(
                    where, f"{field} default", "text or a number per language"
                )
            defaults[str(lang)] = str(text)
        return defaults
    raise KitFormatError.bad_field(
        where, f"{field} default", "text, a number, or a map with zh and en values"
    )


def _read_int(
    data: Mapping[object, object], key: str, fallback: int, field: str, where: str
) -> int:
    value = _read_optional_int(data, key, field, where)
    return fallback if value is None else value


def _read_optional_int(
    data: Mapping[object, object], key: str, field: str, where: str
) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise KitFormatError.bad_field(where, f"{field} {key}", "a whole number")
    return value
