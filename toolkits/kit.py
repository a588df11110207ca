"""A kit: one folder with kit.yaml and Jinja2 Markdown templates, loaded and checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from circles.errors import N_, plural
from toolkits.errors import KitFormatError, KitNotFound
from toolkits.language import LANGS, Lang, Localized
from toolkits.parameters import Parameter

MANIFEST = "kit.yaml"
SHIPPED_LICENSE = "CC BY-SA 4.0"
MAX_MANIFEST_BYTES = 64_000
MAX_TEMPLATE_BYTES = 100_000
MAX_TEMPLATES_BYTES = 400_000

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
_KEYS = frozenset(
    {
        "id",
        "version",
        "title",
        "summary",
        "audience",
        "scenario",
        "authors",
        "license",
        "parameters",
    }
)


@dataclass(frozen=True)
class Kit:
    """A loaded, checked kit. ``community`` kits come from extra folders and render sandboxed."""

    id: str
    version: str
    title: Localized
    summary: Localized
    audience: Localized
    scenario: Localized
    authors: tuple[Localized, ...]
    license: str
    parameters: tuple[Parameter, ...]
    languages: tuple[Lang, ...]
    path: Path
    community: bool

    @staticmethod
    def body_template(lang: Lang) -> str:
        """The file name of the body template for ``lang``."""
        return f"body.{lang}.md.j2"

    def require_language(self, lang: Lang) -> None:
        """Raise KitNotFound unless this kit is written in ``lang``."""
        if lang not in self.languages:
            raise KitNotFound(
                N_("The kit {kit} is not available in {lang}; it has {langs}."),
                kit=self.id,
                lang=lang,
                langs=tuple(self.languages),
            )

    def authors_text(self, lang: Lang) -> str:
        """The authors in ``lang``, joined for one line."""
        separator = "、" if lang == "zh" else ", "
        return separator.join(author.get(lang) for author in self.authors)

    def template_sources(self) -> dict[str, str]:
        """Every template file of the kit, read now (the sandbox gets text, never paths)."""
        return read_templates(self.path)


def load_kit(folder: Path, *, community: bool) -> Kit:
    """Load and check the kit in ``folder``; raise KitFormatError saying what is wrong."""
    where = str(folder)
    data = _read_manifest(folder)
    unknown = sorted(str(key) for key in data if key not in _KEYS)
    if unknown:
        raise KitFormatError(
            N_("The kit.yaml in {path} has an unknown key {key}."), path=where, key=unknown[0]
        )
    kit_id = data.get("id")
    if not isinstance(kit_id, str) or not _ID.fullmatch(kit_id):
        raise KitFormatError.bad_field(
            where, "id", "lowercase letters, digits and dashes, like parcel-sorting"
        )
    if kit_id != folder.name:
        raise KitFormatError(
            N_(
                "The kit.yaml in {path} has id {id}, but its folder is named {folder}; "
                "they must match."
            ),
            path=where,
            id=kit_id,
            folder=folder.name,
        )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise KitFormatError.bad_field(where, "version", 'text in quotes, like "1.0"')
    license_ = data.get("license")
    if not isinstance(license_, str) or not license_.strip():
        raise KitFormatError.bad_field(
            where, "license", f'a license name, like "{SHIPPED_LICENSE}"'
        )
    if not community and license_ != SHIPPED_LICENSE:
        raise KitFormatError.bad_field(where, "license", f'"{SHIPPED_LICENSE}" for a shipped kit')
    raw_parameters = data.get("parameters") or []
    if not isinstance(raw_parameters, list):
        raise KitFormatError.bad_field(where, "parameters", "a list")
    parameters = tuple(Parameter.from_yaml(item, where=where) for item in raw_parameters)
    names = [parameter.name for parameter in parameters]
    if len(set(names)) != len(names):
        raise KitFormatError.bad_field(where, "parameters", "a list with each name once")
    kit = Kit(
        id=kit_id,
        version=version.strip(),
        title=_localized(data, "title", where),
        summary=_localized(data, "summary", where),
        audience=_localized(data, "audience", where),
        scenario=_localized(data, "scenario", where),
        authors=_authors(data.get("authors"), where),
        license=license_.strip(),
        parameters=parameters,
        languages=tuple(lang for lang in LANGS if (folder / Kit.body_template(lang)).is_file()),
        path=folder,
        community=community,
    )
    _check_languages(kit, where)
    _check_syntax(kit.template_sources(), where)
    return kit


def read_templates(folder: Path) -> dict[str, str]:
    """The ``*.j2`` files directly in ``folder``; symlinks and oversized files are refused."""
    sources: dict[str, str] = {}
    total = 0
    for path in sorted(folder.glob("*.j2")):
        if path.is_symlink() or not path.is_file():
            raise KitFormatError(
                N_("The kit template {path} is not a plain file; links are not allowed."),
                path=str(path),
            )
        try:
            data = _read_capped(path, MAX_TEMPLATE_BYTES)
            total += len(data or b"")
            if data is None or total > MAX_TEMPLATES_BYTES:
                raise KitFormatError(
                    plural(
                        "The kit templates in {path} are larger than {limit} byte.",
                        "The kit templates in {path} are larger than {limit} bytes.",
                        by="limit",
                    ),
                    path=str(folder),
                    limit=MAX_TEMPLATE_BYTES if data is None else MAX_TEMPLATES_BYTES,
                )
            sources[path.name] = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise KitFormatError(
                N_("The kit template {path} cannot be read as UTF-8 text: {detail}."),
                path=str(path),
                detail=str(error),
            ) from error
    return sources


def _read_manifest(folder: Path) -> Mapping[object, object]:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise KitFormatError(N_("The kit folder {path} has no kit.yaml."), path=str(folder))
    try:
        raw = _read_capped(manifest, MAX_MANIFEST_BYTES)
        if raw is None:
            raise KitFormatError(
                plural(
                    "The kit.yaml in {path} is larger than {limit} byte.",
                    "The kit.yaml in {path} is larger than {limit} bytes.",
                    by="limit",
                ),
                path=str(folder),
                limit=MAX_MANIFEST_BYTES,
            )
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise KitFormatError(
            N_("The kit.yaml in {path} cannot be read: {detail}."),
            path=str(folder),
            detail=" ".join(str(error).split()),
        ) from error
    except RecursionError as error:
        # PyYAML builds nested values recursively: '[[[[...' 30,000 deep exhausts the stack.
        raise KitFormatError(
            N_("The kit.yaml in {path} is nested too deeply to read."), path=str(folder)
        ) from error
    if not isinstance(data, Mapping):
        raise KitFormatError.bad_field(
            str(folder), "layout", "a map of keys such as id, title and parameters"
        )
    return data


def _localized(data: Mapping[object, object], key: str, where: str) -> Localized:
    if key not in data:
        raise KitFormatError(N_("The kit.yaml in {path} needs {field}."), path=where, field=key)
    return Localized.parse(data[key], field=key, where=where)


def _authors(value: object, where: str) -> tuple[Localized, ...]:
    if isinstance(value, str | Mapping):
        value = [value]
    if not isinstance(value, list) or not value:
        raise KitFormatError.bad_field(
            where, "authors", "a list naming the circle or people who made the kit"
        )
    return tuple(Localized.parse(item, field="authors", where=where) for item in value)


def _check_languages(kit: Kit, where: str) -> None:
    if not kit.languages:
        raise KitFormatError(
            N_("The kit folder {path} has no body template; add body.zh.md.j2 or body.en.md.j2."),
            path=where,
        )
    for lang in kit.languages:
        for field, text in (("title", kit.title), ("summary", kit.summary)):
            if lang not in text.texts:
                raise KitFormatError(
                    N_(
                        "The kit.yaml in {path} has no {lang} {field}, "
                        "but the kit has a {lang} body."
                    ),
                    path=where,
                    lang=lang,
                    field=field,
                )


def _check_syntax(sources: Mapping[str, str], where: str) -> None:
    # Parsing only builds a syntax tree; nothing in the template runs here.
    parser = jinja2.Environment(autoescape=False)
    for name, source in sources.items():
        try:
            parser.parse(source, name=name)
        except jinja2.TemplateSyntaxError as error:
            raise KitFormatError(
                N_(
                    "The kit template {name} in {path} has a syntax error on line {line}: {detail}."
                ),
                name=name,
                path=where,
                line=error.lineno,
                detail=error.message or "unknown",
            ) from error
        except RecursionError as error:
            # Jinja's parser recurses once per bracket: '{{ ((((1)))) }}' deep enough ends it.
            raise KitFormatError(
                N_("The kit template {name} in {path} is nested too deeply to read."),
                name=name,
                path=where,
            ) from error


def _read_capped(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path``, or None if it holds more than ``limit``.

    Read rather than trusted from stat(): a file can grow between the two, and a FIFO or device
    reports no size at all.
    """
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data
