"""Rendering to Markdown and HTML: header, QR code, escaping, parcel signs, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.toolkits.conftest import PUBLIC_URL, SHIPPED_IDS
from tests.toolkits.factory import write_kit
from toolkits.catalog import Catalog
from toolkits.errors import KitError, KitNotFound, KitParameterError, KitRenderError
from toolkits.kit import load_kit
from toolkits.language import Lang
from toolkits.markdown import escape_markdown, new_markdown
from toolkits.render import Renderer, render

SIGN = re.compile(r'<div class="sign n\d">')


@pytest.mark.parametrize("kit_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kit_carries_title_license_authors_version_and_qr_link(
    catalog: Catalog, renderer: Renderer, kit_id: str, lang: Lang
) -> None:
    kit = catalog.get(kit_id)
    markdown = renderer.markdown(kit, lang, {})
    url = f"{PUBLIC_URL}/kits/{kit_id}"
    assert markdown.startswith(f"# {escape_markdown(kit.title.get(lang))}\n")
    assert f"<{url}>" in markdown
    assert "CC BY-SA 4.0" in markdown
    assert kit.authors_text(lang) in markdown
    assert kit.version in markdown
    html = renderer.html(kit, lang, {})
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert '<svg viewBox="0 0 ' in html and 'class="qr"' in html
    assert f'href="{url}"' in html
    assert "CC BY-SA 4.0" in html
    assert "@page" in html and "size: A4" in html


def test_the_same_kit_reads_differently_in_each_language(
    catalog: Catalog, renderer: Renderer
) -> None:
    kit = catalog.get("return-trip")
    assert "出发前" in renderer.markdown(kit, "zh", {})
    assert "Before you leave" in renderer.markdown(kit, "en", {})


def _sign_count(html: str) -> int:
    return len(SIGN.findall(html))


def test_parcel_sorting_makes_one_sign_per_building(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("parcel-sorting")
    html = renderer.html(kit, "zh", {"buildings": "1-8,10,12-20"})
    assert _sign_count(html) == 18
    assert "<h1>10</h1>" in html and "<h1>9</h1>" not in html and "<h1>11</h1>" not in html
    assert "18 张楼号标识" in html


def test_parcel_sorting_groups_buildings_per_sign(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("parcel-sorting")
    html = renderer.html(kit, "en", {"buildings": "1-8,10,12-20", "group_size": "3"})
    assert _sign_count(html) == 6
    labels = re.findall(r'<div class="sign n\d">\n<h1>(.*?)</h1>', html)
    assert labels == ["1-3", "4-6", "7-8, 10", "12-14", "15-17", "18-20"]
    assert "<p>Buildings</p>" in html


def test_parcel_sorting_default_is_24_buildings(catalog: Catalog, renderer: Renderer) -> None:
    assert _sign_count(renderer.html(catalog.get("parcel-sorting"), "en", {})) == 24


def test_parameters_are_shown_as_text_never_as_markup(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("parcel-sorting")
    hostile = "<script>alert(1)</script>"
    html = renderer.html(kit, "en", {"neighborhood": hostile, "buildings": "1"})
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown_tricks = "**b** [x](javascript:1) ![i](file:///a)"
    html = renderer.html(kit, "en", {"neighborhood": markdown_tricks, "buildings": "1"})
    assert "<strong>b" not in html
    assert "<a " not in html.split("<main>")[1]
    assert "<img" not in html
    assert markdown_tricks in html


def test_markdown_escaping_keeps_text_literal() -> None:
    converter = new_markdown()
    for text in ["1. first", "- item", "# title", "a_b_c *x* `y` <b> &amp; | ~z~", "===", "+ x"]:
        rendered = converter.render(escape_markdown(text))
        assert rendered.startswith("<p>"), text
        assert "<em>" not in rendered and "<code>" not in rendered and "<h1>" not in rendered
    assert escape_markdown("24-hour relay, Rd. 5") == "24-hour relay, Rd. 5"


def test_kit_markdown_cannot_embed_html_or_images(tmp_path: Path) -> None:
    body = '<img src="x" onerror="alert(1)">\n\n![pic](http://example.org/a.png)\n'
    kit = load_kit(write_kit(tmp_path, "raw", bodies={"en": body}), community=False)
    html = Renderer(PUBLIC_URL).html(kit, "en", {})
    assert "<img" not in html
    assert "&lt;img" in html


def test_a_bad_parameter_is_refused_before_rendering(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("parcel-sorting")
    with pytest.raises(KitParameterError) as caught:
        renderer.render(kit, "md", "zh", {"buildings": "20-1"})
    assert caught.value.params["name"] == "buildings"
    with pytest.raises(KitParameterError, match="group_size must be between 1 and 20"):
        renderer.render(kit, "md", "zh", {"group_size": "0"})


def test_unknown_format_and_language_are_refused(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("tea-house")
    with pytest.raises(KitRenderError, match="no docx format"):
        renderer.render(kit, "docx", "zh", {})
    with pytest.raises(KitNotFound, match="no language fr"):
        renderer.render(kit, "md", "fr", {})


def test_a_template_error_in_a_trusted_kit_becomes_a_kit_error(tmp_path: Path) -> None:
    kit = load_kit(write_kit(tmp_path, "typo", bodies={"en": "{{ nmae }}\n"}), community=False)
    with pytest.raises(KitRenderError, match="The kit typo failed to render: 'nmae' is undefined"):
        Renderer(PUBLIC_URL).markdown(kit, "en", {})


def test_render_returns_bytes_for_md_and_html(catalog: Catalog) -> None:
    kit = catalog.get("community-handshake")
    markdown = render(kit, "md", "zh", {"neighborhood": "新华路"}, PUBLIC_URL + "/")
    assert markdown.decode("utf-8").count("新华路") >= 2
    html = render(kit, "html", "en", {}, PUBLIC_URL)
    assert html.startswith(b"<!doctype html>")


@pytest.mark.parametrize("url", ["ftp://x.org", "can.example.org", "https://a b"])
def test_the_public_url_must_be_http(url: str) -> None:
    with pytest.raises(KitError, match="must start with http:// or https://"):
        Renderer(url)


def test_relay_event_lists_every_slot_with_its_time(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("relay-event")
    markdown = renderer.markdown(
        kit, "en", {"slots": "6", "slot_minutes": "90", "start_hour": "20"}
    )
    assert "| 1 | 20:00–21:30 |" in markdown
    assert "| 6 | 03:30–05:00 (day 2) |" in markdown
    assert "| 7 |" not in markdown


def test_tea_house_agenda_adds_up_to_the_session_length(
    catalog: Catalog, renderer: Renderer
) -> None:
    kit = catalog.get("tea-house")
    markdown = renderer.markdown(kit, "en", {"duration": "75"})
    minutes = [int(m) for m in re.findall(r"\| (\d+) min \|", markdown)]
    assert len(minutes) == 6
    assert sum(minutes) == 75


@pytest.mark.parametrize(
    ("lang", "when", "regular", "notes"),
    [
        ("en", "Saturday 4 April, 15:00", "Tuesdays and Fridays", "## Tea house notes"),
        ("zh", "4 月 4 日（周六）15:00", "每周二、周五", "## 小茶馆记录模板"),
    ],
)
def test_tea_house_invites_and_notes_a_one_off_or_the_regular_days(
    catalog: Catalog, renderer: Renderer, lang: Lang, when: str, regular: str, notes: str
) -> None:
    kit = catalog.get("tea-house")
    one_off = renderer.markdown(kit, lang, {"once": when})
    invitation = next(line for line in one_off.splitlines() if line.startswith(('> "', "> “")))
    assert when in invitation
    assert regular not in one_off
    assert f"| {when} |" in one_off.split(notes)[1]
    recurring = renderer.markdown(kit, lang, {})
    invitation = next(line for line in recurring.splitlines() if line.startswith(('> "', "> “")))
    assert regular in invitation
    # One session's notes: its date and time are written in by hand, not the weekly rhythm.
    assert regular not in recurring.split(notes)[1]


@pytest.mark.parametrize(
    ("lang", "talk"), [("en", "research part (7 minutes"), ("zh", "研究分享的 7 分钟")]
)
def test_tea_house_presenter_talks_within_the_research_part_of_the_agenda(
    catalog: Catalog, renderer: Renderer, lang: Lang, talk: str
) -> None:
    # A 30-minute session gives research 7 minutes; the role table once promised 10.
    markdown = renderer.markdown(catalog.get("tea-house"), lang, {"duration": "30"})
    assert talk in markdown
    assert ("| 0:06 | 7 min |" if lang == "en" else "| 0:06 | 7 分钟 |") in markdown


def test_return_trip_log_has_one_row_per_day(catalog: Catalog, renderer: Renderer) -> None:
    kit = catalog.get("return-trip")
    markdown = renderer.markdown(kit, "zh", {"observe_days": "7", "city": "武汉"})
    assert "| 7 | | | | |" in markdown and "| 8 | | | | |" not in markdown
    assert "回武汉" in markdown
    assert "## 居家观察记录表" not in renderer.markdown(kit, "zh", {"observe_days": "0"})


@pytest.mark.parametrize(
    ("lang", "log_tip", "stay_home"),
    [
        ("en", "write it in the log at the end", "staying home for 7 days"),
        ("zh", "记在后面的表里", "要在家观察 7 天"),
    ],
)
def test_return_trip_points_to_the_log_only_when_there_is_one(
    catalog: Catalog, renderer: Renderer, lang: Lang, log_tip: str, stay_home: str
) -> None:
    kit = catalog.get("return-trip")
    with_log = renderer.markdown(kit, lang, {"observe_days": "7"})
    assert log_tip in with_log and stay_home in with_log
    without_log = renderer.markdown(kit, lang, {"observe_days": "0"})
    assert log_tip not in without_log and stay_home not in without_log
    assert ("twice a day and note it down" if lang == "en" else "每天量两次体温，记在纸上") in (
        without_log
    )


def test_the_qr_code_encodes_the_kits_page_on_the_public_url(
    catalog: Catalog, renderer: Renderer
) -> None:
    import segno

    html = renderer.html(catalog.get("tea-house"), "en", {})
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None

    def drawn(url: str) -> str:
        code = segno.make(url, error="m", micro=False)
        path = re.search(r' d="([^"]+)"', code.svg_inline(scale=1, border=2, omitsize=True))
        assert path is not None
        return path[1]

    assert f' d="{drawn("https://can.example.org/kits/tea-house")}"' in svg[0]
    assert f' d="{drawn("https://can.example.org/kits/relay-event")}"' not in svg[0]
