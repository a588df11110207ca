"""The kit press: the one place that renders kits for chat and web, off the loop and cached.

A PDF takes about a second of pure-Python work in WeasyPrint. In a thread it would hold the
bot's GIL that long, so every other command (and the event loop) would stall behind it; the
press renders in a small process pool instead (spawned, one worker by default: the machine has
two cores, one for the bot). Waiting renders are bounded (past ``max_pending`` a request is
refused with KitBusy, never queued forever), and the same request twice costs nothing: results
are kept in a bounded LRU cache keyed by kit id, kit version, format, language and the
*checked* parameter values, so ``buildings=1-8,10`` and ``buildings=1–8, 10`` share one entry.
Identical requests in flight at once share one render.

One visitor must not take the press from everyone: web downloads may hold at most
``web_share`` of the ``max_pending`` places (chat commands keep the rest), one client address
at most ``per_client``, and the press hands a free worker to a waiting chat render first, then
to the web client served least recently (clients take turns, so a loop of requests from one
address waits behind the others). Only ``workers`` renders are in the pool at once; the rest
wait in the press's own queue, where that order can still be chosen.

Community kits still render their templates and their PDF in the sandbox (a child of the
worker, killed at its deadline), as they do anywhere else, so a hostile kit costs the worker a
refusal, not its time or its memory.

Two ways in, same queue and cache:

- ``render(kit_id, fmt, lang, params)`` blocks; for command handlers, which already run in an
  executor thread on every platform.
- ``await render_async(kit_id, fmt, lang, params)`` for the web portal's download routes
  (``/kits/<id>.pdf`` etc.): it never blocks the event loop.

Both validate before queueing (unknown kit, language, format or a bad parameter raise the
KitError at once, costing no worker) and return a RenderedKit (filename, mime, data). A web route
can answer KitNotFound with 404, KitParameterError with 400 (its text names the parameter),
KitBusy with 503 and Retry-After, and other KitErrors with 500; every one is a CanError whose
``message``/``params`` the translator turns into the reader's language.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import logging
import multiprocessing
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Literal

from circles.errors import N_, plural
from toolkits.catalog import Catalog
from toolkits.errors import KitBusy, KitError, KitNotFound, KitRenderError
from toolkits.kit import Kit
from toolkits.language import is_lang
from toolkits.parameters import resolve_parameters
from toolkits.render import Format, Renderer, is_format

log = logging.getLogger(__name__)

MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
PressMode = Literal["process", "thread"]
Job = Callable[[Kit, str, str, dict[str, str], str], bytes]
Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class RenderedKit:
    """A rendered kit, ready to send as a file or serve as a download."""

    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class PressSettings:
    """How many workers, how many waiting renders and how much cache the press keeps."""

    workers: int = 1
    mode: PressMode = "process"
    max_pending: int = 8
    cache_entries: int = 64
    cache_bytes: int = 64 * 2**20
    wait_seconds: float = 120.0
    # A fresh worker now and then bounds whatever memory WeasyPrint's caches keep growing.
    tasks_per_worker: int = 200
    # Web downloads may hold at most this many of the ``max_pending`` places (chat keeps the
    # rest), and one client address at most ``per_client`` of them.
    web_share: int = 6
    per_client: int = 2


@dataclass(frozen=True)
class _Order:
    kit: Kit
    fmt: Format
    lang: str
    params: dict[str, str]
    key: Key

    @property
    def filename(self) -> str:
        return f"{self.kit.id}.{self.lang}.{self.fmt}"

    def rendered(self, data: bytes) -> RenderedKit:
        return RenderedKit(self.filename, MIME_TYPES[self.fmt], data)


@dataclass
class _Ticket:
    """A render waiting for (or holding) a worker; every identical request shares its future."""

    order: _Order
    future: concurrent.futures.Future[bytes]
    client: str | None  # None: a chat command; else the web client's address
    seq: int


class KitPress:
    """Renders kits in a pool (started on first use), with a bounded queue and an LRU cache."""

    def __init__(
        self,
        catalog: Catalog,
        public_url: str,
        settings: PressSettings | None = None,
        *,
        job: Job | None = None,
    ) -> None:
        self.catalog = catalog
        self.public_url = public_url
        self.settings = settings or PressSettings()
        # The function a worker runs; a test may swap in one that waits for its signal.
        self._job: Job = job or render_job
        # Reentrant: a future finished at once runs its callbacks in the thread that set it.
        self._lock = threading.RLock()
        self._pool: concurrent.futures.Executor | None = None
        self._closed = False
        self._in_flight: dict[Key, concurrent.futures.Future[bytes]] = {}
        self._tickets: dict[Key, _Ticket] = {}  # waiting or running, by key
        self._running: set[Key] = set()
        self._seq = 0
        self._turn = 0
        self._served: dict[str | None, int] = {}  # each client's last turn at a worker
        self._cache: OrderedDict[Key, RenderedKit] = OrderedDict()
        self._cache_size = 0
        # Counters for tests, benchmarks and a status page: renders started, answers served
        # from the cache, and requests that joined a render already under way.
        self.renders = 0
        self.cache_hits = 0
        self.shared = 0

    # -- the two ways in ---------------------------------------------------------------------

    def render(
        self, kit_id: str, fmt: str, lang: str, params: Mapping[str, str] | None = None
    ) -> RenderedKit:
        """The kit rendered for a chat command; blocks this thread (never on the event loop)."""
        order = self._order(kit_id, fmt, lang, params or {})
        pending = self._submit(order, None)
        if isinstance(pending, RenderedKit):
            return pending
        try:
            data = pending.result(timeout=self.settings.wait_seconds)
        except concurrent.futures.TimeoutError:
            raise self._too_slow(order) from None
        except KitError:
            raise
        except Exception as error:
            raise self._failure(order, error) from error
        return order.rendered(data)

    async def render_async(
        self,
        kit_id: str,
        fmt: str,
        lang: str,
        params: Mapping[str, str] | None = None,
        *,
        client: str = "",
    ) -> RenderedKit:
        """The kit rendered for a web ``client`` (its address), awaited off the event loop."""
        order = self._order(kit_id, fmt, lang, params or {})
        pending = self._submit(order, client)
        if isinstance(pending, RenderedKit):
            return pending
        # Shielded: a client that goes away must not cancel a render others may be sharing.
        waiting = asyncio.shield(asyncio.wrap_future(pending))
        try:
            data = await asyncio.wait_for(waiting, self.settings.wait_seconds)
        except TimeoutError:
            raise self._too_slow(order) from None
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # our own task was cancelled, not the render
            raise self._failure(order, concurrent.futures.CancelledError()) from None
        except KitError:
            raise
        except Exception as error:
            raise self._failure(order, error) from error
        return order.rendered(data)

    def close(self) -> None:
        """Stop the pool: queued renders are cancelled, the one under way may finish."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            waiting = [t for k, t in self._tickets.items() if k not in self._running]
        for ticket in waiting:
            ticket.future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    @property
    def pending(self) -> int:
        """Renders queued or under way."""
        with self._lock:
            return len(self._in_flight)

    @property
    def started(self) -> bool:
        """True once the pool runs (it starts with the first render that misses the cache)."""
        return self._pool is not None

    # -- inside ------------------------------------------------------------------------------

    def _order(self, kit_id: str, fmt: str, lang: str, params: Mapping[str, str]) -> _Order:
        kit = self.catalog.get(kit_id)
        if not is_format(fmt):
            raise KitNotFound(
                N_("There is no {format} format; choose md, html or pdf."), format=fmt
            )
        if not is_lang(lang):
            raise KitNotFound(N_("There is no language {lang}; choose zh or en."), lang=lang)
        kit.require_language(lang)
        values = resolve_parameters(kit.parameters, params, lang)
        # A community kit's templates are re-read at every render, so an edit without a new
        # version must not be served from the cache: its key holds a digest of the templates.
        templates = _templates_digest(kit) if kit.community else ""
        key: Key = (kit.id, kit.version, templates, fmt, lang, *sorted(values.items()))
        return _Order(kit, fmt, lang, dict(params), key)

    def _submit(
        self, order: _Order, client: str | None
    ) -> RenderedKit | concurrent.futures.Future[bytes]:
        with self._lock:
            if self._closed:
                raise KitBusy(N_("Kits cannot be rendered right now: the bot is stopping."))
            cached = self._cache.get(order.key)
            if cached is not None:
                self._cache.move_to_end(order.key)
                self.cache_hits += 1
                return cached
            shared = self._in_flight.get(order.key)
            if shared is not None:
                self.shared += 1
                return shared
            self._admit(client)
            future: concurrent.futures.Future[bytes] = concurrent.futures.Future()
            self._seq += 1
            self._tickets[order.key] = _Ticket(order, future, client, self._seq)
            self._in_flight[order.key] = future
            self.renders += 1
        future.add_done_callback(functools.partial(self._finished, order))
        self._dispatch()
        return future

    def _admit(self, client: str | None) -> None:
        """Refuse a new render past the limits: the whole queue, the web's share, one client's."""
        tickets = self._tickets.values()
        if len(tickets) >= self.settings.max_pending:
            raise KitBusy(
                N_("Too many kits are being prepared right now; please try again in a minute.")
            )
        if client is None:
            return  # chat keeps the places the web cannot take
        if sum(1 for t in tickets if t.client is not None) >= self.settings.web_share:
            raise KitBusy(
                N_("Too many kits are being prepared right now; please try again in a minute.")
            )
        if sum(1 for t in tickets if t.client == client) >= self.settings.per_client:
            raise KitBusy(
                plural(
                    "You already have {count} kit being prepared; please wait for it before "
                    "asking for more.",
                    "You already have {count} kits being prepared; please wait for them before "
                    "asking for more.",
                ),
                count=self.settings.per_client,
            )

    def _dispatch(self) -> None:
        """Hand waiting renders to free workers: chat first, then web clients in turn."""
        started: list[_Ticket] = []
        with self._lock:
            while len(self._running) < self.settings.workers and not self._closed:
                ticket = self._next_ticket()
                if ticket is None:
                    break
                self._running.add(ticket.order.key)
                started.append(ticket)
        for ticket in started:
            order = ticket.order
            try:
                work = self._start().submit(
                    self._job, order.kit, order.fmt, order.lang, order.params, self.public_url
                )
            except Exception as error:  # a pool shut down or broken: the waiter is told
                self._settle(ticket, None, error)
                continue
            work.add_done_callback(functools.partial(self._worked, ticket))

    def _next_ticket(self) -> _Ticket | None:
        waiting = [t for k, t in self._tickets.items() if k not in self._running]
        if not waiting:
            return None
        # Chat (client None) first; then web clients take turns: the one served least recently.
        chosen = min(
            waiting,
            key=lambda t: (t.client is not None, self._served.get(t.client, 0), t.seq),
        )
        self._turn += 1
        self._served[chosen.client] = self._turn
        clients = {t.client for t in self._tickets.values()}
        for client in [c for c in self._served if c not in clients]:
            del self._served[client]  # bounded: only clients with renders waiting or running
        return chosen

    def _worked(self, ticket: _Ticket, work: concurrent.futures.Future[bytes]) -> None:
        if work.cancelled():
            self._settle(ticket, None, concurrent.futures.CancelledError())
        else:
            error = work.exception()
            self._settle(ticket, None if error is not None else work.result(), error)

    def _settle(self, ticket: _Ticket, data: bytes | None, error: BaseException | None) -> None:
        with self._lock:
            self._running.discard(ticket.order.key)
            if self._tickets.get(ticket.order.key) is ticket:
                del self._tickets[ticket.order.key]
        if not ticket.future.done():
            if isinstance(error, concurrent.futures.CancelledError):
                ticket.future.cancel()
            elif error is not None:
                ticket.future.set_exception(error)
            else:
                assert data is not None
                ticket.future.set_result(data)
        self._dispatch()

    def _start(self) -> concurrent.futures.Executor:
        if self._pool is None:
            self._pool = self._new_pool()
        return self._pool

    def _new_pool(self) -> concurrent.futures.Executor:
        workers = self.settings.workers
        if self.settings.mode == "thread":
            return concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="kit-press")
        # Spawned, not forked: forking a process that runs threads (the event loop's executor,
        # PTB's) can copy a held lock into the child and hang it.
        return concurrent.futures.ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_setup,
            max_tasks_per_child=self.settings.tasks_per_worker,
        )

    def _finished(self, order: _Order, future: concurrent.futures.Future[bytes]) -> None:
        with self._lock:
            if self._in_flight.get(order.key) is future:
                del self._in_flight[order.key]
            if future.cancelled() or future.exception() is not None:
                return
            self._remember(order.key, order.rendered(future.result()))

    def _remember(self, key: Key, rendered: RenderedKit) -> None:
        size = len(rendered.data)
        if size > self.settings.cache_bytes or self.settings.cache_entries < 1:
            return
        self._cache[key] = rendered
        self._cache_size += size
        while (
            len(self._cache) > self.settings.cache_entries
            or self._cache_size > self.settings.cache_bytes
        ):
            _, dropped = self._cache.popitem(last=False)
            self._cache_size -= len(dropped.data)

    def _too_slow(self, order: _Order) -> KitError:
        log.warning("kit %s (%s) took too long to render", order.kit.id, order.fmt)
        return KitRenderError(
            N_("The kit {kit} took too long to prepare; please try again shortly."),
            kit=order.kit.id,
        )

    def _failure(self, order: _Order, error: Exception) -> KitError:
        if isinstance(error, BrokenProcessPool):
            # A worker died (killed, out of memory): the next render starts a fresh pool.
            log.error("the kit press worker died while rendering %s", order.kit.id)
            with self._lock:
                broken, self._pool = self._pool, None
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
        elif isinstance(error, concurrent.futures.CancelledError):
            log.info("a render of %s was cancelled: the bot is stopping", order.kit.id)
        else:
            log.error("rendering %s failed with %s", order.kit.id, type(error).__name__)
        return KitRenderError(
            N_("The kit {kit} could not be prepared; please try again."), kit=order.kit.id
        )


def _templates_digest(kit: Kit) -> str:
    digest = hashlib.sha256()
    for name, source in sorted(kit.template_sources().items()):
        digest.update(f"{len(name)}:{name}{len(source)}:{source}".encode())
    return digest.hexdigest()


def render_job(kit: Kit, fmt: str, lang: str, params: dict[str, str], public_url: str) -> bytes:
    """What a worker runs: one kit in one format and language (module-level, so it pickles)."""
    return _renderer(public_url).render(kit, fmt, lang, params)


@functools.lru_cache(maxsize=4)
def _renderer(public_url: str) -> Renderer:
    # One Renderer per worker keeps its Jinja environments and stylesheet between renders.
    return Renderer(public_url)


def _worker_setup() -> None:
    # Ctrl+C reaches the whole process group; the bot stops its workers itself, so a worker
    # ignores it instead of dying mid-render with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
