"""Building every kit × language × format into a folder, with progress reports."""

from __future__ import annotations

from pathlib import Path

from tests.toolkits.conftest import PUBLIC_URL
from tests.toolkits.factory import write_kit
from toolkits.build import build_all, output_path
from toolkits.catalog import Catalog
from toolkits.errors import KitRenderError
from toolkits.kit import load_kit


def _catalog(tmp_path: Path) -> Catalog:
    both = load_kit(write_kit(tmp_path / "kits", "both"), community=False)
    only_zh = load_kit(
        write_kit(tmp_path / "kits", "only-zh", bodies={"zh": "只有中文。\n"}), community=False
    )
    return Catalog(kits=(both, only_zh))


def test_build_all_writes_every_format_of_every_kit_and_language(tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    out = tmp_path / "out"
    written = build_all(
        _catalog(tmp_path),
        out,
        ["zh", "en"],
        PUBLIC_URL,
        lambda done, total, label: calls.append((done, total, label)),
    ).written
    expected = [
        output_path(out, "both", "zh", "md"),
        output_path(out, "both", "zh", "html"),
        output_path(out, "both", "zh", "pdf"),
        output_path(out, "both", "en", "md"),
        output_path(out, "both", "en", "html"),
        output_path(out, "both", "en", "pdf"),
        output_path(out, "only-zh", "zh", "md"),
        output_path(out, "only-zh", "zh", "html"),
        output_path(out, "only-zh", "zh", "pdf"),
    ]
    assert written == expected
    assert expected[0] == out / "both" / "both.zh.md"
    assert "你好，邻居。" in expected[0].read_text(encoding="utf-8")
    assert expected[1].read_text(encoding="utf-8").startswith("<!doctype html>")
    assert expected[2].read_bytes().startswith(b"%PDF-")
    assert calls[0] == (0, 9, "both.zh.md")
    assert [done for done, _, _ in calls] == list(range(10))
    assert calls[-1] == (9, 9, "")


def test_build_all_only_builds_the_languages_asked_for(tmp_path: Path) -> None:
    written = build_all(_catalog(tmp_path), tmp_path / "out", ["en"], PUBLIC_URL, None).written
    assert [path.name for path in written] == ["both.en.md", "both.en.html", "both.en.pdf"]


def test_a_failing_community_kit_is_reported_and_the_rest_still_build(tmp_path: Path) -> None:
    root = tmp_path / "community"
    good = load_kit(write_kit(root, "good"), community=True)
    broken = load_kit(write_kit(root, "broken", bodies={"en": "{{ nowhere }}\n"}), community=True)
    later = load_kit(write_kit(root, "later"), community=True)
    out = tmp_path / "out"
    report = build_all(Catalog(kits=(broken, good, later)), out, ["en"], PUBLIC_URL, None)
    assert [path.name for path in report.written] == [
        f"{kit}.en.{fmt}" for kit in ("good", "later") for fmt in ("md", "html", "pdf")
    ]
    (failure,) = report.failures
    assert (failure.kit_id, failure.lang) == ("broken", "en")
    assert isinstance(failure.error, KitRenderError)
    assert (
        str(failure)
        == "broken.en: The kit broken uses a name it never defines: 'nowhere' is undefined."
    )
    assert not (out / "broken").exists()
