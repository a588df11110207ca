"""The rate limiter every Bot API request goes through: what it paces, when it retries."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.platforms.telegram.limiter import (
    BROADCAST,
    MAX_FLOOD_RETRIES,
    PacingRateLimiter,
    chat_of,
    retry_seconds,
)
from bot.platforms.telegram.pacing import BROADCAST_LIMIT, Limit, Pacer
from tests.fakes.virtual_time import VirtualTime


def flood(seconds: int) -> RetryAfter:
    with warnings.catch_warnings():
        # PTB 22 warns inside RetryAfter's own constructor; not what these tests are about.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(seconds)


class Script:
    """A Bot API call that raises the scripted errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": 1}


def limiter(vt: VirtualTime, broadcast: Limit = BROADCAST_LIMIT) -> PacingRateLimiter:
    pacer = Pacer(vt.clock, vt.sleep, broadcast_limit=broadcast)
    return PacingRateLimiter(pacer, sleep=vt.sleep)


async def call(
    rl: PacingRateLimiter,
    script: Script,
    endpoint: str = "sendMessage",
    chat: Any = 42,
    args: str | None = None,
) -> Any:
    return await rl.process_request(script, (), {}, endpoint, {"chat_id": chat}, args)


async def test_a_429_is_waited_out_and_the_request_sent_again() -> None:
    vt = VirtualTime()
    script = Script(flood(3))
    (result,) = await vt.run(call(limiter(vt), script))
    assert result == {"message_id": 1}
    assert script.calls == 2
    assert vt.now == 3.0


async def test_after_a_429_other_messages_to_that_chat_wait_too() -> None:
    vt = VirtualTime()
    rl = limiter(vt)
    first, second = Script(flood(5)), Script()

    async def later() -> float:
        await vt.sleep(1.0)
        await call(rl, second)
        return vt.now

    _, sent_at = await vt.run(call(rl, first), later())
    assert sent_at == 5.0


async def test_repeated_429s_give_up_after_the_limit() -> None:
    vt = VirtualTime()
    script = Script(*(flood(1) for _ in range(MAX_FLOOD_RETRIES + 1)))
    with pytest.raises(RetryAfter):
        await vt.run(call(limiter(vt), script))
    assert script.calls == MAX_FLOOD_RETRIES + 1


@pytest.mark.parametrize(
    "error",
    [Forbidden("Forbidden: bot was blocked by the user"), BadRequest("chat not found")],
)
async def test_refusals_are_not_retried(error: Exception) -> None:
    vt = VirtualTime()
    script = Script(error)
    with pytest.raises(type(error)):
        await vt.run(call(limiter(vt), script))
    assert script.calls == 1


async def test_a_timeout_is_not_retried_because_it_may_have_been_delivered() -> None:
    vt = VirtualTime()
    script = Script(TimedOut())
    with pytest.raises(TimedOut):
        await vt.run(call(limiter(vt), script))
    assert script.calls == 1


async def test_a_refused_connection_is_retried() -> None:
    vt = VirtualTime()
    script = Script(NetworkError("httpx.ConnectError: refused"))
    (result,) = await vt.run(call(limiter(vt), script))
    assert result == {"message_id": 1}
    assert script.calls == 2


async def test_broadcasts_are_paced_and_answers_are_not() -> None:
    vt = VirtualTime()
    rl = limiter(vt, broadcast=Limit(1, 1.0))

    async def timed(args: str | None, chat: int) -> float:
        await call(rl, Script(), chat=chat, args=args)
        return vt.now

    times = await vt.run(
        timed(BROADCAST, -1), timed(BROADCAST, -2), timed(None, 7), timed(BROADCAST, -3)
    )
    assert times[2] == 0.0
    assert sorted([times[0], times[1], times[3]]) == [0.0, 1.0, 2.0]


async def test_methods_that_post_nothing_are_not_paced() -> None:
    vt = VirtualTime()
    rl = limiter(vt)

    async def timed(endpoint: str) -> float:
        await call(rl, Script(), endpoint=endpoint, chat=-9)
        return vt.now

    await vt.run(*(timed("sendMessage") for _ in range(20)))
    (answered_at,) = await vt.run(timed("answerCallbackQuery"))
    (blocked_at,) = await vt.run(timed("sendMessage"))
    assert answered_at == 0.0
    assert blocked_at == 60.0


def test_chat_of_reads_numeric_chat_ids_only() -> None:
    assert chat_of({"chat_id": -1001}) == -1001
    assert chat_of({"chat_id": "42"}) == 42
    assert chat_of({"chat_id": "@channel"}) is None
    assert chat_of({"chat_id": True}) is None
    assert chat_of({}) is None


def test_retry_seconds_reads_the_wait_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert retry_seconds(flood(4)) == 4.0
