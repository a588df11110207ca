"""Build progress: a redrawn bar on a terminal, one line per file elsewhere."""

from __future__ import annotations

import io

from toolkits.progress import BuildProgress


def test_not_a_terminal_gets_one_line_per_file() -> None:
    out = io.StringIO()
    progress = BuildProgress(out)
    for done, label in enumerate(("a.zh.md", "a.zh.html")):
        progress(done, 2, label)
    progress(2, 2, "")
    progress.close()
    assert out.getvalue() == "[1/2] a.zh.md\n[2/2] a.zh.html\n"


def test_a_terminal_gets_a_bar_that_ends_full() -> None:
    out = io.StringIO()
    progress = BuildProgress(out, bar=True)
    for done in range(3):
        progress(done, 3, f"kit{done}.pdf")
    progress(3, 3, "")
    progress.close()
    text = out.getvalue()
    assert "\r" in text and "kit1.pdf" in text
    assert "3/3" in text.rsplit("\r", 1)[-1]
