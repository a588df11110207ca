"""The circle map SVG: valid, complete, nested like the tree, deterministic, and escaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from bot.circle_map import palette
from bot.circle_map.png import svg_to_png
from bot.circle_map.snapshot import read_circle_map
from bot.circle_map.svg import circle_map_svg
from bot.i18n import Catalogs
from circles.actor import Actor
from circles.model import PROPOSED, Circle, Role
from circles.services import membership
from circles.services.roles import claim_role
from circles.unit_of_work import UnitOfWork

SVG = "{http://www.w3.org/2000/svg}"
ROOTS = {"connect", "research", "practice", "product", "content"}


def draw(uow: UnitOfWork, catalogs: Catalogs, lang: str = "en") -> ET.Element:
    svg = circle_map_svg(read_circle_map(uow), catalogs.translator(lang), "CAN")
    return ET.fromstring(svg)


def circle_group(root: ET.Element, slug: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@data-slug='{slug}'][@class='circle']")
    assert found is not None, slug
    return found


def join_and_claim(uow: UnitOfWork, name: str, ref: str) -> None:
    actor = Actor(identity=f"console:{name.lower()[:20]}", name=name)
    membership.join(uow, actor)
    claim_role(uow, actor, ref)


def test_the_map_is_valid_svg_naming_the_five_root_circles(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    root = draw(uow, catalogs)
    assert root.tag == f"{SVG}svg"
    depth_one = {g.get("data-slug") for g in root.iter(f"{SVG}g") if g.get("data-depth") == "1"}
    assert depth_one == ROOTS
    tabs = {"".join(g.itertext()).strip() for g in root.iter(f"{SVG}g") if g.get("class") == "tab"}
    assert {"Connect circle", "Research circle", "Content circle"} <= tabs


def test_roles_sit_inside_their_circle_and_show_their_state(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    join_and_claim(uow, "Mei", "research/interviewer")
    root = draw(uow, catalogs)
    research = circle_group(root, "research")
    roles = {g.get("data-role"): g for g in research.findall(f"{SVG}g")}
    held = roles["research/interviewer"]
    assert held.get("class") == "role held"
    assert "Mei" in "".join(held.itertext())
    open_roles = [g for g in roles.values() if g.get("class") == "role open"]
    assert open_roles
    disc = open_roles[0].find(f"{SVG}circle")
    assert disc is not None and disc.get("fill") == "#ffffff"  # hollow


def test_a_proposed_role_is_dashed(uow: UnitOfWork, catalogs: Catalogs) -> None:
    with uow.begin() as s:
        circle = s.circles.require("content")
        circle.roles.append(Role("podcaster", {"en": "Podcaster"}, {"en": "x"}, status=PROPOSED))
        s.circles.save(circle)
        s.commit()
    root = draw(uow, catalogs)
    role = root.find(f".//{SVG}g[@data-role='content/podcaster']")
    assert role is not None and role.get("class") == "role proposed"
    disc = role.find(f"{SVG}circle")
    assert disc is not None and disc.get("stroke-dasharray")


def test_a_sub_circle_is_drawn_inside_its_parent(uow: UnitOfWork, catalogs: Catalogs) -> None:
    with uow.begin() as s:
        research = s.circles.require("research")
        moved = research.roles.pop(0)
        s.circles.save(research)
        s.circles.save(Circle("interviews", {"en": "Interviews"}, {}, "research", roles=[moved]))
        s.commit()
    root = draw(uow, catalogs)
    parent = circle_group(root, "research")
    child = parent.find(f"{SVG}g[@data-slug='interviews']")
    assert child is not None and child.get("data-depth") == "2"

    def disc(group: ET.Element) -> tuple[float, float, float]:
        shape = group.find(f"{SVG}circle")
        assert shape is not None
        return float(shape.get("cx", 0)), float(shape.get("cy", 0)), float(shape.get("r", 0))

    px, py, pr = disc(parent)
    cx, cy, cr = disc(child)
    assert math.hypot(cx - px, cy - py) + cr <= pr


def test_the_same_network_draws_the_same_svg(uow: UnitOfWork, catalogs: Catalogs) -> None:
    t = catalogs.translator("zh")
    first = circle_map_svg(read_circle_map(uow), t, "CAN")
    assert circle_map_svg(read_circle_map(uow), t, "CAN") == first
    join_and_claim(uow, "Lan", "practice/kit-tester")
    assert circle_map_svg(read_circle_map(uow), t, "CAN") != first


def test_the_revision_changes_only_when_the_picture_does(uow: UnitOfWork) -> None:
    before = read_circle_map(uow).revision
    membership.join(uow, Actor(identity="console:quiet", name="Quiet"))
    assert read_circle_map(uow).revision == before  # a volunteer without a role: same map
    join_and_claim(uow, "Hao", "connect/resource-scout")
    assert read_circle_map(uow).revision != before


def test_user_text_cannot_become_markup(uow: UnitOfWork, catalogs: Catalogs) -> None:
    name = "<script>alert(1)</script>\"'&"
    join_and_claim(uow, name, "research/interviewer")
    with uow.begin() as s:
        circle = s.circles.require("content")
        circle.name = {"en": '</text><script>alert(2)</script><text x="'}
        s.circles.save(circle)
        s.commit()
    svg = circle_map_svg(read_circle_map(uow), catalogs.translator("en"), "<b>CAN</b>")
    assert "<script" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f".//{SVG}script") is None
    titles = [el.text or "" for el in root.iter(f"{SVG}title")]
    assert any(name in title for title in titles)  # the whole name, as text
    assert any("</text><script>" in title for title in titles)


def test_long_names_are_cut_with_an_ellipsis(uow: UnitOfWork, catalogs: Catalogs) -> None:
    join_and_claim(uow, "Bartholomew-Alexandria Featherstonehaugh", "research/interviewer")
    root = draw(uow, catalogs)
    role = root.find(f".//{SVG}g[@data-role='research/interviewer']")
    assert role is not None
    holder = role.find(f"{SVG}text[@class='holder']")
    assert holder is not None and holder.text is not None
    assert holder.text.endswith("…") and len(holder.text) < 12


def test_the_png_is_a_png(uow: UnitOfWork, catalogs: Catalogs) -> None:
    svg = circle_map_svg(read_circle_map(uow), catalogs.translator("zh"), "CAN")
    assert svg_to_png(svg, scale=0.5).startswith(b"\x89PNG\r\n\x1a\n")


def rename(uow: UnitOfWork, slug: str, name: str) -> None:
    with uow.begin() as s:
        circle = s.circles.require(slug)
        circle.name = {"en": name}
        s.circles.save(circle)
        s.commit()


def tab_text(root: ET.Element, slug: str) -> str:
    tab = root.find(f".//{SVG}g[@class='tab'][@data-slug='{slug}']")
    assert tab is not None
    return " ".join(t.text or "" for t in tab.iter(f"{SVG}text"))


def test_proposed_roles_and_circle_names_show_whole(uow: UnitOfWork, catalogs: Catalogs) -> None:
    with uow.begin() as s:
        content = s.circles.require("content")
        content.roles.append(Role("podcaster", {"en": "Podcaster"}, {}, status=PROPOSED))
        s.circles.save(content)
        s.commit()
    rename(uow, "product", "Xinhua Road parcel sorting action group")
    rename(uow, "connect", "Brand new neighbourhood")
    rename(uow, "research", "Interviewer circle of the east side")
    root = draw(uow, catalogs)
    state = root.find(f".//{SVG}g[@data-role='content/podcaster']/{SVG}text[@class='state']")
    assert state is not None and state.text == "proposed"
    assert tab_text(root, "product") == "Xinhua Road parcel sorting action group"
    assert tab_text(root, "connect") == "Brand new neighbourhood"
    assert tab_text(root, "research") == "Interviewer circle of the east side"


def test_only_an_absurdly_long_circle_name_is_cut_and_its_tooltip_keeps_it_all(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    name = "The " + "very " * 40 + "long circle"
    rename(uow, "product", name)
    root = draw(uow, catalogs)
    shown = tab_text(root, "product")
    assert shown.endswith("…") and len(shown) > 40
    title = circle_group(root, "product").find(f"{SVG}title")
    assert title is not None and (title.text or "").startswith(name)


def test_no_label_is_drawn_smaller_than_the_page_shows_legibly(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    """The width attribute is the least size the page shows the map at (the stylesheet never
    shrinks it): there the smallest label is 11 CSS px, whatever the network's size."""
    root = draw(uow, catalogs)
    view_width = float(root.get("viewBox", "").split()[2])
    px_per_unit = float(root.get("width", 0)) / view_width
    sizes = [float(t.get("font-size", 0)) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * px_per_unit >= 10.99


def test_every_text_colour_is_one_the_palette_test_checks(
    uow: UnitOfWork, catalogs: Catalogs
) -> None:
    with uow.begin() as s:
        s.circles.save(Circle("empty", {"en": "Empty"}, {}, "research"))
        s.commit()
    join_and_claim(uow, "Mei", "research/interviewer")
    root = draw(uow, catalogs)
    checked = {
        palette.WHITE,
        palette.INK,
        palette.QUIET,
        *palette.ROOT_HUES.values(),
        *palette.EXTRA_HUES,
        palette.NETWORK_TAB,
    }
    assert {t.get("fill") for t in root.iter(f"{SVG}text")} <= checked
