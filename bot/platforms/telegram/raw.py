"""Bot API requests whose result is not decoded: sending a text answer without parsing its echo.

Telegram answers ``sendMessage`` with the whole message it made: our text and keyboard again.
python-telegram-bot decodes that into a ``Message`` (0.27 ms of CPU for an answer with eight
buttons, measured in bench/README.md's hot-path section), about a fifth of what an answer costs,
for a result nobody here reads. ``Bot.do_api_request`` skips the decoding but warns for methods
the library knows, so this goes one level down, through the same ``_post`` that
``send_message`` uses: same defaults, same error mapping (``Forbidden``, ``ChatMigrated``...),
same rate limiter with the same ``rate_limit_args``. It leans on two protected members of
python-telegram-bot 22 (pinned ``<23`` in pyproject.toml); the adapter's tests exercise it
against the fake Bot API.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import ExtBot


async def post_undecoded(
    bot: ExtBot[Any], endpoint: str, data: dict[str, Any], rate_limit_args: Any = None
) -> Any:
    """POST ``endpoint`` with ``data`` (telegram objects allowed) and return the raw result."""
    api_kwargs = bot._merge_api_rl_kwargs(None, rate_limit_args)
    return await bot._post(endpoint, data, api_kwargs=api_kwargs)
