"""Configuration: a pure loader from YAML text plus the environment into frozen objects.

A bad config raises ConfigError with one line naming the key and the problem. ``${VAR}`` in a
value is read from the environment (secrets live there, never in the file); an unset variable
reads as empty, which turns a platform off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from circles.network import Network

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DURATION = re.compile(r"^(\d+)\s*([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ConfigError(Exception):
    """A config problem, as one line that names the key."""


@dataclass(frozen=True)
class StorageConfig:
    url: str = "tinydb://./data/can.json"


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    base_url: str = ""
    mode: str = "polling"
    webhook_url: str = ""
    secret_token: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = ""
    app_token: str = ""
    signing_secret: str = ""
    api_base_url: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class MeetupsConfig:
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))


@dataclass(frozen=True)
class KitsConfig:
    extra_dirs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class TopicsConfig:
    threshold: int = 3  # backers, the proposer included, that turn a topic into an action group


@dataclass(frozen=True)
class Config:
    network: Network = field(default_factory=Network)
    storage: StorageConfig = field(default_factory=StorageConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    web: WebConfig = field(default_factory=WebConfig)
    meetups: MeetupsConfig = field(default_factory=MeetupsConfig)
    kits: KitsConfig = field(default_factory=KitsConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    source: str = "built-in defaults"


SECTIONS: dict[str, set[str]] = {
    "network": {"name", "timezone", "language", "admins"},
    "storage": {"url"},
    "telegram": {"token", "base_url", "mode", "webhook_url", "secret_token", "listen", "port"},
    "slack": {"bot_token", "app_token", "signing_secret", "api_base_url"},
    "web": {"host", "port", "public_url"},
    "meetups": {"reminders"},
    "kits": {"extra_dirs"},
    "topics": {"threshold"},
}


def parse_duration(text: str, key: str) -> timedelta:
    """``30s``, ``15m``, ``1h``, ``2d`` -> timedelta."""
    match = DURATION.match(str(text).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"{key}: '{text}' is not a duration like 30s, 15m, 1h or 2d")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def format_duration(duration: timedelta) -> str:
    """The inverse of ``parse_duration`` in the largest whole unit: 24 hours -> ``1d``."""
    seconds = int(duration.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: env.get(m.group(1), ""), value)
    if isinstance(value, list):
        return [_expand(item, env) for item in value]
    if isinstance(value, dict):
        return {key: _expand(item, env) for key, item in value.items()}
    return value


def _text(section: Mapping[str, Any], name: str, key: str, default: str) -> str:
    value = section.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ConfigError(f"{key}.{name}: expected text, got {type(value).__name__}")
    return str(value).strip()


def _port(section: Mapping[str, Any], name: str, key: str, default: int) -> int:
    value = section.get(name, default)
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}.{name}: '{value}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{key}.{name}: {port} is not a port number (0-65535)")
    return port


def _url(value: str, key: str) -> str:
    if value and not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(f"{key}: '{value}' is not an http(s) URL")
    return value.rstrip("/")


def parse_config(text: str, env: Mapping[str, str], source: str = "<text>") -> Config:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections")
    for name, section in raw.items():
        if name not in SECTIONS:
            raise ConfigError(f"{name}: unknown section (known: {', '.join(SECTIONS)})")
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{name}: must be a mapping of keys")
        for key in section:
            if key not in SECTIONS[name]:
                raise ConfigError(f"{name}.{key}: unknown key")
    raw = _expand(raw, env)
    sections = {name: raw.get(name) or {} for name in SECTIONS}
    return Config(
        network=_network(sections["network"]),
        storage=_storage(sections["storage"]),
        telegram=_telegram(sections["telegram"]),
        slack=_slack(sections["slack"]),
        web=_web(sections["web"]),
        meetups=_meetups(sections["meetups"]),
        kits=_kits(sections["kits"]),
        topics=_topics(sections["topics"]),
        source=source,
    )


def _network(section: Mapping[str, Any]) -> Network:
    timezone = _text(section, "timezone", "network", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"network.timezone: '{timezone}' is not a known time zone") from None
    language = _text(section, "language", "network", "zh")
    if language not in ("zh", "en"):
        raise ConfigError(f"network.language: '{language}' is not zh or en")
    admins = section.get("admins") or []
    if not isinstance(admins, list) or not all(isinstance(a, str | int) for a in admins):
        raise ConfigError("network.admins: expected a list of identities like telegram:123456")
    for admin in admins:
        if not re.match(r"^(telegram|slack|console):\S+$", str(admin)):
            raise ConfigError(
                f"network.admins: '{admin}' is not an identity like telegram:123456, "
                "slack:T1:U1 or console:alice"
            )
    return Network(
        name=_text(section, "name", "network", "CAN") or "CAN",
        timezone=timezone,
        language=language,
        admins=frozenset(str(a) for a in admins),
    )


def _storage(section: Mapping[str, Any]) -> StorageConfig:
    url = _text(section, "url", "storage", StorageConfig.url)
    if not (url.startswith("tinydb://") and len(url) > len("tinydb://")) and url != "memory://":
        raise ConfigError(f"storage.url: '{url}' is not supported (use tinydb://PATH or memory://)")
    return StorageConfig(url=url)


def _telegram(section: Mapping[str, Any]) -> TelegramConfig:
    mode = _text(section, "mode", "telegram", "polling")
    if mode not in ("polling", "webhook"):
        raise ConfigError(f"telegram.mode: '{mode}' is not polling or webhook")
    token = _text(section, "token", "telegram", "")
    if token and not re.match(r"^\d+:[A-Za-z0-9_-]+$", token):
        raise ConfigError("telegram.token: does not look like a bot token (123456:ABC...)")
    config = TelegramConfig(
        token=token,
        base_url=_url(_text(section, "base_url", "telegram", ""), "telegram.base_url"),
        mode=mode,
        webhook_url=_url(_text(section, "webhook_url", "telegram", ""), "telegram.webhook_url"),
        secret_token=_text(section, "secret_token", "telegram", ""),
        listen=_text(section, "listen", "telegram", "127.0.0.1"),
        port=_port(section, "port", "telegram", 8443),
    )
    if token and mode == "webhook" and not config.webhook_url:
        raise ConfigError("telegram.webhook_url: required when telegram.mode is webhook")
    # At least 16 characters: a short secret can be guessed by anyone who finds the webhook.
    if (
        token
        and mode == "webhook"
        and not re.match(r"^[A-Za-z0-9_-]{16,256}$", config.secret_token)
    ):
        raise ConfigError(
            "telegram.secret_token: required in webhook mode (16-256 of A-Z a-z 0-9 _ -)"
        )
    return config


def _slack(section: Mapping[str, Any]) -> SlackConfig:
    config = SlackConfig(
        bot_token=_text(section, "bot_token", "slack", ""),
        app_token=_text(section, "app_token", "slack", ""),
        signing_secret=_text(section, "signing_secret", "slack", ""),
        api_base_url=_url(_text(section, "api_base_url", "slack", ""), "slack.api_base_url"),
    )
    if not config.enabled:
        return config
    # Swapped tokens are the usual setup slip; say so instead of failing later at auth.test.
    if not config.bot_token.startswith("xoxb-"):
        raise ConfigError("slack.bot_token: expected a bot token starting with xoxb-")
    if config.app_token and not config.app_token.startswith("xapp-"):
        raise ConfigError("slack.app_token: expected an app-level token starting with xapp-")
    if not config.app_token and not config.signing_secret:
        # Without it, HTTP mode could not tell Slack's requests from anyone else's.
        raise ConfigError(
            "slack.signing_secret: required in HTTP mode (set it, or slack.app_token for "
            "Socket Mode)"
        )
    return config


def _web(section: Mapping[str, Any]) -> WebConfig:
    host = _text(section, "host", "web", "127.0.0.1")
    port = _port(section, "port", "web", 8080)
    default_url = f"http://{host}:{port}"
    return WebConfig(
        host=host,
        port=port,
        public_url=_url(_text(section, "public_url", "web", default_url), "web.public_url"),
    )


def _meetups(section: Mapping[str, Any]) -> MeetupsConfig:
    reminders = section.get("reminders", ["24h", "1h"])
    if not isinstance(reminders, list):
        raise ConfigError("meetups.reminders: expected a list like [24h, 1h]")
    offsets = sorted(
        {parse_duration(item, "meetups.reminders") for item in reminders}, reverse=True
    )
    return MeetupsConfig(reminders=tuple(offsets))


def _kits(section: Mapping[str, Any]) -> KitsConfig:
    dirs = section.get("extra_dirs") or []
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise ConfigError("kits.extra_dirs: expected a list of folder paths")
    return KitsConfig(extra_dirs=tuple(Path(d) for d in dirs))


def _topics(section: Mapping[str, Any]) -> TopicsConfig:
    value = section.get("threshold", TopicsConfig.threshold)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"topics.threshold: '{value}' is not a whole number of backers")
    try:
        threshold = int(value)
    except ValueError:
        raise ConfigError(f"topics.threshold: '{value}' is not a whole number of backers") from None
    if not 1 <= threshold <= 1000:
        raise ConfigError(f"topics.threshold: {threshold} is not between 1 and 1000")
    return TopicsConfig(threshold=threshold)


def load_config(path: Path | None, env: Mapping[str, str]) -> Config:
    """Read ``path`` (None: built-in defaults) with ``env`` for ``${VAR}`` values."""
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    return parse_config(text, env, source=str(path))
