"""The header every rendered kit carries: title, summary, version, authors, license, QR link."""

from __future__ import annotations

from dataclasses import dataclass

from toolkits.kit import Kit
from toolkits.language import Lang
from toolkits.markdown import escape_markdown

_LABELS: dict[Lang, dict[str, str]] = {
    "zh": {
        "version": "版本",
        "authors": "作者",
        "license": "许可",
        "scan": "扫码获取最新版本、换参数、下载 PDF",
        "qr": "二维码",
        "qr_line": "二维码：<{url}>（{scan}）",
        "separator": " · ",
    },
    "en": {
        "version": "Version",
        "authors": "Made by",
        "license": "License",
        "scan": "Scan for the latest version, other settings and the PDF",
        "qr": "QR code",
        "qr_line": "QR code: <{url}> ({scan})",
        "separator": " · ",
    },
}


@dataclass(frozen=True)
class Header:
    """The header's texts in one language (plain text; each format escapes it its own way)."""

    title: str
    summary: str
    version: str
    authors: str
    license: str
    url: str
    labels: dict[str, str]

    @classmethod
    def of(cls, kit: Kit, lang: Lang, url: str) -> Header:
        """The header of ``kit`` in ``lang``, pointing at ``url``."""
        return cls(
            title=kit.title.get(lang),
            summary=kit.summary.get(lang),
            version=kit.version,
            authors=kit.authors_text(lang),
            license=kit.license,
            url=url,
            labels=_LABELS[lang],
        )

    def meta_line(self) -> str:
        """``Version 1.0 · Made by … · License CC BY-SA 4.0`` as plain text."""
        labels = self.labels
        return labels["separator"].join(
            (
                f"{labels['version']} {self.version}",
                f"{labels['authors']} {self.authors}",
                f"{labels['license']} {self.license}",
            )
        )

    def markdown(self) -> str:
        """The header as Markdown, with the QR reference line (the QR itself is in HTML/PDF)."""
        qr_line = self.labels["qr_line"].format(
            url=self.url, scan=escape_markdown(self.labels["scan"])
        )
        return (
            f"# {escape_markdown(self.title)}\n\n"
            f"> {escape_markdown(self.summary)}\n\n"
            f"{escape_markdown(self.meta_line())}\n\n"
            f"{qr_line}\n\n"
            "---\n\n"
        )
