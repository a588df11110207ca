"""The first hour with `canbot` on a new machine: each first-run mistake gets one clear line."""

from __future__ import annotations

import io
import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.platforms.console.adapter import FileShelf, chat_loop
from bot.platforms.console.control import MAX_REQUEST
from bot.reply import Attachment, Reply
from tests.bot.app.canbot_process import start_run
from tests.bot.app.test_cli import canbot, export


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_port_in_use_is_one_line_exit_2_and_nothing_created(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "config.yaml"
        config.write_text(
            f"storage:\n  url: tinydb://{tmp_path}/new-store/can.json\nweb:\n  port: {port}\n"
        )
        result = canbot(tmp_path, "run", "--config", str(config))
    assert result.returncode == 2
    assert one_line(result) == (
        f"canbot: 127.0.0.1:{port} is already in use by another program: stop it, or set "
        "web.port to a free port"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "new-store").exists()


def test_an_unset_token_variable_is_named_and_refuses_to_start(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text('telegram:\n  token: "${TELEGRAM_TOKEN_UNSET_FOR_TEST}"\n')
    for command in ("check", "run"):
        result = canbot(tmp_path, command, "--config", str(config))
        assert result.returncode == 2
        assert one_line(result) == (
            "canbot: config: telegram.token: the environment variable "
            "TELEGRAM_TOKEN_UNSET_FOR_TEST is not set; set it, or remove telegram.token to "
            "run without Telegram"
        )
    assert not (tmp_path / "data").exists()


def test_check_warns_in_one_line_when_chat_links_would_point_at_loopback(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text('telegram:\n  token: "123:abc"\n')
    result = canbot(tmp_path, "check", "--config", str(config))
    assert result.returncode == 0
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: web.public_url is http://127.0.0.1:8080, which only this machine can open: "
        "links, kit QR codes and calendars sent in chat will not work for anyone else; set "
        "web.public_url to the portal's public address"
    ]
    public = tmp_path / "public.yaml"
    public.write_text('telegram:\n  token: "123:abc"\nweb:\n  public_url: https://can.example\n')
    assert "warning:" not in canbot(tmp_path, "check", "--config", str(public)).stdout
    assert "warning:" not in canbot(tmp_path, "check").stdout  # no chat platform: no links


def test_demo_refuses_a_network_with_volunteers_unless_forced(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  url: tinydb://{tmp_path}/real/can.json\n")
    joined = canbot(tmp_path, "chat", "--config", str(config), "--as", "lena", stdin="join\n")
    assert joined.returncode == 0
    refused = canbot(tmp_path, "demo", "--config", str(config))
    assert refused.returncode == 2
    assert one_line(refused) == (
        f"canbot: demo: tinydb://{tmp_path}/real/can.json already holds a network with 1 "
        "volunteer(s); the demo would add its people and meetups to it. Use another "
        "storage.url, or --force to add them anyway"
    )
    assert len(export(tmp_path, "--config", str(config))["volunteers"]) == 1  # type: ignore[arg-type]
    forced = canbot(tmp_path, "demo", "--config", str(config), "--force")
    assert forced.returncode == 0
    assert forced.stdout.strip().endswith(
        f"Demo network ready. Start it with: canbot run --config {config}"
    )


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (
            lambda data: data["volunteers"][0].update(joined_at="yesterday"),
            "the field joined_at should be a date and time like 2026-12-01T20:00:00+00:00.",
        ),
        (
            lambda data: data["circles"][1].pop("slug"),
            "in circles, record #2, the field slug should be a slug: 1-32 lowercase letters, "
            "digits or dashes.",
        ),
        (
            lambda data: data["meetups"][0].pop("start"),
            "the field start is missing.",
        ),
    ],
)
def test_import_of_a_damaged_export_names_table_record_field_and_expectation(
    tmp_path: Path, damage: object, line: str
) -> None:
    canbot(tmp_path, "demo")
    data = export(tmp_path)
    damage(data)  # type: ignore[operator]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False))
    other = tmp_path / "other"
    other.mkdir()
    result = canbot(other, "import", str(broken))
    assert result.returncode == 2
    message = one_line(result)
    assert message.startswith("canbot: The export is damaged: in ")
    assert message.endswith(line), message
    assert not (other / "data").exists()  # refused before any store was created
    if "volunteers" in line or "joined_at" in line:
        volunteer = data["volunteers"][0]["id"]
        assert f"in volunteers, record {volunteer}," in message
    if "start" in line:
        assert f"in meetups, record {data['meetups'][0]['id']}:" in message


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"storage:\n  url: tinydb://{tmp_path}/data/can.json\nweb:\n  port: 0\n"
        "network:\n  language: en\n"
    )
    process = start_run(tmp_path, config).process
    yield tmp_path, config
    process.terminate()
    process.communicate(timeout=30)


def test_a_line_over_64_kib_is_too_long_and_later_lines_still_work(
    running: tuple[Path, Path],
) -> None:
    cwd, config = running
    long_line = "checkin " + "长" * (70 * 1024) + "\n"
    result = canbot(
        cwd, "chat", "--config", str(config), "--as", "mei", stdin=long_line + "join\nmyroles\n"
    )
    assert result.returncode == 0, result.stderr
    answers = [a for a in result.stdout.split("\n\n") if a.strip()]
    assert len(answers) == 3
    assert "too long" in answers[0]
    assert "Welcome, mei" in answers[1]


def test_the_control_socket_answers_an_oversized_request_and_goes_on(
    running: tuple[Path, Path],
) -> None:
    cwd, _ = running
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(cwd / "data" / "can.json.sock"))
        stream = client.makefile("rwb")
        stream.write(b'{"op": "chat", "line": "' + b"x" * (MAX_REQUEST * 2) + b'"}\n')
        stream.write(json.dumps({"op": "chat", "as": "mei", "line": "join"}).encode() + b"\n")
        stream.flush()
        assert json.loads(stream.readline()) == {"error": "request too long"}
        assert "Welcome, mei" in json.loads(stream.readline())["reply"]["text"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_interactive_chat_says_once_how_to_get_help_and_leave() -> None:
    stdout = Terminal()
    code = chat_loop(
        lambda line: Reply(f"echo {line.strip()}"),
        Terminal("help\nexit\nnever read\n"),
        stdout,
        greeting="Send help for the commands; exit or Ctrl+D leaves.",
    )
    assert code == 0
    text = stdout.getvalue()
    assert text.count("Send help for the commands") == 1
    assert text.startswith("Send help for the commands")
    assert "echo help" in text and "never read" not in text


def test_piped_chat_shows_no_greeting(tmp_path: Path) -> None:
    stdout = io.StringIO()
    chat_loop(lambda line: Reply("ok"), io.StringIO("help\n"), stdout, greeting="Send help")
    assert "Send help" not in stdout.getvalue()


def test_mydata_files_of_two_console_users_never_share_a_name(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    data = Attachment("can-bot-mydata.json", "application/json", b"{}")
    alice = FileShelf(folder, owner="alice").save(data)
    bob = FileShelf(folder, owner="bob").save(data)
    again = FileShelf(folder, owner="alice").save(data)
    assert [alice.name, bob.name, again.name] == [
        "can-bot-mydata-alice.json",
        "can-bot-mydata-bob.json",
        "can-bot-mydata-alice-2.json",
    ]


def test_the_slack_manifest_option_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["slack-manifest", "--help"])
    assert "--allow-local" in capsys.readouterr().out
