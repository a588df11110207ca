"""KitPress: validation before queueing, the cache, the bounded queue, the pool, async use."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.kit_press import KitPress, PressSettings, RenderedKit
from circles.errors import Conflict, Invalid, NotFound
from tests.bot.kit_jobs import ThreadGate, dying_job, gated_job, open_gate, pid_job
from toolkits.catalog import Catalog
from toolkits.errors import KitBusy, KitNotFound, KitParameterError, KitRenderError

URL = "https://can.example.org"
THREADS = PressSettings(mode="thread")


@pytest.fixture
def gate() -> Iterator[ThreadGate]:
    gate = ThreadGate()
    yield gate
    gate.open()  # never leave a worker thread waiting after a failed test


def press_with(kits: Catalog, job: ThreadGate, settings: PressSettings = THREADS) -> KitPress:
    return KitPress(kits, URL, settings, job=job)


def wait_until(condition: Callable[[], bool]) -> None:
    """Poll a condition that another thread makes true (never asserting how long it takes)."""
    for _ in range(3000):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("the condition never became true")


def in_thread(press: KitPress, *args: object) -> tuple[threading.Thread, list[object]]:
    """Run ``press.render(*args)`` in a thread; the list gets its result or error."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(press.render(*args))  # type: ignore[arg-type]
        except Exception as error:
            out.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_bad_requests_are_refused_before_anything_is_queued(kits: Catalog) -> None:
    job = open_gate()
    press = press_with(kits, job)
    with pytest.raises(KitNotFound) as unknown:
        press.render("nope", "pdf", "en")
    assert isinstance(unknown.value, NotFound) and unknown.value.params == {"kit": "nope"}
    with pytest.raises(KitNotFound):
        press.render("tea-house", "pdf", "fr")
    with pytest.raises(KitNotFound):
        press.render("tea-house", "docx", "en")
    with pytest.raises(KitParameterError) as bad:
        press.render("parcel-sorting", "pdf", "en", {"buildings": "9-1"})
    assert isinstance(bad.value, Invalid) and bad.value.params["name"] == "buildings"
    assert job.calls == [] and not press.started
    press.close()


def test_a_repeated_request_costs_nothing_the_second_time(kits: Catalog) -> None:
    job = open_gate()
    press = press_with(kits, job)
    first = press.render("parcel-sorting", "pdf", "zh", {"buildings": "1-8,10"})
    # The same checked values, typed differently: full-width dash, spaces, the default given.
    again = press.render("parcel-sorting", "pdf", "zh", {"buildings": "1–8, 10", "group_size": "1"})
    assert again == first and press.renders == 1 and press.cache_hits == 1
    assert len(job.calls) == 1
    assert (first.filename, first.mime) == ("parcel-sorting.zh.pdf", "application/pdf")
    press.render("parcel-sorting", "pdf", "en", {"buildings": "1-8,10"})
    press.render("parcel-sorting", "html", "zh", {"buildings": "1-8,10"})
    press.render("parcel-sorting", "pdf", "zh", {"buildings": "1-9"})
    assert press.renders == 4  # another language, format or value is another render
    press.close()


def test_the_cache_keeps_the_most_recently_used_and_drops_the_oldest(kits: Catalog) -> None:
    job = open_gate()
    press = press_with(kits, job, PressSettings(mode="thread", cache_entries=2))
    for kit_id in ("tea-house", "return-trip", "tea-house", "relay-event"):
        press.render(kit_id, "md", "en")
    assert press.renders == 3  # the second tea-house was a hit and became the newest
    press.render("tea-house", "md", "en")
    assert press.renders == 3
    press.render("return-trip", "md", "en")
    assert press.renders == 4  # it was the least recently used, so it was dropped
    press.close()


def test_the_cache_is_bounded_by_bytes_too(kits: Catalog) -> None:
    job = open_gate()
    press = press_with(kits, job, PressSettings(mode="thread", cache_bytes=10))
    press.render("tea-house", "md", "en")
    press.render("tea-house", "md", "en")
    assert press.renders == 2  # larger than the whole cache: never kept
    press.close()


def test_past_max_pending_a_request_is_refused_busy_and_nothing_is_queued(
    kits: Catalog, gate: ThreadGate
) -> None:
    press = press_with(kits, gate, PressSettings(mode="thread", max_pending=2))
    first, first_out = in_thread(press, "tea-house", "pdf", "en")
    assert gate.started.acquire(timeout=30)
    second, second_out = in_thread(press, "tea-house", "pdf", "zh")
    wait_until(lambda: press.pending == 2)  # one runs, the other waits in the queue
    with pytest.raises(KitBusy) as busy:
        press.render("return-trip", "pdf", "en")
    assert isinstance(busy.value, Conflict)
    gate.open()
    first.join(30)
    second.join(30)
    assert [type(r) for r in (*first_out, *second_out)] == [RenderedKit, RenderedKit]
    assert press.render("return-trip", "pdf", "en").filename == "return-trip.en.pdf"
    assert [call[0] for call in gate.calls] == ["tea-house", "tea-house", "return-trip"]
    press.close()


def test_identical_requests_in_flight_share_one_render(kits: Catalog, gate: ThreadGate) -> None:
    press = press_with(kits, gate)
    first, first_out = in_thread(press, "tea-house", "pdf", "en")
    assert gate.started.acquire(timeout=30)
    second, second_out = in_thread(press, "tea-house", "pdf", "en", {"duration": "90"})
    wait_until(lambda: press.shared == 1)
    gate.open()
    first.join(30)
    second.join(30)
    assert len(gate.calls) == 1 and press.renders == 1
    assert first_out[0] == second_out[0]
    press.close()


def test_a_render_that_takes_too_long_is_a_refusal_not_a_hang(
    kits: Catalog, gate: ThreadGate
) -> None:
    press = press_with(kits, gate, PressSettings(mode="thread", wait_seconds=0.01))
    with pytest.raises(KitRenderError) as slow:
        press.render("tea-house", "pdf", "en")
    assert slow.value.message.startswith("The kit {kit} took too long")
    gate.open()
    press.close()


def test_a_closed_press_refuses_and_cancels_what_was_waiting(
    kits: Catalog, gate: ThreadGate
) -> None:
    press = press_with(kits, gate)
    running, _ = in_thread(press, "tea-house", "pdf", "en")
    assert gate.started.acquire(timeout=30)
    waiting, waiting_out = in_thread(press, "return-trip", "pdf", "en")
    wait_until(lambda: press.pending == 2)
    closing = threading.Thread(target=press.close)
    closing.start()
    wait_until(lambda: bool(waiting_out))  # its render was cancelled while the other still runs
    gate.open()
    for thread in (running, waiting, closing):
        thread.join(30)
    assert isinstance(waiting_out[0], KitRenderError)  # cancelled before it started
    with pytest.raises(KitBusy):
        press.render("tea-house", "md", "en")


async def test_render_async_leaves_the_event_loop_free(kits: Catalog, gate: ThreadGate) -> None:
    press = press_with(kits, gate)
    loop = asyncio.get_running_loop()
    render = asyncio.create_task(press.render_async("tea-house", "pdf", "en"))
    await loop.run_in_executor(None, gate.started.acquire)
    # The render is under way and the loop still runs other work.
    other = await asyncio.wait_for(asyncio.sleep(0, result="answered"), 5)
    assert other == "answered" and not render.done()
    gate.open()
    rendered = await asyncio.wait_for(render, 30)
    assert rendered.filename == "tea-house.en.pdf"
    assert await press.render_async("tea-house", "pdf", "en") == rendered
    assert press.cache_hits == 1
    with pytest.raises(KitParameterError):
        await press.render_async("parcel-sorting", "pdf", "en", {"group_size": "0"})
    press.close()


async def test_a_web_client_that_leaves_does_not_cancel_a_shared_render(
    kits: Catalog, gate: ThreadGate
) -> None:
    press = press_with(kits, gate)
    loop = asyncio.get_running_loop()
    leaving = asyncio.create_task(press.render_async("tea-house", "pdf", "en"))
    staying = asyncio.create_task(press.render_async("tea-house", "pdf", "en"))
    await loop.run_in_executor(None, gate.started.acquire)
    leaving.cancel()
    gate.open()
    assert (await asyncio.wait_for(staying, 30)).filename == "tea-house.en.pdf"
    assert leaving.cancelled()
    press.close()


def test_the_default_press_renders_a_real_pdf_in_another_process(kits: Catalog) -> None:
    press = KitPress(kits, URL)
    try:
        rendered = press.render("tea-house", "pdf", "en")
        assert rendered.mime == "application/pdf" and rendered.data.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.data)).pages)
        assert "tea house" in text.lower()
        pid_press = KitPress(kits, URL, job=pid_job)
        try:
            worker = int(pid_press.render("tea-house", "md", "en").data)
        finally:
            pid_press.close()
        assert worker != os.getpid()
    finally:
        press.close()


def test_a_worker_that_dies_is_replaced_for_the_next_render(kits: Catalog) -> None:
    press = KitPress(kits, URL, job=dying_job)
    try:
        with pytest.raises(KitRenderError):
            press.render("tea-house", "md", "en")
        press._job = pid_job  # the next request meets a fresh pool
        assert int(press.render("tea-house", "md", "en").data) != os.getpid()
    finally:
        press.close()


def test_a_gated_process_job_starts_and_waits(kits: Catalog, tmp_path: Path) -> None:
    # The helper the Telegram ordering test relies on: started, held, then a real render.
    press = KitPress(kits, URL, job=functools.partial(gated_job, str(tmp_path)))
    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(press.render, "tea-house", "md", "en")
            wait_until(lambda: (tmp_path / "started").exists() or pending.done())
            assert not pending.done()
            (tmp_path / "open").touch()
            assert pending.result(60).data.startswith(b"# ")
    finally:
        press.close()


def test_kit_errors_survive_the_trip_back_from_a_worker() -> None:
    error = KitParameterError("The parameter {name} must be at least {min}.", name="x", min=1)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is KitParameterError
    assert (back.message, back.params, str(back)) == (
        error.message,
        error.params,
        "The parameter x must be at least 1.",
    )


def test_an_edited_community_template_is_not_served_from_the_cache(tmp_path: Path) -> None:
    from tests.toolkits.factory import write_kit
    from toolkits.catalog import load_catalog

    folder = write_kit(tmp_path, "edited", bodies={"en": "First text.\n"})
    press = KitPress(load_catalog([tmp_path]), URL, THREADS)
    try:
        assert press.render("edited", "md", "en").data.endswith(b"First text.\n")
        (folder / "body.en.md.j2").write_text("Second text.\n", encoding="utf-8")
        assert press.render("edited", "md", "en").data.endswith(b"Second text.\n")
        assert press.render("edited", "md", "en").data.endswith(b"Second text.\n")
        assert (press.renders, press.cache_hits) == (2, 1)
    finally:
        press.close()
