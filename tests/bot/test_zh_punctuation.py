"""Chinese text uses full-width punctuation: the zh catalogs, the Chinese kits, the portal."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ZH_CATALOGS = sorted((ROOT / "bot/locale/zh/LC_MESSAGES").glob("*.po"))
HAN = "\u3400-\u9fff"
CHINESE = HAN + "\u3000-\u303f\uff01-\uff5e“”‘’…"
# Half-width , : ; ! ? ( ) next to Chinese: after a Chinese character or mark, before a Chinese
# character, or after a placeholder in a Chinese sentence ("{title}({id})", "{names}!").
HALF_WIDTH = re.compile(rf"[{CHINESE}] ?[,:;!?()]|[,;!?(] ?[{HAN}]|\}}[,;!?(]|\)[{HAN}]|[,;] ?\{{")


def half_width_marks(text: str) -> list[str]:
    """The stretches of a Chinese text with half-width punctuation among Chinese."""
    if not re.search(f"[{HAN}]", text):
        return []
    return [found.group() for found in HALF_WIDTH.finditer(text)]


def zh_messages(path: Path) -> list[str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    texts: list[str] = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts.extend(str(s) for s in strings if message.id and s)
    return texts


def test_the_check_finds_the_mixed_punctuation_of_the_old_help() -> None:
    assert half_width_marks("0 位成员,2 个空缺角色, 1 个提议中") == ["员,", "色,"]
    assert half_width_marks("用法:{usage}") == ["法:"]
    assert half_width_marks("{title}({id})开始") == ["}(", ")开"]
    # Command syntax keeps its ASCII: a day list, a time, a URL.
    assert half_width_marks("星期列表如 tue,fri、20:00 或 https://a.example/x") == []


@pytest.mark.parametrize("path", ZH_CATALOGS, ids=lambda p: p.name)
def test_zh_catalogs_use_full_width_punctuation(path: Path) -> None:
    found = {text: marks for text in zh_messages(path) if (marks := half_width_marks(text))}
    assert found == {}


def chinese_sources() -> list[Path]:
    kits = sorted((ROOT / "toolkits/kits").glob("*/*.zh.md.j2"))
    portal = sorted((ROOT / "bot/portal/templates").glob("*.j2"))
    return kits + portal + [ROOT / "bot/circle_map/svg.py"]


@pytest.mark.parametrize("path", chinese_sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chinese_kits_the_portal_and_the_map_use_full_width_punctuation(path: Path) -> None:
    found = [
        (number, marks)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (marks := half_width_marks(line))
    ]
    assert found == []


def zh_values(node: object) -> list[str]:
    """Every Chinese text of a kit.yaml: the ``zh`` values of its bilingual mappings."""
    if isinstance(node, dict):
        found = [str(node["zh"])] if isinstance(node.get("zh"), str | int) else []
        return found + [text for value in node.values() for text in zh_values(value)]
    if isinstance(node, list):
        return [text for item in node for text in zh_values(item)]
    return []


@pytest.mark.parametrize("path", sorted((ROOT / "toolkits/kits").glob("*/kit.yaml")), ids=str)
def test_kit_titles_parameters_and_defaults_use_full_width_punctuation(path: Path) -> None:
    texts = zh_values(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert (
        texts and {text: half_width_marks(text) for text in texts if half_width_marks(text)} == {}
    )


def test_the_seeded_circles_and_roles_use_full_width_punctuation() -> None:
    tree = ast.parse((ROOT / "circles/seed.py").read_text(encoding="utf-8"))
    texts = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert {text: half_width_marks(text) for text in texts if half_width_marks(text)} == {}
