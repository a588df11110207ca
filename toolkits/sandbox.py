"""The sandbox: renders a community kit in a child process that is killed if it hangs.

A thread cannot be stopped, so each render runs ``python -m toolkits.worker`` in its own
process: it gets the template text (never a path), a minimal environment (no secrets), capped
memory and CPU, a render deadline and an output cap; the parent kills it if it outlives the
deadline. Every way a template can fail becomes a KitRefused or KitRenderError, never a crash.

A community kit's PDF goes through the same kind of child, with its own deadline, memory cap and
page cap. Its Markdown is already bounded, but a bounded text can still lay out badly: 4,000
one-line signs (91,000 characters) took WeasyPrint 76 seconds and 541 MB, holding the kit press's
only worker while every other ``kit`` and portal download waited. Killing and replacing the press
worker on a deadline would also work, but only inside the press (``canbot kits build`` and the
portal's direct renders would stay unguarded) and it throws away a warm worker for one bad kit;
a child per community PDF costs about a second of start-up, only for community kits, and reuses
the limits and refusals this module already has. Shipped kits, our own code, print in-process.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circles.errors import N_, plural
from toolkits.errors import KitError, KitRefused, KitRenderError

log = logging.getLogger(__name__)

# Time for the child to start Python and import Jinja, on top of the render deadline.
STARTUP_GRACE_SECONDS = 10.0

_REASONS: dict[str, tuple[type[KitError], str]] = {
    "timeout": (
        KitRefused,
        N_("The kit {kit} took longer than its limit of {seconds} s to render and was stopped."),
    ),
    "output": (
        KitRefused,
        plural(
            "The kit {kit} wrote more than {max_chars} character and was stopped.",
            "The kit {kit} wrote more than {max_chars} characters and was stopped.",
            by="max_chars",
        ),
    ),
    "pages": (
        KitRefused,
        plural(
            "The kit {kit} would print more than {max_pages} page and was stopped.",
            "The kit {kit} would print more than {max_pages} pages and was stopped.",
            by="max_pages",
        ),
    ),
    "value": (KitRefused, N_("The kit {kit} tried to build a value too large to render.")),
    "memory": (KitRefused, N_("The kit {kit} needed too much memory and was stopped.")),
    "unsafe": (
        KitRefused,
        N_("The kit {kit} tried to reach something a kit may not touch, so it was refused."),
    ),
    "include": (
        KitRefused,
        N_("The kit {kit} tried to include {detail}, which is not one of its own templates."),
    ),
    "recursion": (KitRefused, N_("The kit {kit} calls itself without end and was stopped.")),
    "undefined": (KitRenderError, N_("The kit {kit} uses a name it never defines: {detail}.")),
    "syntax": (KitRenderError, N_("The kit {kit} has a template syntax error: {detail}.")),
    "error": (KitRenderError, N_("The kit {kit} failed to render: {detail}.")),
}


@dataclass(frozen=True)
class SandboxLimits:
    """How long, how large and how much memory a community render may take."""

    seconds: float = 5.0
    max_chars: int = 200_000
    memory_bytes: int = 512 * 2**20
    # The PDF step: a shipped kit takes 1-2 s and under 200 MB; a long parcel kit ~200 pages.
    pdf_seconds: float = 20.0
    pdf_memory_bytes: int = 768 * 2**20
    max_pages: int = 250
    max_pdf_bytes: int = 40 * 2**20


class Sandbox:
    """Renders untrusted templates in a killable child process."""

    def __init__(self, limits: SandboxLimits | None = None) -> None:
        self.limits = limits or SandboxLimits()

    def render(
        self,
        kit_id: str,
        templates: Mapping[str, str],
        entry: str,
        context: Mapping[str, Any],
    ) -> str:
        """The rendered ``entry`` template; raise KitRefused or KitRenderError on any failure."""
        job = {
            "kind": "template",
            "templates": dict(templates),
            "entry": entry,
            "context": dict(context),
            "seconds": self.limits.seconds,
            "max_chars": self.limits.max_chars,
            "memory_bytes": self.limits.memory_bytes,
        }
        output_cap = 8 * self.limits.max_chars + 10_000
        result = self._run(kit_id, job, self.limits.seconds, output_cap)
        if isinstance(result.get("text"), str):
            return str(result["text"])
        raise KitRenderError(N_("The kit {kit} could not be rendered."), kit=kit_id)

    def pdf(self, kit_id: str, html: str) -> bytes:
        """The PDF of a community kit's ``html``, under the PDF limits; raise KitRefused etc."""
        job = {
            "kind": "pdf",
            "html": html,
            "seconds": self.limits.pdf_seconds,
            "memory_bytes": self.limits.pdf_memory_bytes,
            "max_pages": self.limits.max_pages,
            "max_bytes": self.limits.max_pdf_bytes,
        }
        output_cap = self.limits.max_pdf_bytes * 4 // 3 + 10_000
        result = self._run(kit_id, job, self.limits.pdf_seconds, output_cap)
        try:
            return base64.b64decode(str(result.get("pdf", "")), validate=True)
        except (binascii.Error, ValueError) as error:
            raise KitRenderError(N_("The kit {kit} could not be rendered."), kit=kit_id) from error

    def _run(
        self, kit_id: str, job: Mapping[str, Any], seconds: float, output_cap: int
    ) -> dict[str, Any]:
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "toolkits.worker"],
                input=json.dumps(job, ensure_ascii=False).encode("utf-8"),
                capture_output=True,
                timeout=seconds + STARTUP_GRACE_SECONDS,
                env=_child_environment(),
                cwd=_package_root(),
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise self._refusal(kit_id, "timeout", "", seconds) from error
        except OSError as error:
            log.error("Cannot start the kit sandbox: %s", error)
            raise KitRenderError(
                N_("The kit {kit} could not be rendered: the sandbox did not start."), kit=kit_id
            ) from error
        return self._result(kit_id, completed, seconds, output_cap)

    def _result(
        self,
        kit_id: str,
        completed: subprocess.CompletedProcess[bytes],
        seconds: float,
        output_cap: int,
    ) -> dict[str, Any]:
        if len(completed.stdout) > output_cap:
            raise self._refusal(kit_id, "output", "", seconds)
        try:
            result = json.loads(completed.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            result = None
        if not isinstance(result, dict):
            stderr = completed.stderr.decode("utf-8", "replace")[-2000:]
            log.warning(
                "Kit sandbox for %s ended with code %s: %s", kit_id, completed.returncode, stderr
            )
            if completed.returncode < 0 or "MemoryError" in stderr:
                # Killed by a signal (the CPU limit) or out of memory before it could answer.
                reason = "memory" if "MemoryError" in stderr else "timeout"
                raise self._refusal(kit_id, reason, "", seconds)
            raise KitRenderError(N_("The kit {kit} could not be rendered."), kit=kit_id)
        if result.get("ok") is True:
            return result
        reason = str(result.get("reason", "error"))
        detail = str(result.get("detail", ""))
        log.warning("Kit sandbox refused %s: %s %s", kit_id, reason, detail)
        raise self._refusal(kit_id, reason, detail, seconds)

    def _refusal(self, kit_id: str, reason: str, detail: str, seconds: float) -> KitError:
        kind, message = _REASONS.get(reason, _REASONS["error"])
        params: dict[str, object] = {"kit": kit_id}
        if "{seconds}" in message:
            params["seconds"] = f"{seconds:g}"
        if "{max_chars}" in message:
            params["max_chars"] = self.limits.max_chars
        if "{max_pages}" in message:
            params["max_pages"] = self.limits.max_pages
        if "{detail}" in message:
            params["detail"] = detail or "unknown"
        return kind(message, **params)


def _package_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _child_environment() -> dict[str, str]:
    # Only what Python needs to start and find this package: no tokens, no secrets.
    python_path = [str(_package_root())]
    if os.environ.get("PYTHONPATH"):
        python_path.append(os.environ["PYTHONPATH"])
    env = {
        "PYTHONPATH": os.pathsep.join(python_path),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
        "PATH": os.defpath,
    }
    if "PYTHONHOME" in os.environ:
        env["PYTHONHOME"] = os.environ["PYTHONHOME"]
    return env
