"""`canbot chat/export/import/demo/check` straight against PostgreSQL, and moving both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bot.app.test_cli import canbot, export, holders_of, volunteer_id


def write(path: Path, url: str) -> Path:
    path.write_text(
        f'network:\n  language: "en"\nstorage:\n  url: "{url}"\nweb:\n  port: 0\n',
        encoding="utf-8",
    )
    return path


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "exported_at"}


def test_chat_export_demo_and_check_work_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    config = str(write(tmp_path / "pg.yaml", pg_url.replace("postgres@", "postgres:s3cret@")))
    said = canbot(
        tmp_path,
        "chat",
        "--config",
        config,
        "--as",
        "alice",
        stdin="join\nclaim research/interviewer\n",
    )
    assert said.returncode == 0, said.stderr
    assert "research/interviewer" in said.stdout
    data = export(tmp_path, "--config", config)
    assert holders_of(data, "research", "interviewer") == [volunteer_id(data, "alice")]
    # The network already has alice: the demo adds to it only when told to.
    demo = canbot(tmp_path, "demo", "--config", config, "--force")
    assert demo.returncode == 0, demo.stderr
    check = canbot(tmp_path, "check", "--config", config)
    assert check.returncode == 0, check.stderr
    assert "store: postgresql://postgres@127.0.0.1" in check.stdout
    assert "s3cret" not in check.stdout + check.stderr + demo.stdout + demo.stderr
    assert not (tmp_path / "data").exists()  # no TinyDB file appeared by the way


def test_tinydb_to_postgresql_and_back_gives_the_same_export(tmp_path: Path, pg_url: str) -> None:
    tiny = str(write(tmp_path / "tiny.yaml", f"tinydb://{tmp_path / 'a' / 'can.json'}"))
    pg = str(write(tmp_path / "pg.yaml", pg_url))
    back = str(write(tmp_path / "back.yaml", f"tinydb://{tmp_path / 'b' / 'can.json'}"))
    assert canbot(tmp_path, "demo", "--config", tiny).returncode == 0
    first = export(tmp_path, "--config", tiny)
    (tmp_path / "first.json").write_text(json.dumps(first), encoding="utf-8")
    moved = canbot(tmp_path, "import", "--config", pg, str(tmp_path / "first.json"))
    assert moved.returncode == 0, moved.stderr
    on_pg = export(tmp_path, "--config", pg)
    assert without_time(on_pg) == without_time(first)
    (tmp_path / "pg.json").write_text(json.dumps(on_pg), encoding="utf-8")
    returned = canbot(tmp_path, "import", "--config", back, str(tmp_path / "pg.json"))
    assert returned.returncode == 0, returned.stderr
    assert without_time(export(tmp_path, "--config", back)) == without_time(first)


def test_a_database_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    config = str(write(tmp_path / "pg.yaml", "postgresql://canbot:pw@127.0.0.1:1/none"))
    result = canbot(tmp_path, "export", "--config", config)
    assert result.returncode == 2
    assert result.stderr.startswith("canbot: Cannot connect to the database")
    assert result.stderr.count("\n") == 1 and "pw@" not in result.stderr
