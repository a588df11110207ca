"""Pacing of Telegram messages, on virtual time: per-group and broadcast windows, holds."""

from __future__ import annotations

from bot.platforms.telegram.pacing import BROADCAST_LIMIT, GROUP_LIMIT, Limit, Pacer, SlidingWindow
from tests.fakes.virtual_time import VirtualTime

GROUP = -1001
OTHER_GROUP = -1002
PERSON = 42


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of moments that fall within any half-open window of that length."""
    ordered = sorted(times)
    best = 0
    for i, start in enumerate(ordered):
        best = max(best, sum(1 for t in ordered[i:] if t < start + seconds))
    return best


# The rules are tested at a round limit; the shipped one is a little higher.
TWENTY_FIVE = Limit(25, 1.0)


def test_broadcasts_keep_room_under_telegrams_limit() -> None:
    assert BROADCAST_LIMIT.seconds == 1.0 and 25 <= BROADCAST_LIMIT.count < 30


def pacer(vt: VirtualTime, broadcast: Limit = BROADCAST_LIMIT) -> Pacer:
    return Pacer(vt.clock, vt.sleep, broadcast_limit=broadcast, group_limit=GROUP_LIMIT)


async def send_at(vt: VirtualTime, p: Pacer, chat: int, *, broadcast: bool) -> float:
    """Acquire, then complete at once (a request that takes no time); when it went."""
    p.done(await p.acquire(chat, broadcast=broadcast))
    return vt.now


def sent(window: SlidingWindow, at: float) -> None:
    window.record().at = at


def test_window_counts_only_the_last_period() -> None:
    window = SlidingWindow(Limit(20, 60.0))
    for _ in range(20):
        sent(window, 0.0)
    assert window.delay(0.0) == 60.0
    assert window.delay(30.0) == 30.0
    assert window.delay(60.0) == 0.0


def test_window_overfilled_by_forced_records_waits_for_enough_to_leave() -> None:
    window = SlidingWindow(Limit(2, 1.0))
    for moment in (0.0, 0.2, 0.4, 0.6):
        sent(window, moment)
    # Four in the window, room for two: the third oldest (0.4) must leave first.
    assert window.delay(0.6) == 0.4 + 1.0 - 0.6


def test_window_hold_delays_even_when_empty() -> None:
    window = SlidingWindow(None)
    window.hold(5.0)
    assert window.delay(1.0) == 4.0
    assert window.delay(5.0) == 0.0
    assert window.idle(5.0)


def test_a_message_in_flight_counts_until_it_completes() -> None:
    window = SlidingWindow(Limit(1, 1.0))
    slot = window.record()
    assert window.delay(100.0) > 0  # still in flight long after it started: no room yet
    slot.at = 100.0
    assert window.delay(100.5) == 0.5  # counted as sent when it completed
    assert window.delay(101.0) == 0.0


async def test_slow_requests_hold_back_the_next_broadcasts() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=Limit(2, 1.0))

    async def slow_send(chat: int) -> float:
        ticket = await p.acquire(chat, broadcast=True)
        started = vt.now
        await vt.sleep(3.0)  # the request takes 3 s to complete
        p.done(ticket)
        return started

    starts = await vt.run(*(slow_send(-(6000 + i)) for i in range(4)))
    # The third may start only 1 s after the first two completed, not 1 s after they started.
    assert starts[:2] == [0.0, 0.0]
    assert min(starts[2:]) >= 4.0


async def test_a_group_gets_twenty_messages_a_minute_then_waits() -> None:
    vt = VirtualTime()
    p = pacer(vt)
    times = await vt.run(*(send_at(vt, p, GROUP, broadcast=False) for _ in range(25)))
    assert times.count(0.0) == 20
    assert sorted(times)[20:] == [60.0] * 5
    assert most_in_any_window(times, 60.0) <= 20


async def test_private_chats_are_not_held_to_the_group_limit() -> None:
    vt = VirtualTime()
    p = pacer(vt)
    times = await vt.run(*(send_at(vt, p, PERSON, broadcast=False) for _ in range(40)))
    assert set(times) == {0.0}


async def test_broadcasts_stay_under_the_overall_limit() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=TWENTY_FIVE)
    chats = [-(2000 + i) for i in range(100)]
    times = await vt.run(*(send_at(vt, p, chat, broadcast=True) for chat in chats))
    assert most_in_any_window(times, 1.0) == 25
    assert max(times) == 3.0  # 100 messages at 25 per second: the last leaves after 3 s


async def test_broadcasts_leave_in_the_order_they_were_queued() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=Limit(2, 1.0))
    order: list[int] = []

    async def send(chat: int) -> None:
        p.done(await p.acquire(chat, broadcast=True))
        order.append(chat)

    chats = [-(3000 + i) for i in range(7)]
    await vt.run(*(send(chat) for chat in chats))
    assert order == chats


async def test_a_direct_answer_does_not_wait_behind_queued_broadcasts() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=TWENTY_FIVE)
    broadcasts = [send_at(vt, p, -(4000 + i), broadcast=True) for i in range(200)]
    answer = send_at(vt, p, PERSON, broadcast=False)
    times = await vt.run(*broadcasts, answer)
    assert times[-1] == 0.0  # the answer went at once
    assert max(times[:-1]) == 7.0  # while 200 broadcasts at 25/s took until 7 s


async def test_a_direct_answer_in_a_group_still_respects_the_group_limit() -> None:
    vt = VirtualTime()
    p = pacer(vt)
    await vt.run(*(send_at(vt, p, GROUP, broadcast=True) for _ in range(20)))
    start = vt.now
    (answered,) = await vt.run(send_at(vt, p, GROUP, broadcast=False))
    assert answered - start > 0  # it waited for the group's window
    (other,) = await vt.run(send_at(vt, p, OTHER_GROUP, broadcast=False))
    assert other == answered  # another group is not held


async def test_direct_answers_count_so_broadcasts_make_room() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=TWENTY_FIVE)
    await vt.run(*(send_at(vt, p, 100 + i, broadcast=False) for i in range(25)))
    (broadcast,) = await vt.run(send_at(vt, p, -5000, broadcast=True))
    assert broadcast == 1.0


async def test_a_hold_stops_a_chat_until_it_ends() -> None:
    vt = VirtualTime()
    p = pacer(vt)
    p.hold(PERSON, 7.0)
    person, other = await vt.run(
        send_at(vt, p, PERSON, broadcast=False), send_at(vt, p, 43, broadcast=False)
    )
    assert (person, other) == (7.0, 0.0)


async def test_idle_chats_are_forgotten() -> None:
    vt = VirtualTime()
    p = pacer(vt, broadcast=Limit(10_000, 1.0))
    await vt.run(*(send_at(vt, p, -(10_000 + i), broadcast=False) for i in range(1500)))
    assert p.tracked_chats == 1500
    vt.now += 61.0
    await vt.run(*(send_at(vt, p, -(20_000 + i), broadcast=False) for i in range(1500)))
    assert p.tracked_chats < 2000
