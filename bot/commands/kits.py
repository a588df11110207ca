"""Commands for the action kits: kits (the catalog) and kit (one kit sent as a PDF)."""

from __future__ import annotations

import shlex
import unicodedata
from urllib.parse import urlencode

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.reply import Attachment, Button, Reply
from circles.errors import N_, Invalid, NotFound
from circles.separator import UNICODE_SPACES
from circles.services.checkins import kit_usage
from circles.services.lookup import ambiguous, best
from toolkits.errors import KitParameterError
from toolkits.kit import Kit
from toolkits.language import LANGS, LANGUAGE_NAMES, Lang, is_lang
from toolkits.parameters import ParamValue, format_ranges, resolve_parameters

# Phones type curly quotes and a full-width equals sign; read them as the plain ones.
_TYPED = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "＝": "="})


def kits(ctx: CommandContext, args: Args) -> Reply:
    t, lang = ctx.t, ctx.language
    if not len(ctx.kits):
        return Reply(t("No kits are available yet."))
    with ctx.uow.begin() as s:
        used = kit_usage(s)
    lines = [t("Action kits: print them, use them, then tell us with checkin #kit-id."), ""]
    buttons: list[tuple[Button, ...]] = []
    for kit in ctx.kits:
        title = kit.title.get(lang)
        lines.append(f"• {title} — kit {kit.id}")
        lines.append(f"  {kit.summary.get(lang)}")
        lines.append("  " + t("For: {audience}", audience=kit.audience.get(lang)))
        facts = [t("Check-ins using it: {count}", count=used.get(kit.id, 0))]
        if kit.community:
            facts.append(t("community kit"))
        facts.append(page_url(ctx, kit))
        lines.append("  " + " · ".join(facts))
        buttons.append((Button(t("PDF: {kit}", kit=short_title(title)), f"kit {kit.id}"),))
    lines += ["", t("Send kit <id> for the PDF, for example: kit {example}", example=example(ctx))]
    return Reply("\n".join(lines), buttons=tuple(buttons))


def kit(ctx: CommandContext, args: Args) -> Reply:
    """The kit as a PDF in the language asked for; the answer around it in the reader's."""
    t = ctx.t
    found = find_kit(ctx, args["id"])
    asked, settings = read_settings(args.get("parameters", ""))
    lang = asked or default_language(found, ctx.language)
    try:
        rendered = ctx.kit_press.render(found.id, "pdf", lang, settings)
        values = resolve_parameters(found.parameters, settings, lang)
    except KitParameterError as error:
        text = t(error.message, **error.params) + "\n" + parameters_help(ctx, found, lang)
        return Reply(text, error=True)
    lines = [
        found.title.get(ctx.language),
        t(
            "PDF in {language}, version {version}, {license}.",
            language=t(LANGUAGE_NAMES[lang]),
            version=found.version,
            license=found.license,
        ),
    ]
    if values:
        lines.append(t("Made with: {settings}", settings=describe(values)))
    lines.append(t("On the web (other formats and parameters): {url}", url=page_url(ctx, found)))
    query = {"lang": lang, **{k: v for k, v in settings.items() if v.strip()}}
    lines.append(t("This version: {url}", url=f"{page_url(ctx, found)}.pdf?{urlencode(query)}"))
    attachment = Attachment(rendered.filename, rendered.mime, rendered.data)
    return Reply("\n".join(lines), attachments=(attachment,))


def find_kit(ctx: CommandContext, typed: str) -> Kit:
    """A kit by id, or by its Chinese or English title or a prefix of either (``kit 包裹``)."""
    found = best(typed, ctx.kits, lambda kit: (kit.id, dict(kit.title.texts)))
    if len(found) > 1:
        raise ambiguous(typed, [(kit.id, dict(kit.title.texts)) for kit in found])
    if not found:
        kit_id = unicodedata.normalize("NFKC", typed).lower()
        raise NotFound(N_("There is no kit '{kit}': send kits for the list."), kit=kit_id[:48])
    return found[0]


def read_settings(text: str) -> tuple[Lang | None, dict[str, str]]:
    """``zh neighborhood="Gubei New Village" buildings=1-8,10`` -> ("zh", {...}).

    Quotes keep a value with spaces together; a name given twice, or a word that is neither a
    language nor ``name=value``, is refused, so a typo never silently renders the wrong kit.
    """
    try:
        lexer = shlex.shlex(text.translate(_TYPED), posix=True)
        lexer.whitespace_split = True
        lexer.whitespace += UNICODE_SPACES  # a Chinese keyboard's U+3000 between parameters
        words = list(lexer)
    except ValueError:
        raise Invalid(N_("A quotation mark is not closed.")) from None
    lang: Lang | None = None
    first = unicodedata.normalize("NFKC", words[0]).lower() if words else ""
    if is_lang(first):
        lang = first
        words = words[1:]
    settings: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        name = unicodedata.normalize("NFKC", name).strip().lower()
        if not equals or not name:
            raise Invalid(
                N_(
                    "I did not understand '{word}': give the language (zh or en) first, "
                    "then parameters as name=value."
                ),
                word=word[:40],
            )
        if name in settings:
            raise Invalid(N_("The parameter {name} is given twice."), name=name[:40])
        settings[name] = value
    return lang, settings


def default_language(kit: Kit, language: str) -> Lang:
    """The user's language when the kit is written in it, else the kit's first language."""
    for lang in (language, *LANGS):
        if is_lang(lang) and lang in kit.languages:
            return lang
    return kit.languages[0]


def parameters_help(ctx: CommandContext, kit: Kit, lang: str) -> str:
    """Each parameter described in the reader's language, with its default in the kit's
    language ``lang`` (the text the kit prints when the parameter is left out)."""
    t = ctx.t
    if not kit.parameters:
        return t("This kit has no parameters.")
    lines = [t("Parameters of {kit}:", kit=kit.id)]
    for parameter in kit.parameters:
        default = parameter.default(lang)
        shown = f"{parameter.name}={default}" if default else parameter.name
        lines.append(f"  {shown} — {parameter.label.get(ctx.language)}")
    return "\n".join(lines)


def describe(values: dict[str, ParamValue]) -> str:
    parts = []
    for name, value in values.items():
        text = format_ranges(value, dash="-", separator=",") if isinstance(value, tuple) else value
        if text != "":
            parts.append(f"{name}={text}")
    return " · ".join(parts)


def page_url(ctx: CommandContext, kit: Kit) -> str:
    return f"{ctx.config.web.public_url.rstrip('/')}/kits/{kit.id}"


def short_title(title: str) -> str:
    """The title up to its colon: ``Parcel sorting: sort ...`` -> ``Parcel sorting``."""
    head = title.replace("：", ":").split(":", 1)[0].strip()
    return head[:40] or title[:40]


def example(ctx: CommandContext) -> str:
    return "parcel-sorting" if "parcel-sorting" in ctx.kits else next(iter(ctx.kits)).id


def commands() -> list[Command]:
    return [
        Command(
            "kits",
            "kits",
            N_("The action kits, with how often each was used"),
            Who.ANYONE,
            kits,
            group="kits",
        ),
        Command(
            "kit",
            "kit <id> [parameters...]",
            N_("One kit as a PDF: kit <id> [zh|en] [name=value ...]"),
            Who.ANYONE,
            kit,
            group="kits",
            slow=True,  # waits for KitPress: a PDF takes 0.7-1.8 s (bench/kits.py)
        ),
    ]
