"""The sandbox: renders a community kit's template in a child process that is killed if it hangs.

A thread cannot be stopped, so each render runs ``python -m toolkits.worker`` in its own
process: it gets the template text (never a path), a minimal environment (no secrets), capped
memory and CPU, a render deadline and an output cap; the parent kills it if it outlives the
deadline. Every way a template can fail becomes a KitRefused or KitRenderError, never a crash.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circles.errors import N_
from toolkits.errors import KitError, KitRefused, KitRenderError

log = logging.getLogger(__name__)

# Time for the child to start Python and import Jinja, on top of the render deadline.
STARTUP_GRACE_SECONDS = 10.0

_REASONS: dict[str, tuple[type[KitError], str]] = {
    "timeout": (
        KitRefused,
        N_("The kit {kit} took longer than {seconds} seconds to render and was stopped."),
    ),
    "output": (
        KitRefused,
        N_("The kit {kit} wrote more than {max_chars} characters and was stopped."),
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
            "templates": dict(templates),
            "entry": entry,
            "context": dict(context),
            "seconds": self.limits.seconds,
            "max_chars": self.limits.max_chars,
            "memory_bytes": self.limits.memory_bytes,
        }
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "toolkits.worker"],
                input=json.dumps(job, ensure_ascii=False).encode("utf-8"),
                capture_output=True,
                timeout=self.limits.seconds + STARTUP_GRACE_SECONDS,
                env=_child_environment(),
                cwd=_package_root(),
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise self._refusal(kit_id, "timeout", "") from error
        except OSError as error:
            log.error("Cannot start the kit sandbox: %s", error)
            raise KitRenderError(
                N_("The kit {kit} could not be rendered: the sandbox did not start."), kit=kit_id
            ) from error
        return self._result(kit_id, completed)

    def _result(self, kit_id: str, completed: subprocess.CompletedProcess[bytes]) -> str:
        if len(completed.stdout) > 8 * self.limits.max_chars + 10_000:
            raise self._refusal(kit_id, "output", "")
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
                raise self._refusal(kit_id, reason, "")
            raise KitRenderError(N_("The kit {kit} could not be rendered."), kit=kit_id)
        if result.get("ok") is True and isinstance(result.get("text"), str):
            return str(result["text"])
        reason = str(result.get("reason", "error"))
        detail = str(result.get("detail", ""))
        log.warning("Kit sandbox refused %s: %s %s", kit_id, reason, detail)
        raise self._refusal(kit_id, reason, detail)

    def _refusal(self, kit_id: str, reason: str, detail: str) -> KitError:
        kind, message = _REASONS.get(reason, _REASONS["error"])
        params: dict[str, object] = {"kit": kit_id}
        if "{seconds}" in message:
            params["seconds"] = f"{self.limits.seconds:g}"
        if "{max_chars}" in message:
            params["max_chars"] = self.limits.max_chars
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
