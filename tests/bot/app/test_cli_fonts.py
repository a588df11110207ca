"""The command line on a machine with no CJK font: it says which font prints Chinese, and
`canbot kits build` prints its progress, not the libraries' chatter."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

from tests.bot.app.canbot_process import CANBOT
from tests.bot.platforms.telegram.harness import child_env
from tests.toolkits.latin_only import latin_only_env
from toolkits.fonts import bundled_cjk_font

PROGRESS_LINE = re.compile(r"^\[ ?\d+/\d+\] [a-z-]+\.(zh|en)\.(md|html|pdf)$")


def hidden_env(tmp_path: Path) -> dict[str, str]:
    return {**child_env(), **latin_only_env(tmp_path)}


def bundled_line() -> str:
    return f"Chinese font: Noto Sans CJK SC (bundled with the Python install: {bundled_cjk_font()})"


def test_check_names_the_bundled_font_when_the_system_has_no_cjk_font(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CANBOT, "check"],
        cwd=tmp_path,
        env=hidden_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert bundled_line() in result.stdout.splitlines()


def test_run_says_which_font_prints_chinese_as_it_starts(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n")
    process = subprocess.Popen(
        [*CANBOT, "run", "--config", str(config)],
        cwd=tmp_path,
        env=hidden_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "canbot is running" in line:
                break
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        process.stdout.close()
    assert bundled_line() in lines[:2], lines


def test_kits_build_prints_only_its_progress_unless_verbose(tmp_path: Path) -> None:
    # A Chinese build on a machine with no CJK font: once 9,700 lines of .notdef warnings and
    # fontTools INFO around the bar.
    env = hidden_env(tmp_path)
    quiet = subprocess.run(
        [*CANBOT, "kits", "build", "--lang", "zh", "--out", str(tmp_path / "quiet")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert quiet.returncode == 0, quiet.stderr
    lines = quiet.stderr.splitlines()
    assert len(lines) == 15 and all(PROGRESS_LINE.match(line) for line in lines), lines
    verbose = subprocess.run(
        [*CANBOT, "kits", "build", "--lang", "zh", "--verbose", "--out", str(tmp_path / "loud")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert verbose.returncode == 0, verbose.stderr
    assert " INFO fontTools" in verbose.stderr or " INFO weasyprint" in verbose.stderr
