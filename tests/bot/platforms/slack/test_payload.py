"""Slack payloads become typed invocations: identity, chat, group or not, the command line."""

from __future__ import annotations

import pytest

from bot.platforms.slack.payload import BadPayload, from_action, from_command, from_home_opened
from tests.fakes.slack_api import TEAM
from tests.fakes.slack_payloads import block_action, command_fields, home_opened


def test_a_slash_command_names_the_user_the_channel_and_the_line() -> None:
    invocation = from_command(
        command_fields("claim research/interviewer", user="U1", response_url="http://r/1")
    )
    assert invocation.identity == f"slack:{TEAM}:U1"
    assert (invocation.chat, invocation.in_group) == ("slack:C0GENERAL", True)
    assert invocation.line == "claim research/interviewer"
    assert invocation.response_url == "http://r/1"


@pytest.mark.parametrize("text", ["", "   "])
def test_can_alone_means_help(text: str) -> None:
    assert from_command(command_fields(text, user="U1", response_url="r")).line == "help"


def test_a_direct_message_is_not_a_group() -> None:
    invocation = from_command(command_fields("help", user="U1", channel="D01", response_url="r"))
    assert (invocation.chat, invocation.in_group) == ("slack:D01", False)


def test_slack_escaping_of_the_typed_text_is_undone() -> None:
    fields = command_fields(
        "newrole research x Care &amp; &lt;share&gt;", user="U1", response_url="r"
    )
    assert from_command(fields).line == "newrole research x Care & <share>"


@pytest.mark.parametrize("bad", ["", "u1", "U1 X", "U1:T2", "U" * 40])
def test_a_payload_without_a_valid_user_id_is_refused(bad: str) -> None:
    fields = command_fields("join", user="U1", response_url="r")
    fields["user_id"] = bad
    with pytest.raises(BadPayload):
        from_command(fields)


def test_a_button_press_runs_its_value_in_its_message() -> None:
    body = block_action("claim a/b", user="U2", response_url="http://r/2")
    invocation = from_action(body, body["actions"][0])
    assert invocation.identity == f"slack:{TEAM}:U2"
    assert invocation.line == "claim a/b"
    assert invocation.message_ts == "1790000000.000001" and not invocation.in_home


def test_a_button_in_the_app_home_has_no_channel() -> None:
    body = block_action("claim a/b", user="U2", home=True)
    invocation = from_action(body, body["actions"][0])
    assert invocation.in_home and invocation.chat == "" and not invocation.in_group


def test_on_grid_commands_and_buttons_from_any_workspace_name_one_identity() -> None:
    """One person on Enterprise Grid, typing in one workspace and pressing a button in another
    (their home team elsewhere again), is one identity: the organization's."""
    fields = command_fields("join", user="W3", response_url="r")
    fields["enterprise_id"] = "E0ORG"
    body = block_action("roles", user="W3")
    body["enterprise"] = {"id": "E0ORG", "name": "org"}
    body["team"] = {"id": "T0OTHER", "domain": "other"}
    body["user"]["team_id"] = "T0HOME"
    event = home_opened("W3")
    event["enterprise_id"] = "E0ORG"
    identities = {
        from_command(fields).identity,
        from_action(body, body["actions"][0]).identity,
        from_home_opened(event, event["event"]).identity,
    }
    assert identities == {"slack:E0ORG:W3"}


def test_a_slack_connect_guest_is_one_identity_for_commands_and_buttons() -> None:
    """Without Grid, the workspace the payload came through names the identity, for slash
    commands and buttons alike (a button also carries the guest's home team: not used)."""
    command = from_command(command_fields("join", user="U5", response_url="r"))
    body = block_action("roles", user="U5")
    body["user"]["team_id"] = "T0GUESTHOME"
    button = from_action(body, body["actions"][0])
    assert command.identity == button.identity == f"slack:{TEAM}:U5"


def test_an_organization_wide_button_without_a_team_uses_the_users() -> None:
    body = block_action("roles", user="U6")
    del body["team"]
    assert from_action(body, body["actions"][0]).identity == f"slack:{TEAM}:U6"


def test_a_button_without_a_command_is_refused() -> None:
    body = block_action("", user="U2")
    with pytest.raises(BadPayload):
        from_action(body, body["actions"][0])


def test_app_home_opened_names_the_user() -> None:
    body = home_opened("U4")
    invocation = from_home_opened(body, body["event"])
    assert invocation.identity == f"slack:{TEAM}:U4" and invocation.in_home
