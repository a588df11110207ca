"""The ports `canbot run` will listen on, checked free before anything is created."""

from __future__ import annotations

import errno
import socket

from bot.config import Config


def listening_ports(config: Config) -> list[tuple[str, str, int]]:
    """(config key, host, port) of every server `canbot run` starts; port 0 picks a free one."""
    found = [("web.port", config.web.host, config.web.port)]
    telegram = config.telegram
    if telegram.enabled and telegram.mode == "webhook":
        found.append(("telegram.port", telegram.listen, telegram.port))
    return [item for item in found if item[2]]


def port_in_use(host: str, port: int) -> bool:
    """Whether another program already listens on host:port.

    SO_REUSEADDR as aiohttp sets it: a port left in TIME_WAIT by our own last run is free,
    while one with a live listener still refuses the bind.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return False  # the server itself will name an unknown host
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return True
    return False


def busy_port_line(config: Config) -> str:
    """One line naming the first port that is taken (host, port and its key), else empty."""
    for key, host, port in listening_ports(config):
        if port_in_use(host, port):
            return in_use_line(key, host, port)
    return ""


def in_use_line(key: str, host: str, port: int) -> str:
    return (
        f"{host}:{port} is already in use by another program: stop it, or set {key} to a free port"
    )
