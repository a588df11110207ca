"""A real Matrix homeserver for the tests: Synapse from the package index, SQLite, on 127.0.0.1.

Started once per test run in its own temporary folder (conftest's session fixture), on an
ephemeral port, with registration by shared secret; stopped at the end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER_NAME = "localhost"
START_TIMEOUT = 90.0
GENEROUS = {"per_second": 1000, "burst_count": 1000}


@dataclass(frozen=True)
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_config(folder: Path, port: int, secret: str) -> dict[str, Any]:
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(folder / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(folder / "homeserver.db")}},
        "log_config": str(folder / "log.yaml"),
        "media_store_path": str(folder / "media"),
        "registration_shared_secret": secret,
        "report_stats": False,
        "signing_key_path": str(folder / "signing.key"),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "enable_metrics": False,
        "presence": {"enabled": False},
        # The tests send fast; the rate-limit test sets a tight limit for the bot alone.
        "rc_message": GENEROUS,
        "rc_registration": GENEROUS,
        "rc_login": {"address": GENEROUS, "account": GENEROUS, "failed_attempts": GENEROUS},
        "rc_joins": {"local": GENEROUS, "remote": GENEROUS},
        "rc_joins_per_room": GENEROUS,
        "rc_invites": {"per_room": GENEROUS, "per_user": GENEROUS, "per_issuer": GENEROUS},
        "rc_admin_redaction": GENEROUS,
        "rc_key_requests": GENEROUS,
        "rc_media_create": GENEROUS,
        "rc_room_creation": GENEROUS,
        "rc_send_to_device": GENEROUS,
        # Thumbnails on request, not at upload: an upload on a busy machine stays quick.
        "dynamic_thumbnails": True,
    }


LOG_CONFIG = """version: 1
formatters:
  precise: {format: '%(asctime)s %(name)s %(levelname)s %(message)s'}
handlers:
  file: {class: logging.FileHandler, filename: '{LOG}', formatter: precise}
root: {level: INFO, handlers: [file]}
disable_existing_loggers: false
"""


class Homeserver:
    """Synapse as a child process; ``url`` once started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(16)
        self._process: subprocess.Popen[bytes] | None = None
        self._admin: Account | None = None

    @property
    def log(self) -> Path:
        return self.folder / "homeserver.log"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "log.yaml").write_text(LOG_CONFIG.replace("{LOG}", str(self.log)))
        config = self.folder / "homeserver.yaml"
        config.write_text(json.dumps(server_config(self.folder, self.port, self.secret)))
        command = [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config)]
        subprocess.run([*command, "--generate-keys"], check=True, capture_output=True, timeout=120)
        with (self.folder / "output.txt").open("wb") as output:  # the child keeps its own copy
            self._process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = (self.folder / "output.txt").read_text(errors="replace")[-300:]
                raise RuntimeError(f"Synapse exited at start: {tail.strip()}")
            try:
                self.get("/_matrix/client/versions")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- client-server API, synchronous (setup only) ----------------------------------------

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str = ""
    ) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer

    def get(self, path: str) -> dict[str, Any]:
        return self.request("GET", path)

    def register(self, localpart: str, *, admin: bool = False) -> Account:
        """A new account by shared-secret registration (Synapse's admin API)."""
        password = secrets.token_urlsafe(12)
        nonce = self.get("/_synapse/admin/v1/register")["nonce"]
        digest = hmac.new(
            self.secret.encode(),
            b"\x00".join(
                p.encode() for p in (nonce, localpart, password, "admin" if admin else "notadmin")
            ),
            hashlib.sha1,
        ).hexdigest()
        answer = self.request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": digest,
            },
        )
        return Account(answer["user_id"], password, answer["access_token"], answer["device_id"])

    def admin(self) -> Account:
        if self._admin is None:
            self._admin = self.register("admin" + secrets.token_hex(3), admin=True)
        return self._admin

    def limit_messages(self, user_id: str, per_second: int, burst: int) -> None:
        """A tight message rate for one user (Synapse's per-user rate-limit override)."""
        self.request(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst},
            token=self.admin().access_token,
        )

    def unlimit_messages(self, user_id: str) -> None:
        self.request(
            "DELETE",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            token=self.admin().access_token,
        )
