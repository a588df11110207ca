"""One visitor must not take the kit press: chat keeps a share, per-client limits, a fair queue."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from bot.kit_press import KitPress, PressSettings, RenderedKit
from toolkits.catalog import Catalog
from toolkits.errors import KitBusy
from toolkits.kit import Kit

URL = "https://can.example.org"
SETTINGS = PressSettings(mode="thread", max_pending=8, web_share=6, per_client=2)


class StepGate:
    """A job that records each call and finishes one call per ``step()``."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.started = threading.Semaphore(0)
        self._steps = threading.Semaphore(0)
        self._all = threading.Event()

    def step(self) -> None:
        self._steps.release()

    def open(self) -> None:
        self._all.set()
        for _ in range(50):
            self._steps.release()

    def __call__(
        self, kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str
    ) -> bytes:
        self.calls.append(params.get("buildings", "chat"))
        self.started.release()
        if not self._steps.acquire(timeout=60):
            raise RuntimeError("the test never let this render finish")
        return b"%PDF " + str(sorted(params.items())).encode()


@pytest.fixture
def gate() -> Iterator[StepGate]:
    gate = StepGate()
    yield gate
    gate.open()


def web(press: KitPress, client: str, buildings: str) -> asyncio.Task[RenderedKit]:
    params = {"buildings": buildings}
    return asyncio.ensure_future(
        press.render_async("parcel-sorting", "pdf", "en", params, client=client)
    )


async def until(condition: object) -> None:
    for _ in range(3000):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never became true")


async def test_twelve_parallel_downloads_leave_chat_its_share(
    kits: Catalog, gate: StepGate
) -> None:
    press = KitPress(kits, URL, SETTINGS, job=gate)
    tasks = [web(press, f"10.0.0.{n // 2}", f"1-{n + 10}") for n in range(12)]
    await asyncio.sleep(0.1)
    refused = [t for t in tasks if t.done() and isinstance(t.exception(), KitBusy)]
    assert len(refused) == 6  # the web holds at most six of the eight places
    # A volunteer's kit in chat is still taken, and goes to the next free worker first.
    chat = asyncio.get_running_loop().run_in_executor(
        None, lambda: press.render("parcel-sorting", "pdf", "en", {"buildings": "1-3"})
    )
    await until(lambda: press.pending == 7)
    gate.step()  # the render under way finishes
    await until(lambda: len(gate.calls) == 2)
    assert gate.calls[1] == "1-3"
    gate.open()
    assert (await chat).filename == "parcel-sorting.en.pdf"
    await asyncio.gather(*tasks, return_exceptions=True)
    press.close()


async def test_one_client_holds_at_most_its_share(kits: Catalog, gate: StepGate) -> None:
    press = KitPress(kits, URL, SETTINGS, job=gate)
    first = [web(press, "10.0.0.9", f"1-{n + 10}") for n in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(KitBusy, match="already have"):
        await press.render_async(
            "parcel-sorting", "pdf", "en", {"buildings": "1-99"}, client="10.0.0.9"
        )
    other = web(press, "10.0.0.10", "1-50")  # someone else still gets in
    gate.open()
    await asyncio.gather(*first, other)
    press.close()


async def test_the_queue_takes_turns_between_clients(kits: Catalog, gate: StepGate) -> None:
    """A loop of requests from one address waits behind another client's one request."""
    press = KitPress(kits, URL, SETTINGS, job=gate)
    a1 = web(press, "10.0.0.1", "1-11")
    await until(lambda: len(gate.calls) == 1)
    a2 = web(press, "10.0.0.1", "1-12")
    b1 = web(press, "10.0.0.2", "1-21")
    await asyncio.sleep(0.05)
    gate.step()
    await until(lambda: len(gate.calls) == 2)
    assert gate.calls[1] == "1-21"  # B, with nothing running, before A's second
    gate.open()
    await asyncio.gather(a1, a2, b1)
    assert gate.calls == ["1-11", "1-21", "1-12"]
    press.close()


async def test_identical_web_requests_share_one_render(kits: Catalog, gate: StepGate) -> None:
    press = KitPress(kits, URL, SETTINGS, job=gate)
    same = [web(press, f"10.0.1.{n}", "1-200") for n in range(5)]
    await until(lambda: len(gate.calls) == 1)
    gate.open()
    results = await asyncio.gather(*same)
    assert len({r.data for r in results}) == 1 and press.renders == 1 and press.shared == 4
    press.close()
