"""`canbot run`: every configured platform, the control socket and the web portal in one loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

from bot.app.bootstrap import Runtime, control_socket_path, store_path
from bot.app.leader import LeaderDuties, leadership_for
from bot.app.web import WebPortal, add_routes, build_web_app
from bot.config import Config
from bot.platforms.base import Leads, Platform, ServesWeb
from bot.platforms.console.control import ControlServer
from bot.platforms.matrix.adapter import MatrixPlatform
from bot.platforms.matrix.session import whoami_line
from bot.platforms.slack.adapter import SlackPlatform
from bot.platforms.telegram.adapter import TelegramPlatform
from bot.portal.site import Site

log = logging.getLogger(__name__)


def build_platforms(runtime: Runtime) -> list[Platform]:
    """The chat platforms the config turns on (adapters register here as they arrive)."""
    platforms: list[Platform] = []
    if runtime.config.telegram.enabled:
        platforms.append(TelegramPlatform(runtime.config.telegram, runtime.dispatcher))
    if runtime.config.slack.enabled:
        platforms.append(SlackPlatform(runtime.config, runtime.dispatcher))
    if runtime.config.matrix.enabled:
        platforms.append(
            MatrixPlatform(runtime.config.matrix, runtime.dispatcher, matrix_dir(runtime.config))
        )
    return platforms


def matrix_dir(config: Config) -> Path:
    """The Matrix login and encryption keys live beside the store (./data without one)."""
    path = store_path(config)
    return (path.parent if path is not None else Path("data")) / "matrix"


async def matrix_login(config: Config) -> str:
    """``@bot:server (device D)`` as the homeserver's whoami says, for `canbot check`."""
    return await whoami_line(config.matrix, matrix_dir(config))


def portal_site(runtime: Runtime) -> Site:
    dispatcher = runtime.dispatcher
    return Site(
        runtime.uow,
        runtime.config,
        dispatcher.catalogs,
        dispatcher.kits,
        dispatcher.kit_press,
        dispatcher.map_drawings,
    )


async def serve(runtime: Runtime, platforms: Sequence[Platform] | None = None) -> None:
    """Run until SIGINT or SIGTERM, then stop everything in reverse order."""
    config = runtime.config
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started: list[Platform] = []
    leadership = leadership_for(runtime)
    # Built before anything starts: routes must be mounted before the portal listens.
    web_app = build_web_app(runtime.uow, portal_site(runtime), leadership=leadership)
    platforms = build_platforms(runtime) if platforms is None else platforms
    for platform in platforms:
        if isinstance(platform, ServesWeb):
            add_routes(web_app, platform.web_routes())
    control = None
    socket_path = control_socket_path(config)
    if socket_path is not None:
        control = ControlServer(socket_path, runtime.dispatcher.handle, runtime.uow)
        await control.start()
    portal = WebPortal(web_app, config.web.host, config.web.port)
    try:
        port = await portal.start()
        print(f"Web portal on http://{config.web.host}:{port}", flush=True)
        for platform in platforms:
            if isinstance(platform, Leads):
                # Leader work waits for the election (at once on an embedded store).
                platform.leads_at_start = False
            await platform.start()
            started.append(platform)
            print(f"{platform.name} is connected.", flush=True)
        if not started:
            print(
                "No chat platform is configured: set telegram.token or slack.bot_token in a "
                "config file (see config.example.yaml) and start with --config. Meanwhile, "
                "talk to the bot with: canbot chat --as yourname",
                flush=True,
            )
        duties = LeaderDuties(runtime, started)
        await leadership.start(duties.start, duties.stop)
        print("canbot is running; Ctrl+C stops it.", flush=True)
        await stop.wait()
        print("Stopping...", flush=True)
    finally:
        await leadership.stop()
        for platform in reversed(started):
            try:
                await platform.stop()
            except Exception:
                log.exception("%s did not stop cleanly", platform.name)
        await portal.stop()
        if control is not None:
            await control.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
