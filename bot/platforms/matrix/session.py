"""The bot's Matrix login: an access token from the config, or a first password login whose
token is kept (0600) under the data directory, and nio's key store beside it (0700).

The token is never logged: errors name the homeserver and the problem, not the request.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, AsyncClientConfig, LoginResponse, WhoamiResponse
from nio.crypto import ENCRYPTION_ENABLED

from bot.config import ConfigError, MatrixConfig

TOKEN_FILE = "login.json"
STORE_DIR = "store"
REQUEST_TIMEOUT = 30.0
# How many times one request waits out M_LIMIT_EXCEEDED (retry_after_ms) before giving up.
LIMIT_RETRIES = 20


@dataclass(frozen=True)
class Login:
    user_id: str
    device_id: str
    access_token: str


def private_dir(path: Path) -> Path:
    """A folder only the bot's user may enter: it holds the login token and encryption keys."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def saved_login(folder: Path, config: MatrixConfig) -> Login | None:
    """The token a previous password login stored, if it is for this account and server."""
    try:
        data = json.loads((folder / TOKEN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("homeserver") != config.homeserver or data.get("user_id") != config.user_id:
        return None
    device, token = data.get("device_id"), data.get("access_token")
    if not isinstance(device, str) or not isinstance(token, str):
        return None
    return Login(config.user_id, device, token)


def save_login(folder: Path, config: MatrixConfig, login: Login) -> None:
    path = folder / TOKEN_FILE
    temporary = path.with_suffix(".tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(
            {
                "homeserver": config.homeserver,
                "user_id": login.user_id,
                "device_id": login.device_id,
                "access_token": login.access_token,
            },
            file,
        )
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def new_client(config: MatrixConfig, store: Path | None, device_id: str = "") -> Any:
    client_config = AsyncClientConfig(
        encryption_enabled=ENCRYPTION_ENABLED and store is not None,
        store_sync_tokens=store is not None,
        max_limit_exceeded=LIMIT_RETRIES,
        request_timeout=REQUEST_TIMEOUT,
    )
    return AsyncClient(
        config.homeserver,
        config.user_id,
        device_id=device_id,
        store_path=str(store) if store is not None else "",
        config=client_config,
    )


def _unreachable(config: MatrixConfig, error: BaseException) -> ConfigError:
    return ConfigError(
        f"matrix: cannot reach the homeserver at {config.homeserver} ({type(error).__name__})"
    )


async def whoami(config: MatrixConfig, token: str) -> WhoamiResponse:
    """Ask the homeserver who the token belongs to; a refusal is one line without the token."""
    client = new_client(config, None)
    client.access_token = token
    client.user_id = config.user_id
    try:
        response = await client.whoami()
    except Exception as error:
        raise _unreachable(config, error) from None
    finally:
        await client.close()
    if not isinstance(response, WhoamiResponse):
        raise ConfigError(
            f"matrix.access_token: the homeserver refused it ({response.status_code or 'error'})"
        )
    if response.user_id != config.user_id:
        raise ConfigError(
            f"matrix.user_id: the token belongs to {response.user_id}, not {config.user_id}"
        )
    return response


async def password_login(config: MatrixConfig, folder: Path) -> Login:
    """Log in with the password once; the token is stored and reused on every later start."""
    stored = saved_login(folder, config)
    if stored is not None:
        try:
            await whoami(config, stored.access_token)
            return stored
        except ConfigError:
            pass  # logged out or expired: log in again
    client = new_client(config, None)
    try:
        response = await client.login(config.password, device_name=config.device_name)
    except Exception as error:
        raise _unreachable(config, error) from None
    finally:
        await client.close()
    if not isinstance(response, LoginResponse):
        raise ConfigError(
            f"matrix.password: the homeserver refused the login ({response.status_code or 'error'})"
        )
    login = Login(response.user_id, response.device_id, response.access_token)
    save_login(folder, config, login)
    return login


async def log_in(config: MatrixConfig, data_dir: Path) -> Login:
    folder = private_dir(data_dir)
    if config.access_token:
        response = await whoami(config, config.access_token)
        if not response.device_id:
            raise ConfigError("matrix.access_token: the homeserver names no device for it")
        return Login(response.user_id, response.device_id, config.access_token)
    return await password_login(config, folder)


async def open_client(config: MatrixConfig, data_dir: Path) -> tuple[Any, Login]:
    """A logged-in client whose key store (encrypted rooms) is under ``data_dir``."""
    login = await log_in(config, data_dir)
    # One store per device: a new token with a new device must not reuse another's keys.
    store = private_dir(private_dir(data_dir / STORE_DIR) / login.device_id)
    client = new_client(config, store, login.device_id)
    client.restore_login(login.user_id, login.device_id, login.access_token)
    return client, login


async def whoami_line(config: MatrixConfig, data_dir: Path) -> str:
    """Who the homeserver says the bot is, for `canbot check`; never the token itself."""
    token = config.access_token
    if not token:
        stored = saved_login(data_dir, config)
        if stored is None:
            return f"{config.user_id} (password set; the first canbot run logs in)"
        token = stored.access_token
    response = await whoami(config, token)
    crypto = "encryption on" if encryption_supported() else "encryption off"
    return f"{response.user_id} (device {response.device_id}, {crypto})"


def encryption_supported() -> bool:
    return bool(ENCRYPTION_ENABLED)
