"""`canbot slack-manifest`: the Slack app, generated from the command registry and the config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.app.cli import main
from bot.commands.catalog import build_registry
from bot.config import Config, WebConfig
from bot.platforms.slack.manifest import BOT_SCOPES, build_manifest, usage_hint

PUBLIC = "https://can.example.org"


def config() -> Config:
    return Config(web=WebConfig(public_url=PUBLIC))


def test_http_mode_sends_everything_to_the_portals_slack_events_url() -> None:
    manifest = build_manifest(config(), build_registry(), socket=False)
    url = f"{PUBLIC}/slack/events"
    [slash] = manifest["features"]["slash_commands"]
    settings = manifest["settings"]
    assert (slash["command"], slash["url"]) == ("/can", url)
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert settings["socket_mode_enabled"] is False


def test_socket_mode_has_no_request_urls() -> None:
    manifest = build_manifest(config(), build_registry(), socket=True)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in json.dumps(manifest)


def test_the_app_home_event_and_the_scopes_the_adapter_uses() -> None:
    manifest = build_manifest(config(), build_registry(), socket=False)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert scopes == list(BOT_SCOPES)
    for needed in ("commands", "chat:write", "users:read", "files:write", "im:write"):
        assert needed in scopes


def test_the_usage_hint_lists_every_command() -> None:
    registry = build_registry()
    hint = usage_hint(registry)
    for name in registry.names():
        assert name in hint
    assert "claim <role>" in hint and len(hint) <= 1000


def test_the_cli_prints_yaml_or_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(f"web:\n  public_url: {PUBLIC}\n", encoding="utf-8")
    assert main(["slack-manifest", "--config", str(cfg)]) == 0
    as_yaml = yaml.safe_load(capsys.readouterr().out)
    assert main(["slack-manifest", "--config", str(cfg), "--json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_yaml == as_json
    assert as_json["features"]["slash_commands"][0]["url"] == f"{PUBLIC}/slack/events"
    assert main(["slack-manifest", "--config", str(cfg), "--socket", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["settings"]["socket_mode_enabled"] is True


def test_an_http_manifest_with_a_loopback_url_is_refused_unless_allowed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("web:\n  public_url: http://127.0.0.1:8080\n", encoding="utf-8")
    assert main(["slack-manifest", "--config", str(cfg)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "web.public_url is http://127.0.0.1:8080, which Slack cannot reach" in captured.err
    assert "--allow-local" in captured.err
    assert main(["slack-manifest", "--config", str(cfg), "--allow-local", "--json"]) == 0
    url = json.loads(capsys.readouterr().out)["features"]["slash_commands"][0]["url"]
    assert url == "http://127.0.0.1:8080/slack/events"
    # Socket Mode needs no request URL, so a loopback portal is fine there.
    assert main(["slack-manifest", "--config", str(cfg), "--socket"]) == 0
    assert main(["slack-manifest"]) == 2  # the built-in default is loopback too
