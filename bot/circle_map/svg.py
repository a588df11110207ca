"""The map as a standalone SVG document: escaped text, presentation attributes, no script.

No ``<style>`` element and no ``style`` attributes, so the SVG can be inlined in a page whose
Content-Security-Policy forbids inline styles, and renders the same through cairosvg.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from bot.circle_map import palette
from bot.circle_map.layout import ROLE_RADIUS, CircleSpot, RoleSpot, lay_out
from bot.circle_map.measure import fit, fit_lines, text_width, wrap
from bot.circle_map.snapshot import CircleMap
from bot.i18n import Translator
from circles.model import PROPOSED
from circles.text import pick

# CJK first so Chinese never falls back to boxes; then the usual system faces.
FONTS = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', "
    "Arial, sans-serif"
)
DISC = 30.0  # a role's own circle inside its ROLE_RADIUS spot
DISC_LIFT = 15.0  # the disc sits a little high to leave room for the role name below
LEGEND_HEIGHT = 64.0
NAME_SIZE = 14.0  # role names, and the holder's name on a held role
SMALL_SIZE = 12.0  # the least any label is drawn at: "open", "proposed", "+2"
TAB_FLOOR = 13.0  # a long circle name shrinks to this before it takes a second line
# The page shows the map no smaller than this many CSS pixels per unit (the width attribute
# below; the stylesheet lets it grow, never shrink), so the smallest label stays 11 px on a phone
# (which then scrolls) and on a projector however many circles there are.
LEGIBLE_PX = 11.0
DISPLAY_SCALE = LEGIBLE_PX / SMALL_SIZE
TAB_SIZES = (22.0, 18.0, 15.0)  # the network's name, root circles, deeper circles
# Characters XML 1.0 cannot carry at all; user text is checked on the way in, this is the net.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def x(text: str) -> str:
    """Text made safe for an SVG text node or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", text), {'"': "&quot;", "'": "&apos;"})


def n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def circle_map_svg(circle_map: CircleMap, t: Translator, network_name: str) -> str:
    layout = lay_out(circle_map)
    lang = t.language
    width, height = layout.width, layout.height + LEGEND_HEIGHT
    shown_width, shown_height = width * DISPLAY_SCALE, height * DISPLAY_SCALE
    extra_roots = sorted(
        spot.circle.slug
        for spot in layout.circles()
        if spot.depth == 1 and spot.circle.slug not in palette.ROOT_HUES
    )
    title = t("Circle map of {network}", network=network_name)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {n(width)} {n(height)}" width="{n(shown_width)}" height="{n(shown_height)}" '
        f'font-family="{FONTS}" role="img" aria-labelledby="map-title" '
        f'data-revision="{x(circle_map.revision)}">',
        f'<title id="map-title">{x(title)}</title>',
        f'<rect class="paper" width="{n(width)}" height="{n(height)}" fill="{palette.PAPER}"/>',
    ]
    for top in layout.tops:
        parts.extend(_circle(top, t, lang, extra_roots))
    # Name tabs go on top of everything, so no neighbouring circle hides them.
    parts.append('<g class="tabs">')
    for spot in layout.circles():
        parts.extend(_tab(spot, lang, extra_roots))
    parts.append("</g>")
    parts.extend(_legend(t, width, layout.height))
    parts.append("</svg>")
    return "\n".join(parts)


def _circle(spot: CircleSpot, t: Translator, lang: str, extra_roots: list[str]) -> list[str]:
    circle = spot.circle
    if spot.depth == 0:
        fill, stroke, tab = palette.NETWORK_FILL, palette.NETWORK_STROKE, palette.NETWORK_TAB
    else:
        hue = palette.hue_of(spot.root, extra_roots)
        fill, stroke, tab = palette.tint(hue, spot.depth), palette.mix(hue, "#ffffff", 0.35), hue
    name = pick(circle.name, lang) or circle.slug
    purpose = pick(circle.purpose, lang)
    tooltip = f"{name} — {purpose}" if purpose else name
    out = [
        f'<g class="circle" data-slug="{x(circle.slug)}" data-depth="{spot.depth}">',
        f"<title>{x(tooltip)}</title>",
        f'<circle cx="{n(spot.x)}" cy="{n(spot.y)}" r="{n(spot.r)}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{2.5 if spot.depth else 2}"/>',
    ]
    if not circle.roles and not spot.children:
        empty_label = t("no roles yet")
        out.append(
            f'<text x="{n(spot.x)}" y="{n(spot.y + 5)}" text-anchor="middle" font-size="13" '
            f'fill="{palette.QUIET}">{x(empty_label)}</text>'
        )
    for role in spot.roles:
        out.extend(_role(role, tab, t, lang))
    for child in spot.children:
        out.extend(_circle(child, t, lang, extra_roots))
    out.append("</g>")
    return out


def _tab(spot: CircleSpot, lang: str, extra_roots: list[str]) -> list[str]:
    """The circle's name on a tab across the top of its membrane: whole, on two lines if need
    be, wider than the circle if need be; only an absurdly long name is cut (the circle's
    tooltip has it all)."""
    name = pick(spot.circle.name, lang) or spot.circle.slug
    color = palette.hue_of(spot.root, extra_roots) if spot.depth else palette.NETWORK_TAB
    preferred = TAB_SIZES[min(spot.depth, len(TAB_SIZES) - 1)]
    lines, size = fit_lines(
        name, max(spot.r * 1.8, 180.0), preferred, TAB_FLOOR, lines=2, bold=True
    )
    step = size * 1.2
    width = max(text_width(line, size, bold=True) for line in lines) + size * 1.3
    height = size * 1.75 + step * (len(lines) - 1)
    top = spot.y - spot.r - height / 2
    first = top + size * 0.875 + size * 0.36
    texts = "".join(
        f'<text x="{n(spot.x)}" y="{n(first + index * step)}" text-anchor="middle" '
        f'font-size="{n(size)}" font-weight="700" fill="{palette.WHITE}">{x(line)}</text>'
        for index, line in enumerate(lines)
    )
    return [
        f'<g class="tab" data-slug="{x(spot.circle.slug)}">'
        f'<rect x="{n(spot.x - width / 2)}" y="{n(top)}" width="{n(width)}" '
        f'height="{n(height)}" rx="{n(min(height, size * 1.75) / 2)}" fill="{color}"/>',
        f"{texts}</g>",
    ]


def _role(spot: RoleSpot, color: str, t: Translator, lang: str) -> list[str]:
    role = spot.role
    proposed = role.status == PROPOSED
    held = bool(role.holders) and not proposed
    state = "proposed" if proposed else "held" if held else "open"
    name = pick(role.name, lang) or role.slug
    cy = spot.y - DISC_LIFT
    if held:
        who = ", ".join(role.holders)
        tooltip = f"{name} — {who}"
    else:
        tooltip = f"{name} — {t('proposed') if proposed else t('open')}"
    out = [
        f'<g class="role {state}" data-role="{x(spot.circle.slug)}/{x(role.slug)}">',
        f"<title>{x(tooltip)}</title>",
    ]
    if held:
        out.append(
            f'<circle cx="{n(spot.x)}" cy="{n(cy)}" r="{n(DISC)}" fill="{color}" '
            'stroke="#ffffff" stroke-width="2"/>'
        )
        first = fit(role.holders[0], DISC * 1.8, NAME_SIZE, bold=True)
        more = len(role.holders) - 1
        white = palette.WHITE
        out.append(_label(spot.x, cy + 5 if not more else cy, first, NAME_SIZE, white, "holder"))
        if more:
            out.append(_label(spot.x, cy + 15, f"+{more}", SMALL_SIZE, white, "more"))
    else:
        dash = ' stroke-dasharray="5 4"' if proposed else ""
        out.append(
            f'<circle cx="{n(spot.x)}" cy="{n(cy)}" r="{n(DISC - 1.25)}" fill="#ffffff" '
            f'stroke="{color}" stroke-width="2.5"{dash}/>'
        )
        # The disc's inner width at the text's height, its stroke left out.
        words, size = fit_lines(
            t("proposed") if proposed else t("open"), DISC * 1.95, 13.0, SMALL_SIZE
        )
        out.append(_label(spot.x, cy + 4.5, words[0], size, color, "state"))
    for index, line in enumerate(wrap(name, ROLE_RADIUS * 2 - 6, NAME_SIZE, bold=True)):
        y = cy + DISC + 17 + index * 15
        out.append(_label(spot.x, y, line, NAME_SIZE, palette.INK, "name"))
    out.append("</g>")
    return out


def _label(cx: float, y: float, text: str, size: float, color: str, kind: str) -> str:
    weight = ' font-weight="700"' if kind in ("holder", "name") else ""
    return (
        f'<text class="{kind}" x="{n(cx)}" y="{n(y)}" text-anchor="middle" '
        f'font-size="{n(size)}"{weight} fill="{color}">{x(text)}</text>'
    )


def _legend(t: Translator, width: float, top: float) -> list[str]:
    """Held, open and proposed, as the map draws them, so a chat image explains itself."""
    items = [("held", t("held")), ("open", t("open")), ("proposed", t("proposed"))]
    step = min(150.0, width / 3)
    left = width / 2 - step * 1.5 + 22
    y = top + LEGEND_HEIGHT / 2 - 4
    out = ['<g class="legend">']
    for index, (kind, label) in enumerate(items):
        cx = left + index * step
        fill = palette.NETWORK_TAB if kind == "held" else "#ffffff"
        dash = ' stroke-dasharray="4 3"' if kind == "proposed" else ""
        out.append(
            f'<circle cx="{n(cx)}" cy="{n(y)}" r="10" fill="{fill}" '
            f'stroke="{palette.NETWORK_TAB}" stroke-width="2"{dash}/>'
        )
        out.append(
            f'<text x="{n(cx + 18)}" y="{n(y + 5)}" font-size="14" '
            f'fill="{palette.INK}">{x(label)}</text>'
        )
    out.append("</g>")
    return out
