"""People on the test homeserver: nio clients (with encryption) that create rooms, send lines,
react, and read what the bot sends, as Element would."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, AsyncClientConfig, Event, RoomCreateResponse

from tests.bot.platforms.matrix.homeserver import Account, Homeserver

WAIT = 60.0


@dataclass(frozen=True)
class Seen:
    """An event as the person's client saw it (decrypted when it was encrypted)."""

    room: str
    event_id: str
    sender: str
    content: dict[str, Any]
    kind: str

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))


class Person:
    """One person with a fresh device (so encryption keys are new for every test)."""

    def __init__(self, homeserver: Homeserver, account: Account, store: Path) -> None:
        self.account = account
        self.user_id = account.user_id
        store.mkdir(parents=True, exist_ok=True)
        self.client: Any = AsyncClient(
            homeserver.url,
            account.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True),
        )
        self.seen: list[Seen] = []
        self._sync: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        response = await self.client.login(self.account.password, device_name="test")
        assert getattr(response, "access_token", None), response
        self.client.add_event_callback(self._on_event, Event)
        await self.client.sync(timeout=0, full_state=True)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self._sync = asyncio.create_task(self.client.sync_forever(timeout=1000))

    async def stop(self) -> None:
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync
        await self.client.close()

    async def _on_event(self, room: Any, event: Any) -> None:
        source = getattr(event, "source", {}) or {}
        self.seen.append(
            Seen(
                room.room_id,
                str(source.get("event_id", getattr(event, "event_id", ""))),
                str(source.get("sender", getattr(event, "sender", ""))),
                dict(source.get("content", {})),
                str(source.get("type", "")),
            )
        )
        self._changed.set()

    # -- rooms ------------------------------------------------------------------------------

    async def create_room(
        self, invite: list[str], *, direct: bool = False, encrypted: bool = False
    ) -> str:
        state = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        response = await self.client.room_create(
            invite=invite, is_direct=direct, initial_state=state, name="" if direct else "Group"
        )
        assert isinstance(response, RoomCreateResponse), response
        return str(response.room_id)

    async def join(self, room: str) -> None:
        async def joined() -> bool:
            response = await self.client.join(room)
            return bool(getattr(response, "room_id", None))

        await wait_until(joined, f"{self.user_id} joins {room}")

    async def wait_member(self, room: str, user_id: str) -> None:
        async def present() -> bool:
            response = await self.client.joined_members(room)
            members = getattr(response, "members", []) or []
            return any(m.user_id == user_id for m in members)

        await wait_until(present, f"{user_id} in {room}")
        # Our own client must know the member (and their devices) before we encrypt for them.
        await self.client.sync(timeout=0)

    # -- talking ----------------------------------------------------------------------------

    async def say(self, room: str, text: str) -> str:
        response = await self.client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )  # fmt: skip
        event_id = getattr(response, "event_id", None)
        assert event_id, response
        return str(event_id)

    async def react(self, room: str, event_id: str, key: str) -> None:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        response = await self.client.room_send(
            room, "m.reaction", content, ignore_unverified_devices=True
        )
        assert getattr(response, "event_id", None), response

    async def wait_for(
        self, test: Callable[[Seen], bool], what: str, timeout: float = WAIT
    ) -> Seen:
        deadline = time.monotonic() + timeout
        while True:
            for seen in self.seen:
                if test(seen):
                    return seen
            left = deadline - time.monotonic()
            if left <= 0:
                bodies = "\n".join(f"{s.kind} {s.sender}: {s.body[:120]}" for s in self.seen)
                raise AssertionError(f"{self.user_id} never saw {what}; saw:\n{bodies}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    async def wait_text(self, room: str, sender: str, needle: str, timeout: float = WAIT) -> Seen:
        return await self.wait_for(
            lambda s: (
                s.room == room
                and s.sender == sender
                and s.kind == "m.room.message"
                and needle in s.body
            ),
            f"a message with {needle!r} in {room}",
            timeout,
        )

    async def download(self, mxc: str) -> bytes:
        response = await self.client.download(mxc=mxc)
        body = getattr(response, "body", None)
        assert isinstance(body, bytes), response
        return body


async def wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")
