"""The sandbox worker: a child process that renders one community template or PDF under limits.

Run as ``python -m toolkits.worker``: it reads one JSON job on stdin, caps its own memory and CPU,
and writes one JSON result on stdout. A ``template`` job (templates as text, the entry template,
the context, the limits) renders in an ImmutableSandboxedEnvironment with a render deadline and an
output cap: ``{"ok": true, "text": ...}``. A ``pdf`` job (the kit's HTML, the limits) lays it out
with WeasyPrint under a deadline and a page cap: ``{"ok": true, "pdf": <base64>}``. A failure is
``{"ok": false, "reason": ..., "detail": ...}``.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
from collections.abc import Mapping
from types import FrameType
from typing import Any, TypeGuard

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from toolkits.templating import environment_options, kit_filters

MAX_JOB_BYTES = 8_000_000
MAX_INT_BITS = 4096
SEQUENCE_TYPES = (str, bytes, list, tuple)


class ValueTooBig(SecurityError):
    """An operation would build a value too large to be worth rendering."""


class OutputTooBig(Exception):
    """The template wrote more than the output cap."""


class TimeUp(BaseException):
    """The render deadline passed (a BaseException, so no template code path can swallow it)."""


class KitSandboxEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with arithmetic that could exhaust memory checked before it runs."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, max_sequence: int, **options: Any) -> None:
        super().__init__(**options)
        self.max_sequence = max_sequence

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        check_binop(operator, left, right, self.max_sequence)
        return super().call_binop(context, operator, left, right)


def check_binop(operator: str, left: object, right: object, max_sequence: int) -> None:
    """Raise ValueTooBig when ``left operator right`` would be a huge string, list or number."""
    if operator == "*":
        _check_product(left, right, max_sequence)
    elif operator == "**":
        if (
            _is_int(left)
            and _is_int(right)
            and right > 0
            and right * abs(left).bit_length() > MAX_INT_BITS
        ):
            raise ValueTooBig("the template raises a number to a huge power")
    elif (
        operator == "+"
        and isinstance(left, SEQUENCE_TYPES)
        and isinstance(right, SEQUENCE_TYPES)
        and len(left) + len(right) > max_sequence
    ):
        raise ValueTooBig("the template joins texts or lists to a huge size")


def _check_product(left: object, right: object, max_sequence: int) -> None:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, SEQUENCE_TYPES) and _is_int(count):
            if len(sequence) * max(count, 0) > max_sequence:
                raise ValueTooBig("the template multiplies a text or list to a huge size")
            return
    if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise ValueTooBig("the template multiplies numbers to a huge size")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def render_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """Render the job's entry template; every failure becomes a reason the parent maps to text."""
    max_chars = int(job["max_chars"])
    env = KitSandboxEnvironment(
        max_sequence=max_chars,
        loader=jinja2.DictLoader(dict(job["templates"])),
        **environment_options(),
    )
    env.filters.update(kit_filters())
    _start_deadline(float(job["seconds"]))
    try:
        template = env.get_template(str(job["entry"]))
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(dict(job["context"])):
            size += len(chunk)
            if size > max_chars:
                raise OutputTooBig
            chunks.append(chunk)
        return {"ok": True, "text": "".join(chunks)}
    except TimeUp:
        return _failure("timeout")
    except OutputTooBig:
        return _failure("output")
    except ValueTooBig as error:
        return _failure("value", error)
    except SecurityError as error:
        return _failure("unsafe", error)
    except MemoryError:
        return _failure("memory")
    except RecursionError:
        return _failure("recursion")
    except OverflowError as error:
        return _failure("value", error)
    except jinja2.TemplateNotFound as error:
        return _failure("include", error)
    except jinja2.UndefinedError as error:
        return _failure("undefined", error)
    except jinja2.TemplateSyntaxError as error:
        return _failure("syntax", error)
    except Exception as error:  # the edge of the sandbox: anything else is the template's fault
        return _failure("error", error)
    finally:
        _stop_deadline()


def pdf_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """Lay out the job's HTML and write its PDF, within the deadline and the page cap."""
    from toolkits.errors import KitRenderError
    from toolkits.pdf import laid_out, missing_glyphs_reported

    try:
        laid_out("<p>warm-up</p>")
    except KitRenderError as error:
        return _failure("error", error)
    # WeasyPrint and its fonts load before the caps and the clock: they are our code, the same
    # for every kit; the caps bound what this kit's HTML makes them do.
    seconds = float(job["seconds"])
    limit_resources(int(job["memory_bytes"]), int(_cpu_seconds_used() + seconds) + 2)
    _start_deadline(seconds)
    try:
        with missing_glyphs_reported():
            document = laid_out(str(job["html"]))
            if len(document.pages) > int(job["max_pages"]):
                return _failure("pages")
            pdf: bytes = document.write_pdf()
        if len(pdf) > int(job["max_bytes"]):
            return _failure("output")
        return {"ok": True, "pdf": base64.b64encode(pdf).decode("ascii")}
    except TimeUp:
        return _failure("timeout")
    except MemoryError:
        return _failure("memory")
    except RecursionError:
        return _failure("recursion")
    except Exception as error:  # the edge of the sandbox: the kit's HTML made WeasyPrint fail
        return _failure("error", error)
    finally:
        _stop_deadline()


def _failure(reason: str, error: BaseException | None = None) -> dict[str, Any]:
    detail = " ".join(str(error).split())[:300] if error is not None else ""
    return {"ok": False, "reason": reason, "detail": detail}


def _on_deadline(_signum: int, _frame: FrameType | None) -> None:
    raise TimeUp


def _start_deadline(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_deadline)
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _stop_deadline() -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)


def _cpu_seconds_used() -> float:
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (where the OS supports it)."""
    try:
        import resource
    except ImportError:  # not on this OS: the parent's wall-clock kill still applies
        return
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds)):
        _soft, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit, (value, hard))


def main() -> int:
    """Read one job from stdin, render it, write the result to stdout."""
    job = json.loads(sys.stdin.buffer.read(MAX_JOB_BYTES))
    if job.get("kind") == "pdf":
        result = pdf_job(job)
    else:
        limit_resources(int(job["memory_bytes"]), int(float(job["seconds"])) + 2)
        result = render_job(job)
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
