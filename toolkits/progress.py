"""Build progress on a terminal: a tqdm bar on a TTY, one plain line per file otherwise."""

from __future__ import annotations

from typing import NoReturn, TextIO

from tqdm import tqdm


class BuildProgress:
    """A ``build_all`` progress callback that writes to ``stream``; ``close()`` when done.

    On a terminal a bar redraws in place; in a log or a pipe, carriage-return redraws would be
    noise, so each file gets one line instead (``[3/30] parcel-sorting.zh.pdf``).
    """

    def __init__(self, stream: TextIO, *, bar: bool | None = None) -> None:
        self._stream = stream
        self._bar_wanted = stream.isatty() if bar is None else bar
        # A bar with no iterable: tqdm's stubs type it as tqdm[NoReturn].
        self._bar: tqdm[NoReturn] | None = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self._bar_wanted:
            if label:
                width = len(str(total))
                print(f"[{done + 1:>{width}}/{total}] {label}", file=self._stream, flush=True)
            return
        if self._bar is None:
            self._bar = tqdm(total=total, unit="file", file=self._stream, dynamic_ncols=True)
        bar = self._bar
        bar.n = done
        bar.set_postfix_str(label, refresh=False)
        bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
