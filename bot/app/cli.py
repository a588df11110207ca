"""The `canbot` command line: run, chat, export, import, check, demo, kits, slack-manifest."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from bot import __version__
from bot.app.bootstrap import Runtime, build_runtime, control_socket_path
from bot.config import Config, ConfigError, format_duration, load_config
from bot.platforms.console.adapter import FILES_FOLDER, FileShelf, chat_loop
from bot.platforms.console.control import BotGone, ControlClient, console_actor
from circles.errors import CanError
from circles.services.emergent_roles import settle_proposals
from circles.services.export import export_network, import_network

log = logging.getLogger(__name__)


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # HTTP clients log request URLs, and Telegram's URLs contain the bot token.
    # APScheduler logs every job added or run; the meetup scheduler re-arms one often.
    # WeasyPrint logs each step of every PDF at INFO (its warnings, e.g. a missing glyph, stay).
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler", "weasyprint"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str) -> int:
    print(f"canbot: {message}", file=sys.stderr)
    return 2


def can_error_text(error: CanError) -> str:
    return error.message.format(**error.params) if error.params else error.message


def own_runtime(config: Config) -> Runtime:
    """The runtime of a command that opens the store itself: no `canbot run` is serving it.

    Without a running bot no scheduler applies the 48-hour rule, so proposals would never
    stand while only `canbot chat` is used; it is applied once here, as `canbot run` does at
    start. What it announces stays queued for the next `canbot run` to send.
    """
    runtime = build_runtime(config)
    try:
        settled = settle_proposals(runtime.uow)
    except BaseException:
        runtime.close()
        raise
    if settled:
        log.info("%d role proposals stood after 48 hours", len(settled))
    return runtime


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    from bot.app.runner import serve

    runtime = build_runtime(config)
    try:
        print(f"canbot {__version__}: network {config.network.name}, store {config.storage.url}")
        asyncio.run(serve(runtime))
    finally:
        runtime.close()
    return 0


def cmd_chat(config: Config, args: argparse.Namespace) -> int:
    name = args.as_name or os.environ.get("USER") or "console"
    shelf = FileShelf(args.files)
    client = ControlClient.connect(control_socket_path(config))
    if client is not None:
        try:
            return chat_loop(lambda line: client.chat(name, line, args.room), shelf=shelf)
        finally:
            client.close()
    runtime = own_runtime(config)
    try:
        actor = console_actor(name, args.room)
        return chat_loop(lambda line: runtime.dispatcher.handle(actor, line), shelf=shelf)
    finally:
        runtime.close()


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    client = ControlClient.connect(control_socket_path(config))
    data: dict[str, Any]
    if client is not None:
        try:
            data = client.export()
        finally:
            client.close()
    else:
        runtime = own_runtime(config)
        try:
            data = export_network(runtime.uow)
        finally:
            runtime.close()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return fail(f"cannot read {args.file}: {exc}")
    # No settle here (unlike own_runtime): the store must hold the export as it was written,
    # since an import of an export gives the same export. The next command settles.
    runtime = build_runtime(config, seed=False)
    try:
        volunteers, circles = import_network(runtime.uow, data)
    finally:
        runtime.close()
    print(f"Imported {volunteers} volunteers and {circles} circles into {config.storage.url}.")
    return 0


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    tg, sl = config.telegram, config.slack
    print(f"config: {config.source} is valid")
    print(
        f"network: {config.network.name}, {config.network.timezone}, "
        f"language {config.network.language}, {len(config.network.admins)} admin(s)"
    )
    print(f"store: {config.storage.url}")
    print(
        f"web portal: http://{config.web.host}:{config.web.port} (links: {config.web.public_url})"
    )
    if tg.enabled:
        where = tg.base_url or "api.telegram.org"
        print(f"telegram: on, {tg.mode} mode, Bot API at {where}")
    else:
        print("telegram: off (no telegram.token)")
    if sl.enabled:
        print(f"slack: on, {'Socket Mode' if sl.app_token else 'HTTP mode at /slack/events'}")
    else:
        print("slack: off (no slack.bot_token)")
    print(matrix_status(config))
    reminders = ", ".join(format_duration(r) for r in config.meetups.reminders) or "none"
    print(f"meetup reminders before each occurrence: {reminders}")
    from toolkits.catalog import load_catalog

    catalog = load_catalog(config.kits.extra_dirs)
    community = sum(1 for kit in catalog if kit.community)
    print(
        f"community kit folders: {len(config.kits.extra_dirs)}, {community} kit(s) loaded, "
        f"{len(catalog.problems)} broken"
    )
    for problem in catalog.problems:
        print(f"broken community kit: {problem}")
    print(f"a topic becomes an action group at {config.topics.threshold} backers")
    return 0


def matrix_status(config: Config) -> str:
    """The Matrix line of `check`: who the homeserver says we are (whoami), never the token."""
    mx = config.matrix
    if not mx.enabled:
        return "matrix: off (no matrix.access_token or matrix.password)"
    from bot.app.runner import matrix_login

    try:
        who = asyncio.run(matrix_login(config))
    except ConfigError as error:
        return f"matrix: on, but {error}"
    servers = ", ".join(mx.servers)
    return f"matrix: on, logged in at {mx.homeserver} as {who}; invites accepted from {servers}"


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from bot.app.demo import seed_demo

    runtime = own_runtime(config)
    try:
        for line in seed_demo(runtime.uow):
            print(line)
    finally:
        runtime.close()
    print("Demo network ready. Start it with: canbot run")
    return 0


def cmd_slack_manifest(config: Config, args: argparse.Namespace) -> int:
    import yaml

    from bot.commands.catalog import build_registry
    from bot.platforms.slack.manifest import build_manifest

    socket = args.socket or bool(config.slack.app_token)
    manifest = build_manifest(config, build_registry(), socket=socket)
    if args.json:
        sys.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=1000))
    return 0


def cmd_kits(config: Config, args: argparse.Namespace) -> int:
    from toolkits.build import build_all
    from toolkits.catalog import load_catalog
    from toolkits.language import LANGS
    from toolkits.progress import BuildProgress

    catalog = load_catalog(config.kits.extra_dirs)
    langs = [args.lang] if args.lang else list(LANGS)
    progress = BuildProgress(sys.stderr)
    try:
        report = build_all(catalog, args.out, langs, config.web.public_url, progress)
    except OSError as error:
        return fail(f"kits build: cannot write {error.filename or args.out}: {error.strerror}")
    finally:
        progress.close()
    print(f"Wrote {len(report.written)} files for {len(catalog)} kits to {args.out}")
    for failure in report.failures:
        print(f"canbot: kits build: {failure}", file=sys.stderr)
    if report.failures:
        count = len(report.failures)
        return fail(f"kits build: {count} community kit{'' if count == 1 else 's'} failed to build")
    return 0


COMMANDS = {
    "run": cmd_run,
    "chat": cmd_chat,
    "export": cmd_export,
    "import": cmd_import,
    "check": cmd_check,
    "demo": cmd_demo,
    "kits": cmd_kits,
    "slack-manifest": cmd_slack_manifest,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="canbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"canbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--config", type=Path, help="YAML config (default: built-in)")
        return command

    with_config("run", "run the bot: chat platforms, scheduler, web portal")
    chat = with_config("chat", "talk to the bot in the terminal")
    chat.add_argument("--as", dest="as_name", metavar="NAME", help="your console name")
    chat.add_argument(
        "--room",
        default="",
        metavar="ROOM",
        help="speak in the console room ROOM (a group chat: `link <circle>` works there)",
    )
    chat.add_argument(
        "--files",
        type=Path,
        default=FILES_FOLDER,
        metavar="DIR",
        help=f"where files the bot sends (kits, map, your data) go (default {FILES_FOLDER})",
    )
    export = with_config("export", "the whole network as JSON")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    imp = with_config("import", "restore an export into an empty store")
    imp.add_argument("file", metavar="FILE")
    with_config("check", "validate the config and say what would run")
    with_config("demo", "seed a demo network")
    kits = sub.add_parser("kits", help="action kits")
    kits_sub = kits.add_subparsers(dest="kits_command", required=True)
    build = kits_sub.add_parser("build", help="render every kit in every format and language")
    build.add_argument("--config", type=Path, help="YAML config (default: built-in)")
    build.add_argument("--lang", choices=("zh", "en"), help="only this language")
    build.add_argument(
        "--out", type=Path, default=Path("build/kits"), help="folder (default: build/kits)"
    )
    manifest = with_config("slack-manifest", "print the Slack app manifest (see docs/slack.md)")
    manifest.add_argument(
        "--socket", action="store_true", help="Socket Mode (default: when slack.app_token is set)"
    )
    manifest.add_argument("--json", action="store_true", help="JSON instead of YAML")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        config = load_config(args.config, os.environ)
        return COMMANDS[args.command](config, args)
    except ConfigError as error:
        return fail(f"config: {error}")
    except CanError as error:
        return fail(can_error_text(error))
    except BotGone:
        return fail(
            "the running bot stopped before it answered; your last line may not have been "
            "applied. Start it again with canbot run, then check with canbot export."
        )
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `canbot chat | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
