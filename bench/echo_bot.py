"""The baseline for bench/throughput.py: a bare python-telegram-bot echo bot.

Run by the benchmark as ``python bench/echo_bot.py <token> <base_url>``; it answers every text
message with the same text, polling with the same concurrency and timeout as CAN bot's adapter.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.platforms.telegram.adapter import (
    ALLOWED_UPDATES,
    CONCURRENT_UPDATES,
    POLL_TIMEOUT,
    file_url_for,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    token, base_url = sys.argv[1], sys.argv[2]
    app = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    print("echo bot polling", flush=True)
    app.run_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES, close_loop=False)


if __name__ == "__main__":
    main()
