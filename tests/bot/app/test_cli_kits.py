"""`canbot kits build` as a user runs it: a real process writing every kit to a folder."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.bot.platforms.telegram.harness import child_env
from tests.toolkits.factory import write_kit
from toolkits.catalog import load_catalog

KIT_IDS = ("community-handshake", "parcel-sorting", "relay-event", "return-trip", "tea-house")
PROGRESS_LINE = re.compile(r"^\[ ?\d+/\d+\] [a-z-]+\.(zh|en)\.(md|html|pdf)$")


def kits_build(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return canbot(cwd, "kits", "build", *args)


def canbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def first_page_text(pdf: Path) -> str:
    return "".join(PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text().split())


def test_kits_build_writes_every_kit_in_every_format_and_language(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = kits_build(tmp_path, "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())
    assert files == sorted(
        f"{kit}/{kit}.{lang}.{fmt}"
        for kit in KIT_IDS
        for lang in ("zh", "en")
        for fmt in ("md", "html", "pdf")
    )
    assert f"Wrote 30 files for 5 kits to {out}" in result.stdout
    # Not a terminal: one plain line per file, and no log noise (nor a missing-glyph warning).
    lines = result.stderr.splitlines()
    assert len(lines) == 30 and all(PROGRESS_LINE.match(line) for line in lines), lines
    catalog = load_catalog()
    for kit in KIT_IDS:
        title = catalog.get(kit).title
        assert (
            (out / kit / f"{kit}.zh.md")
            .read_text(encoding="utf-8")
            .startswith(f"# {title.get('zh')}")
        )
        assert (out / kit / f"{kit}.en.html").read_text(encoding="utf-8").startswith("<!doctype")
        zh_pdf = out / kit / f"{kit}.zh.pdf"
        assert zh_pdf.read_bytes().startswith(b"%PDF-")
        assert "".join(title.get("zh").split()) in first_page_text(zh_pdf)


def test_kits_build_can_build_one_language(tmp_path: Path) -> None:
    result = kits_build(tmp_path, "--lang", "en", "--out", "here")
    assert result.returncode == 0, result.stderr
    built = sorted(path.name for path in (tmp_path / "here").rglob("*.*"))
    assert len(built) == 15 and all(".en." in name for name in built)


def test_a_build_that_cannot_write_fails_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    result = kits_build(tmp_path, "--out", "taken/kits")
    assert result.returncode != 0
    [error] = [line for line in result.stderr.splitlines() if not PROGRESS_LINE.match(line)]
    assert error.startswith("canbot: kits build: cannot write ") and "Not a directory" in error
    assert "Traceback" not in result.stderr


def test_a_failing_community_kit_is_reported_and_the_build_goes_on(tmp_path: Path) -> None:
    community = tmp_path / "community"
    write_kit(community, "a-broken", bodies={"en": "{{ nowhere }}\n"})
    write_kit(community, "b-fine")
    config = tmp_path / "config.yaml"
    config.write_text(f"kits:\n  extra_dirs: ['{community}']\n", encoding="utf-8")
    result = kits_build(tmp_path, "--config", str(config), "--lang", "en", "--out", "out")
    assert result.returncode != 0
    built = sorted(path.name for path in (tmp_path / "out").rglob("*.*"))
    assert len(built) == 18 and "b-fine.en.pdf" in built
    assert not any(name.startswith("a-broken") for name in built)
    errors = [line for line in result.stderr.splitlines() if line.startswith("canbot:")]
    assert errors == [
        "canbot: kits build: a-broken.en: The kit a-broken uses a name it never defines: "
        "'nowhere' is undefined.",
        "canbot: kits build: 1 community kit failed to build",
    ]


def test_check_lists_each_broken_community_kit_on_one_line(tmp_path: Path) -> None:
    community = tmp_path / "community"
    write_kit(community, "fine")
    write_kit(community, "deep", manifest="[" * 30000 + "]" * 30000)
    config = tmp_path / "config.yaml"
    config.write_text(f"kits:\n  extra_dirs: ['{community}']\n", encoding="utf-8")
    result = canbot(tmp_path, "check", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "community kit folders: 1, 1 kit(s) loaded, 1 broken\n" in result.stdout
    broken = [line for line in result.stdout.splitlines() if line.startswith("broken")]
    assert broken == [
        f"broken community kit: The kit.yaml in {community / 'deep'} is nested too deeply to read."
    ]
