"""What a command returns: platform-neutral text, buttons and files, rendered by each adapter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """A button that, when pressed, runs ``command`` as if its presser had typed it."""

    label: str
    command: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a kit PDF, a map image)."""

    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """A command's answer. ``error`` marks a refusal: nothing was changed."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    error: bool = False
    # The command line that shows this reply again with fresh data (``circle research``): a
    # platform re-runs it after a button press to update the message in place. Only views that
    # change nothing and read the same for everyone set it.
    refresh: str = ""

    def plain(self) -> str:
        """The reply as plain text, buttons listed as the commands they run (console, logs)."""
        lines = [self.text]
        for row in self.buttons:
            lines.append("  ".join(f"[{b.label}: {b.command}]" for b in row))
        lines.extend(f"(file: {a.filename}, {len(a.data)} bytes)" for a in self.attachments)
        return "\n".join(lines)
