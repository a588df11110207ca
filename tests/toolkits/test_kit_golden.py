"""Golden Markdown for every shipped kit and language, with default parameters.

A kit's text changed on purpose? Regenerate the goldens and review the diff before committing:

    UPDATE_GOLDENS=1 pytest tests/toolkits/test_kit_golden.py

(see tests/golden/kits/README.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.toolkits.conftest import SHIPPED_IDS
from toolkits.catalog import Catalog
from toolkits.render import Renderer

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden" / "kits"


@pytest.mark.parametrize("kit_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_matches_the_golden_file(
    catalog: Catalog, renderer: Renderer, kit_id: str, lang: str
) -> None:
    rendered = renderer.markdown(catalog.get(kit_id), lang, {})
    golden = GOLDEN_DIR / f"{kit_id}.{lang}.md"
    if os.environ.get("UPDATE_GOLDENS") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}; run with UPDATE_GOLDENS=1 to create it"
    assert rendered == golden.read_text(encoding="utf-8")
