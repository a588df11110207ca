"""Writes small kit folders for tests."""

from __future__ import annotations

from pathlib import Path

MINIMAL_YAML = """\
id: {kit_id}
version: "0.1"
title: {{zh: 测试工具包, en: Test kit}}
summary: {{zh: 用于测试。, en: For tests.}}
audience: testers
scenario: tests
authors: [Test circle]
license: {license}
parameters:
  - name: name
    type: str
    max_length: 20
    default: {{zh: 邻居, en: neighbor}}
    label: {{zh: 名字, en: Name}}
"""


def write_kit(
    root: Path,
    kit_id: str,
    *,
    bodies: dict[str, str] | None = None,
    manifest: str | None = None,
    license: str = "CC BY-SA 4.0",
) -> Path:
    """A kit folder ``root/kit_id`` with kit.yaml and body templates; returns the folder."""
    folder = root / kit_id
    folder.mkdir(parents=True, exist_ok=True)
    text = manifest if manifest is not None else MINIMAL_YAML.format(kit_id=kit_id, license=license)
    (folder / "kit.yaml").write_text(text, encoding="utf-8")
    if bodies is None:
        bodies = {"en": "Hello {{ name }}.\n", "zh": "你好，{{ name }}。\n"}
    for lang, body in bodies.items():
        (folder / f"body.{lang}.md.j2").write_text(body, encoding="utf-8")
    return folder
