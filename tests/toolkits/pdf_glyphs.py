"""Which glyph each character of a PDF is drawn with, read from the embedded fonts themselves.

A PDF's text layer (ToUnicode) keeps a character even when its glyph is missing, so text
extraction cannot tell Chinese from boxes. This reads each Type0 font's program (CFF or
TrueType) with fontTools and reports, for every character the font maps, whether the code it is
drawn with reaches a real glyph with an outline, or .notdef (glyph 0, or a code past the font).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class DrawnChar:
    """One character of one font: the font's name and whether a real glyph draws it."""

    char: str
    font: str
    real_glyph: bool


def drawn_chars(pdf: bytes) -> list[DrawnChar]:
    """Every character every font of ``pdf`` maps, with whether it is drawn with a real glyph."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[tuple[str, str], DrawnChar] = {}
    for font in _fonts(reader):
        name = str(font.get("/BaseFont", "?"))
        has_glyph = _glyph_test(font)
        for cid, text in _to_unicode(font).items():
            for char in text:
                drawn = DrawnChar(char, name, has_glyph(cid))
                found.setdefault((name, char + str(drawn.real_glyph)), drawn)
    return list(found.values())


def _fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[DictionaryObject]:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) not in seen and font.get("/Subtype") == "/Type0":
                seen.add(id(font))
                yield font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                yield from walk(xobject["/Resources"])

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    stream = font["/ToUnicode"].get_object()
    assert isinstance(stream, StreamObject)
    data = stream.get_data()
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for code, text in zip(codes[::2], codes[1::2], strict=True):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in _BFRANGE.findall(data):
        codes = _HEX.findall(block)
        for low, high, text in zip(codes[::3], codes[1::3], codes[2::3], strict=True):
            first = int.from_bytes(bytes.fromhex(text.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def _glyph_test(font: DictionaryObject) -> Callable[[int], bool]:
    """A test of whether a code of ``font`` draws a real glyph (the font program parsed once)."""
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    if "/FontFile3" in descriptor:  # CFF, bare or in an OpenType wrapper
        stream = descriptor["/FontFile3"].get_object()
        data = stream.get_data()
        if stream.get("/Subtype") == "/OpenType":
            tt = TTFont(io.BytesIO(data))
            return lambda cid: _outline(tt, cid)
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        top = cff[cff.fontNames[0]]
        return lambda cid: _cff_outline(top, cid)
    tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    cid_to_gid = descendant.get("/CIDToGIDMap", "/Identity")
    table = b"" if cid_to_gid == "/Identity" else cid_to_gid.get_object().get_data()

    def has_glyph(cid: int) -> bool:
        gid = cid
        if table:
            gid = (
                int.from_bytes(table[2 * cid : 2 * cid + 2], "big")
                if 2 * cid + 2 <= len(table)
                else 0
            )
        return _outline(tt, gid)

    return has_glyph


def _outline(tt: TTFont, gid: int) -> bool:
    if "CFF " in tt:
        return _cff_outline(tt["CFF "].cff[0], gid)
    order = tt.getGlyphOrder()
    if gid == 0 or gid >= len(order):
        return False
    glyphs = tt.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[order[gid]].draw(pen)
    return pen.bounds is not None


def _cff_outline(top: Any, code: int) -> bool:
    # A CID-keyed CFF names its glyphs by CID; a plain one is indexed by glyph id.
    strings = top.CharStrings
    if hasattr(top, "ROS"):
        name = f"cid{code:05d}"
    elif code < len(top.charset):
        name = top.charset[code]
    else:
        return False
    if code == 0 or name not in strings:
        return False
    pen = BoundsPen(None)
    strings[name].draw(pen)
    return pen.bounds is not None
