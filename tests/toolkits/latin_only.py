"""A fontconfig configuration that sees only the DejaVu folder: a machine with no CJK font."""

from __future__ import annotations

import os
from pathlib import Path

LATIN_ONLY = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core (scripts/setup-system)


def latin_only_env(root: Path) -> dict[str, str]:
    """The environment of a child process whose fontconfig sees only Latin fonts."""
    assert LATIN_ONLY.is_dir(), "fonts-dejavu-core is missing: run scripts/setup-system"
    config = root / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{LATIN_ONLY}</dir>"
        f"<cachedir>{root / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    env.pop("FONTCONFIG_PATH", None)
    return env
