"""The `canbot` command line: run, chat, export, import, check, demo, kits, slack-manifest."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from bot import __version__
from bot.app.bootstrap import Runtime, build_runtime, control_socket_path, store_path
from bot.app.ports import busy_port_line, in_use_line
from bot.config import Config, ConfigError, format_duration, load_config, loopback_warning
from bot.platforms.console.adapter import FILES_FOLDER, FileShelf, chat_loop
from bot.platforms.console.control import BotGone, ControlClient, console_actor
from circles.errors import CanError
from circles.services.emergent_roles import settle_proposals
from circles.services.export import export_network, import_network
from circles.services.export_check import check_export

log = logging.getLogger(__name__)


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # HTTP clients log request URLs, and Telegram's URLs contain the bot token.
    # APScheduler logs every job added or run; the meetup scheduler re-arms one often.
    # WeasyPrint logs each step of every PDF at INFO (its warnings, e.g. a missing glyph, stay).
    # fontTools logs every font subset at INFO (thousands of lines for `canbot kits build`).
    for noisy in ("httpx", "httpcore", "aiohttp.access", "apscheduler", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def chinese_font_line() -> str:
    """Which font prints Chinese in kits and on the map (`check`, and the start of `run`)."""
    from toolkits.fonts import chinese_font

    found = chinese_font()
    return f"Chinese font: {found.describe() if found else 'unknown (fontconfig is missing)'}"


def fail(message: str) -> int:
    print(f"canbot: {message}", file=sys.stderr)
    return 2


def can_error_text(error: CanError) -> str:
    return str(error)  # the English text, lists joined with commas


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

    # Before the store is opened: a port in use leaves nothing behind (no new store folder).
    busy = busy_port_line(config)
    if busy:
        return fail(busy)
    runtime = build_runtime(config)
    try:
        print(f"canbot {__version__}: network {config.network.name}, store {config.storage.shown}")
        print(chinese_font_line(), flush=True)
        warning = loopback_warning(config)
        if warning:
            print(warning, flush=True)
        asyncio.run(serve(runtime))
    except OSError as error:
        # Taken between the check and the bind: still one line, not a traceback.
        if error.errno != errno.EADDRINUSE:
            raise
        return fail(in_use_line("web.port", config.web.host, config.web.port))
    finally:
        runtime.close()
    return 0


def cmd_chat(config: Config, args: argparse.Namespace) -> int:
    name = args.as_name or os.environ.get("USER") or "console"
    shelf = FileShelf(args.files, owner=name)
    greeting = chat_greeting(config)
    client = ControlClient.connect(control_socket_path(config))
    if client is not None:
        try:
            return chat_loop(
                lambda line: client.chat(name, line, args.room), shelf=shelf, greeting=greeting
            )
        finally:
            client.close()
    runtime = own_runtime(config)
    try:
        actor = console_actor(name, args.room)
        return chat_loop(
            lambda line: runtime.dispatcher.handle(actor, line), shelf=shelf, greeting=greeting
        )
    finally:
        runtime.close()


def chat_greeting(config: Config) -> str:
    """Said once at an interactive `canbot chat`: how to get help and how to leave."""
    from bot.i18n import Catalogs

    t = Catalogs().translator(config.network.language)
    return t("Send help for the commands, help <command> for one; exit or Ctrl+D leaves.")


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
        try:
            write_owner_only(Path(args.output), text.encode("utf-8"))
        except OSError as exc:
            return fail(f"export: cannot write {args.output}: {exc.strerror}")
    else:
        sys.stdout.write(text)
    return 0


def write_owner_only(path: Path, data: bytes) -> None:
    """An export holds every volunteer's personal data: the file is 0600, even one that was
    there before with wider permissions."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, 0o600)
        handle.write(data)


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return fail(f"cannot read {args.file}: {exc}")
    if isinstance(data, dict):
        check_export(data)  # before the store is opened: a damaged file creates nothing
    # No settle here (unlike own_runtime): the store must hold the export as it was written,
    # since an import of an export gives the same export. The next command settles.
    runtime = build_runtime(config, seed=False)
    try:
        volunteers, circles = import_network(runtime.uow, data)
    finally:
        runtime.close()
    print(f"Imported {volunteers} volunteers and {circles} circles into {config.storage.shown}.")
    return 0


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    tg, sl = config.telegram, config.slack
    print(f"config: {config.source} is valid")
    print(
        f"network: {config.network.name}, {config.network.timezone}, "
        f"language {config.network.language}, {len(config.network.admins)} admin(s)"
    )
    print(f"store: {config.storage.shown}")
    store_ok = check_store(config, args.config)
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
    print(chinese_font_line())
    warning = loopback_warning(config)
    if warning:
        print(warning)
    return 0 if store_ok else 2


def check_store(config: Config, config_file: Path | None) -> bool:
    """Say what the store's files hold, read-only; False when `canbot run` could not open it."""
    from circles.storage.repair import diagnose

    path = store_path(config)
    if path is None:
        return True
    found = diagnose(path)
    if found.problem:
        print(f"store: cannot be opened: {found.problem}")
        return False
    print(
        f"store: {found.documents} documents in the snapshot, "
        f"{found.records} commits in the journal not yet folded into it"
    )
    if found.torn_tail:
        print(
            f"store: the journal ends with an unfinished record ({found.torn_tail} bytes), a "
            "write cut short before it was confirmed; it is dropped at the next start"
        )
    if found.damaged:
        lines = ", ".join(f"line {bad.number} (byte {bad.offset})" for bad in found.bad)
        print(
            f"store: DAMAGED journal: {lines} cannot be read, and {found.intact_after_damage} "
            "confirmed commits follow; the bot refuses to start rather than drop them"
        )
        print(
            f"store: to recover, stop any canbot using it, then run: canbot repair"
            f"{f' --config {config_file}' if config_file else ''} (it keeps the "
            "damaged journal aside and recovers every intact commit; see README, The store)"
        )
    return not found.damaged


def cmd_repair(config: Config, args: argparse.Namespace) -> int:
    from circles.storage.repair import repair

    path = store_path(config)
    if path is None:
        return fail(f"repair: the store {config.storage.shown} keeps nothing on disk")
    done = repair(path)
    if done.kept_aside is None:
        print(f"The journal of {path} is intact ({done.recovered} commits): nothing to repair.")
        return 0
    print(f"Kept the damaged journal as {done.kept_aside} (owner-only).")
    print(f"Recovered {done.recovered} intact commits into {path}.")
    for bad in done.lost:
        print(
            f"Lost: journal line {bad.number} (byte {bad.offset}, {bad.size} bytes) could not "
            "be read; the change it held is not in the store."
        )
    if done.lost:
        print("Check the most recent changes (canbot export), then start the bot: canbot run")
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
    from bot.app.demo import real_volunteers, seed_demo

    runtime = own_runtime(config)
    try:
        real = real_volunteers(runtime.uow)
        if real and not args.force:
            return fail(
                f"demo: {config.storage.shown} already holds a network with {real} "
                "volunteer(s); the demo would add its people and meetups to it. Use another "
                "storage.url, or --force to add them anyway"
            )
        for line in seed_demo(runtime.uow):
            print(line)
    finally:
        runtime.close()
    again = f" --config {args.config}" if args.config else ""
    print(f"Demo network ready. Start it with: canbot run{again}")
    return 0


def cmd_slack_manifest(config: Config, args: argparse.Namespace) -> int:
    import yaml

    from bot.commands.catalog import build_registry
    from bot.platforms.slack.manifest import build_manifest, local_url_refusal

    socket = args.socket or bool(config.slack.app_token)
    refusal = local_url_refusal(config, socket=socket)
    if refusal and not args.allow_local:
        return fail(refusal)
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

    if args.verbose:  # every library's INFO too: what WeasyPrint and fontTools did, file by file
        logging.getLogger().setLevel(logging.INFO)
        for library in ("weasyprint", "fontTools"):
            logging.getLogger(library).setLevel(logging.INFO)
    else:  # the progress bar is the output; warnings (a missing glyph, named once) still show
        logging.getLogger().setLevel(logging.WARNING)
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
    "repair": cmd_repair,
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
    with_config("repair", "recover every intact commit of a damaged store journal")
    demo = with_config("demo", "seed a demo network")
    demo.add_argument(
        "--force", action="store_true", help="seed even a network that has volunteers already"
    )
    kits = sub.add_parser("kits", help="action kits")
    kits_sub = kits.add_subparsers(dest="kits_command", required=True)
    build = kits_sub.add_parser("build", help="render every kit in every format and language")
    build.add_argument("--config", type=Path, help="YAML config (default: built-in)")
    build.add_argument("--lang", choices=("zh", "en"), help="only this language")
    build.add_argument(
        "--out", type=Path, default=Path("build/kits"), help="folder (default: build/kits)"
    )
    build.add_argument(
        "--verbose", action="store_true", help="also log what the PDF libraries do (INFO)"
    )
    manifest = with_config("slack-manifest", "print the Slack app manifest (see docs/slack.md)")
    manifest.add_argument(
        "--socket", action="store_true", help="Socket Mode (default: when slack.app_token is set)"
    )
    manifest.add_argument("--json", action="store_true", help="JSON instead of YAML")
    manifest.add_argument(
        "--allow-local",
        action="store_true",
        help="print an HTTP-mode manifest even when web.public_url is a loopback address",
    )
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
