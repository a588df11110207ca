"""The fonts kits and the map print with: a CJK font that comes with the Python install.

Chinese is the default language, so a machine with no CJK font installed (a fresh server, a
container) must still print Chinese, not boxes. The package ``noto-cjk-sans-otc`` (OFL-1.1, a
dependency in pyproject.toml) ships Noto Sans CJK as a font collection; it is added to fontconfig
as an application font, where both renderers look: WeasyPrint (through Pango, kit PDFs) gets it in
the font configuration of each document, cairo (through cairosvg, the map PNG) in the process's
current configuration. A system font of the same family wins nothing and loses nothing: it is the
same design.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The first family of the kits' stylesheet and of the map's font list: the bundled collection
# provides it, so a renderer that takes only the first family (cairosvg does) still finds it.
CJK_FAMILY = "Noto Sans CJK SC"
# Characters a font must have to be said to cover Chinese (common, and two from the kits).
CHINESE_SAMPLE = "中文的一是人号楼取件"

_MATCH_PATTERN = 0  # FcMatchPattern
_RESULT_MATCH = 0  # FcResultMatch
_lock = threading.Lock()
_registered: bool | None = None  # None: not tried yet in this process


@dataclass(frozen=True)
class ChineseFont:
    """The font fontconfig picks for Chinese text, and whether it is the bundled one."""

    family: str
    path: Path
    bundled: bool
    covers_chinese: bool

    def describe(self) -> str:
        """One line for `canbot check` and the start of `canbot run`."""
        if not self.covers_chinese:
            return (
                f"no font covers Chinese (fontconfig picks {self.family}, {self.path}): "
                "Chinese kits and the map print boxes; reinstall with pip install -e ."
            )
        origin = "bundled with the Python install" if self.bundled else "installed on the system"
        return f"{self.family} ({origin}: {self.path})"


def bundled_cjk_font() -> Path | None:
    """The CJK font file that ``pip install`` brought, or None if the package is missing."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    path = Path(str(FONT_PATH))
    return path if path.is_file() else None


def weasyprint_font_config() -> Any:
    """A WeasyPrint FontConfiguration that also knows the bundled CJK font.

    Each document gets its own (as WeasyPrint does by default): adding the font costs a few
    hundredths of a second, and a configuration shared between threads would not be safe.
    """
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    font = bundled_cjk_font()
    # FontConfiguration keeps its FcConfig in ``_config`` (its @font-face support adds files to
    # the same one); there is no public way to add a font file without copying 19 MB per render.
    if font is not None and fontconfig.FcConfigAppFontAddFile(config._config, bytes(font)):
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
    return config


def register_for_cairo() -> bool:
    """Add the bundled font to this process's current fontconfig configuration (cairo's), once.

    True if it is there. cairo resolves a family name through the current configuration, so
    this must run before the first map is drawn in the process.
    """
    global _registered
    with _lock:
        if _registered is None:
            library, font = _fontconfig(), bundled_cjk_font()
            _registered = bool(
                library is not None
                and font is not None
                and library.FcConfigAppFontAddFile(None, bytes(font))
            )
        return _registered


def chinese_font() -> ChineseFont | None:
    """Which font covers Chinese here (after the bundled one is registered); None when
    fontconfig itself is missing, so nothing can be said."""
    register_for_cairo()
    library = _fontconfig()
    if library is None:
        return None
    pattern = library.FcPatternCreate()
    try:
        library.FcPatternAddString(pattern, b"family", CJK_FAMILY.encode())
        library.FcPatternAddString(pattern, b"lang", b"zh-cn")
        library.FcConfigSubstitute(None, pattern, _MATCH_PATTERN)
        library.FcDefaultSubstitute(pattern)
        result = ctypes.c_int()
        match = library.FcFontMatch(None, pattern, ctypes.byref(result))
    finally:
        library.FcPatternDestroy(pattern)
    if not match:
        return None
    try:
        family = _string(library, match, b"family") or "?"
        path = Path(_string(library, match, b"file") or "?")
        charset = ctypes.c_void_p()
        covers = library.FcPatternGetCharSet(
            match, b"charset", 0, ctypes.byref(charset)
        ) == _RESULT_MATCH and all(
            library.FcCharSetHasChar(charset, ord(char)) for char in CHINESE_SAMPLE
        )
    finally:
        library.FcPatternDestroy(match)
    bundled = bundled_cjk_font()
    return ChineseFont(family, path, bundled is not None and path == bundled, covers)


def _string(library: ctypes.CDLL, pattern: int, name: bytes) -> str | None:
    value = ctypes.c_char_p()
    if library.FcPatternGetString(pattern, name, 0, ctypes.byref(value)) != _RESULT_MATCH:
        return None
    return value.value.decode("utf-8", "replace") if value.value else None


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    # The same shared library cairo and Pango load, so its current configuration is theirs.
    name = ctypes.util.find_library("fontconfig")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    pointer, text, number = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    library.FcConfigAppFontAddFile.argtypes = [pointer, text]
    library.FcConfigAppFontAddFile.restype = number
    library.FcPatternCreate.restype = pointer
    library.FcPatternAddString.argtypes = [pointer, text, text]
    library.FcConfigSubstitute.argtypes = [pointer, pointer, number]
    library.FcDefaultSubstitute.argtypes = [pointer]
    library.FcFontMatch.argtypes = [pointer, pointer, ctypes.POINTER(number)]
    library.FcFontMatch.restype = pointer
    library.FcPatternGetString.argtypes = [pointer, text, number, ctypes.POINTER(text)]
    library.FcPatternGetString.restype = number
    library.FcPatternGetCharSet.argtypes = [pointer, text, number, ctypes.POINTER(pointer)]
    library.FcPatternGetCharSet.restype = number
    library.FcCharSetHasChar.argtypes = [pointer, ctypes.c_uint32]
    library.FcCharSetHasChar.restype = number
    library.FcPatternDestroy.argtypes = [pointer]
    return library
