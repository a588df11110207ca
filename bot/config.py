"""Configuration: a pure loader from YAML text plus the environment into frozen objects.

A bad config raises ConfigError with one line naming the key and the problem. ``${VAR}`` in a
value is read from the environment (secrets live there, never in the file). A platform's token
naming an unset variable stops the start, naming it: a platform the operator configured is never
silently off. ``${VAR:-}`` (or ``${VAR:-default}``) marks a value that may stay unset.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from circles.ask import AskRules
from circles.governance import COUNTS, NAMES, Governance
from circles.network import Network

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}")
# The key that turns each platform on: an unset variable there is an error, not "off".
PLATFORM_TOKENS = {"telegram": "token", "slack": "bot_token"}
LOOPBACK_HOSTS = ("localhost", "::1", "0.0.0.0")
DURATION = re.compile(r"^(\d+)\s*([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ConfigError(Exception):
    """A config problem, as one line that names the key."""


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class StorageConfig:
    url: str = "tinydb://./data/can.json"
    max_connections: int = 10  # per replica, PostgreSQL only

    @property
    def shown(self) -> str:
        """The URL as it may be printed or logged: a postgresql:// password is left out."""
        scheme, sep, rest = self.url.partition("://")
        credentials, at, host = rest.rpartition("@")
        if not (sep and at) or scheme == "tinydb":
            return self.url
        return f"{scheme}{sep}{credentials.partition(':')[0]}@{host}"

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(POSTGRES_SCHEMES)


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
class MatrixConfig:
    homeserver: str = ""
    user_id: str = ""
    access_token: str = ""
    password: str = ""  # a first login only: the token it gets is stored (0600) and used after
    device_name: str = "canbot"
    allowed_servers: tuple[str, ...] = ()  # whose invites are accepted; empty: the bot's own
    prefix: str = "!can"  # in group rooms, a command starts with this (or mentions the bot)

    @property
    def enabled(self) -> bool:
        return bool(self.homeserver and self.user_id and (self.access_token or self.password))

    @property
    def server_name(self) -> str:
        return self.user_id.partition(":")[2]

    @property
    def servers(self) -> tuple[str, ...]:
        return self.allowed_servers or (self.server_name,)


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
    asks: AskRules = field(default_factory=AskRules)
    matrix: MatrixConfig = field(default_factory=MatrixConfig)
    source: str = "built-in defaults"


SECTIONS: dict[str, set[str]] = {
    "network": {"name", "timezone", "language", "admins"},
    "storage": {"url", "max_connections"},
    "telegram": {"token", "base_url", "mode", "webhook_url", "secret_token", "listen", "port"},
    "slack": {"bot_token", "app_token", "signing_secret", "api_base_url"},
    "web": {"host", "port", "public_url"},
    "meetups": {"reminders"},
    "kits": {"extra_dirs"},
    "topics": {"threshold"},
    "asks": {
        "escalate_urgent_after",
        "escalate_after",
        "nudge_after",
        "retention",
        "max_open",
        "notify_max",
    },
    "matrix": {
        "homeserver",
        "user_id",
        "access_token",
        "password",
        "device_name",
        "allowed_servers",
        "prefix",
    },
    "governance": {
        "close_after",
        "quorum",
        "quorum_min",
        "remind_before",
        "term_notice",
        "term_grace",
        "max_terms",
        "positions",
    },
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


def _expand(value: Any, env: Mapping[str, str], key: str = "") -> Any:
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: _variable(m, env, key), value)
    if isinstance(value, list):
        return [_expand(item, env, key) for item in value]
    if isinstance(value, dict):
        return {
            name: _expand(item, env, f"{key}.{name}" if key else name)
            for name, item in value.items()
        }
    return value


def _variable(match: re.Match[str], env: Mapping[str, str], key: str) -> str:
    name, optional, default = match.group(1), match.group(2), match.group(3) or ""
    if name in env:
        return env[name]
    section, _, field_name = key.partition(".")
    if optional is None and PLATFORM_TOKENS.get(section) == field_name:
        raise ConfigError(
            f"{key}: the environment variable {name} is not set; set it, or remove "
            f"{key} to run without {section.capitalize()}"
        )
    return default


def _suggestion(word: str, known: Iterable[str]) -> str:
    """`` (did you mean language?)`` for a misspelt key, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _text(section: Mapping[str, Any], name: str, key: str, default: str) -> str:
    value = section.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ConfigError(f"{key}.{name}: expects text, not {_shown(value)}")
    return str(value).strip()


def _port(section: Mapping[str, Any], name: str, key: str, default: int) -> int:
    """A whole number 1-65535 (0: any free port); ``yes`` or ``8080.5`` is no port."""
    value = section.get(name, default)
    expects = "expects a port number, a whole number from 1 to 65535"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"{key}.{name}: {expects}, not {_shown(value)}")
    if isinstance(value, str) and not value.strip().isdecimal():
        raise ConfigError(f"{key}.{name}: {expects}, not {_shown(value)}")
    port = int(value)
    if not 0 <= port <= 65535:
        raise ConfigError(f"{key}.{name}: {expects}, not {port}")
    return port


def _shown(value: Any) -> str:
    """How a wrong value reads in an error: as YAML wrote it (``yes`` read as true)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float):
        return f"the decimal {value}"
    return f"a {type(value).__name__}" if isinstance(value, list | dict) else str(value)


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
            hint = _suggestion(str(name), SECTIONS)
            raise ConfigError(f"{name}: unknown section{hint} (known: {', '.join(SECTIONS)})")
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{name}: must be a mapping of keys")
        for key in section:
            if key not in SECTIONS[name]:
                # The right key in the wrong section first, then the nearest one here.
                elsewhere = [f"{s}.{key}" for s, keys in SECTIONS.items() if key in keys]
                hint = f" (did you mean {' or '.join(sorted(elsewhere))}?)" if elsewhere else ""
                hint = hint or _suggestion(str(key), SECTIONS[name])
                raise ConfigError(f"{name}.{key}: unknown key{hint}")
    raw = _expand(raw, env)
    sections = {name: raw.get(name) or {} for name in SECTIONS}
    return Config(
        network=replace(
            _network(sections["network"]), governance=_governance(sections["governance"])
        ),
        storage=_storage(sections["storage"]),
        telegram=_telegram(sections["telegram"]),
        slack=_slack(sections["slack"]),
        web=_web(sections["web"]),
        meetups=_meetups(sections["meetups"]),
        kits=_kits(sections["kits"]),
        topics=_topics(sections["topics"]),
        asks=_asks(sections["asks"]),
        matrix=_matrix(sections["matrix"]),
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
        if not re.match(r"^(telegram|slack|console|matrix):\S+$", str(admin)):
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
    connections = section.get("max_connections", StorageConfig.max_connections)
    whole = isinstance(connections, int) and not isinstance(connections, bool)
    if not whole or not 1 <= connections <= 100:
        raise ConfigError("storage.max_connections: must be a whole number from 1 to 100")
    config = StorageConfig(url=url, max_connections=connections)
    if config.is_postgres:
        if not url.partition("://")[2].strip("/"):
            raise ConfigError("storage.url: a postgresql:// URL needs a host and a database")
        return config
    if not (url.startswith("tinydb://") and len(url) > len("tinydb://")) and url != "memory://":
        raise ConfigError(
            f"storage.url: '{config.shown}' is not supported "
            "(use tinydb://PATH, postgresql://USER@HOST/DB or memory://)"
        )
    return config


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


def _asks(section: Mapping[str, Any]) -> AskRules:
    """Times as short as a minute (a trial network watches an ask escalate), counts >= 1."""
    defaults = AskRules()
    times: dict[str, timedelta] = {}
    for name in ("escalate_urgent_after", "escalate_after", "nudge_after", "retention"):
        value = section.get(name)
        if value is None:
            times[name] = getattr(defaults, name)
            continue
        times[name] = parse_duration(value, f"asks.{name}")
        if times[name] < timedelta(minutes=1):
            raise ConfigError(f"asks.{name}: '{value}' is shorter than one minute")
    counts: dict[str, int] = {}
    for name in ("max_open", "notify_max"):
        value = section.get(name, getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise ConfigError(f"asks.{name}: '{value}' is not a whole number from 1 to 1000")
        counts[name] = value
    return AskRules(
        escalate_urgent_after=times["escalate_urgent_after"],
        escalate_after=times["escalate_after"],
        nudge_after=times["nudge_after"],
        retention=times["retention"],
        max_open=counts["max_open"],
        notify_max=counts["notify_max"],
    )


def is_loopback_url(url: str) -> bool:
    """Whether a URL points at this machine only (127.0.0.1, localhost, ::1)."""
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def loopback_warning(config: Config) -> str:
    """One line when chat links would point at this machine only; empty when all is well."""
    if not (config.telegram.enabled or config.slack.enabled):
        return ""
    if not is_loopback_url(config.web.public_url):
        return ""
    return (
        f"warning: web.public_url is {config.web.public_url}, which only this machine can "
        "open: links, kit QR codes and calendars sent in chat will not work for anyone else; "
        "set web.public_url to the portal's public address"
    )


MATRIX_USER = re.compile(r"^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:\d+)?$")
SERVER_NAME = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


def _matrix(section: Mapping[str, Any]) -> MatrixConfig:
    servers = section.get("allowed_servers") or []
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise ConfigError("matrix.allowed_servers: expected a list of server names (example.org)")
    for server in servers:
        if not SERVER_NAME.match(server.strip()):
            raise ConfigError(f"matrix.allowed_servers: '{server}' is not a server name")
    config = MatrixConfig(
        homeserver=_url(_text(section, "homeserver", "matrix", ""), "matrix.homeserver"),
        user_id=_text(section, "user_id", "matrix", ""),
        access_token=_text(section, "access_token", "matrix", ""),
        password=_text(section, "password", "matrix", ""),
        device_name=_text(section, "device_name", "matrix", "canbot") or "canbot",
        allowed_servers=tuple(s.strip() for s in servers),
        prefix=_text(section, "prefix", "matrix", "!can") or "!can",
    )
    if not (config.access_token or config.password):
        return config  # off, like a platform without its token
    if not config.homeserver:
        raise ConfigError("matrix.homeserver: required (the homeserver's URL, https://...)")
    if not MATRIX_USER.match(config.user_id):
        raise ConfigError("matrix.user_id: expected a Matrix user id like @canbot:example.org")
    if " " in config.prefix:
        raise ConfigError(f"matrix.prefix: '{config.prefix}' must be one word, like !can")
    return config


def _whole(section: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"governance.{name}: '{value}' is not a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"governance.{name}: '{value}' is not a whole number") from None
    if not low <= number <= high:
        raise ConfigError(f"governance.{name}: {number} is not between {low} and {high}")
    return number


def _quorum(value: Any) -> Fraction:
    """``1/3``, ``0.5`` or ``50%`` of the circle's members."""
    text = str(value).strip()
    try:
        share = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"governance.quorum: '{value}' is not a fraction like 1/3") from None
    if not 0 <= share <= 1:
        raise ConfigError(f"governance.quorum: {value} is not between 0 and 1")
    return share


def _governance(section: Mapping[str, Any]) -> Governance:
    default = Governance()

    def span(name: str, fallback: timedelta) -> timedelta:
        if name not in section:
            return fallback
        duration = parse_duration(section[name], f"governance.{name}")
        if duration < timedelta(minutes=1):
            raise ConfigError(f"governance.{name}: at least one minute")
        return duration

    positions = _text(section, "positions", "governance", NAMES)
    if positions not in (NAMES, COUNTS):
        raise ConfigError(f"governance.positions: '{positions}' is not names or counts")
    return Governance(
        close_after=span("close_after", default.close_after),
        quorum=_quorum(section.get("quorum", "1/3")),
        quorum_min=_whole(section, "quorum_min", default.quorum_min, 1, 1000),
        remind_before=span("remind_before", default.remind_before),
        term_notice=span("term_notice", default.term_notice),
        term_grace=span("term_grace", default.term_grace),
        max_terms=_whole(section, "max_terms", default.max_terms, 1, 100),
        positions=positions,
    )


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
