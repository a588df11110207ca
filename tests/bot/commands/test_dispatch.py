"""The dispatcher: every line gets an answer; refusals say why, show usage and change nothing."""

from __future__ import annotations

import json
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.dispatch import Dispatcher
from bot.commands.registry import Command, Registry, Who
from bot.reply import Reply
from circles.actor import Actor
from circles.services.export import export_network
from tests.conftest import Say


def state(dispatcher: Dispatcher) -> str:
    data = export_network(dispatcher.uow)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True)


def test_the_console_story_of_a_new_volunteer(say: Say) -> None:
    assert "volunteer" in say("alice", "join 新华路").text
    assert "You now hold research/interviewer" in say("alice", "claim research/interviewer").text
    assert "research/interviewer" in say("alice", "myroles").text
    refused = say("bob", "claim research/interviewer")
    assert refused.error and "join" in refused.text
    say("bob", "join")
    refused = say("bob", "/claim research/interviewer")
    assert refused.error and "full" in refused.text and "Usage" not in refused.text


def test_circle_shows_holders_and_claim_buttons_for_open_roles(say: Say) -> None:
    say("alice", "join")
    say("alice", "claim research/interviewer")
    reply = say("bob", "circle research")
    assert "alice" in reply.text
    commands = [b.command for row in reply.buttons for b in row]
    assert "claim research/scenario-mapper" in commands
    assert "claim research/interviewer" not in commands


def test_help_lists_every_command_and_explains_one(say: Say, dispatcher: Dispatcher) -> None:
    text = say("x", "help").text
    for name in dispatcher.registry.names():
        assert f"\n{name}" in text
    assert "assign <role> <volunteer>" in say("x", "help assign").text
    assert say("x", "help nothing").error


def test_replies_follow_the_chosen_language(say: Say) -> None:
    assert "中文" in say("mei", "lang zh").text
    reply = say("mei", "claim research/interviewer")
    assert "请先发送 join" in reply.text and "用法" not in reply.text


def test_a_refused_permission_names_the_rule(say: Say) -> None:
    say("alice", "join")
    say("bob", "join")
    reply = say("alice", "assign research/interviewer bob")
    assert reply.error and "Only a lead of research" in reply.text


def test_admins_may_assign(say: Say) -> None:
    say("admin", "join")
    say("bob", "join")
    assert not say("admin", "assign research/interviewer bob").error


def test_arguments_are_counted(say: Say) -> None:
    say("alice", "join")
    assert "Missing <role>" in say("alice", "claim").text
    assert "Too many arguments" in say("alice", "claim a b").text
    assert say("alice", "profile mission Bring neighbors together").text.startswith("Saved.")
    assert "Bring neighbors together" in say("alice", "profile").text


def test_unknown_and_empty_commands(say: Say) -> None:
    assert "Unknown command 'dance'" in say("x", "dance now").text
    assert say("x", "   ").error
    assert "too long" in say("x", "join " + "x" * 10_000).text


LINES = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda name, rest: f"{name} {rest}",
        st.sampled_from(
            [
                "claim",
                "release",
                "assign",
                "unassign",
                "profile",
                "lang",
                "circle",
                "join",
                "roles",
                "help",
                "/claim",
                "myroles",
                "circles",
                "start",
            ]
        ),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    ),
)


# One network across all examples on purpose: state built by accepted lines (a join, a claim)
# makes later refusals more interesting, and each example checks its own before/after.
@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(line=LINES)
def test_random_lines_never_escape_and_refusals_change_nothing(
    dispatcher: Dispatcher, line: str
) -> None:
    actor = Actor("console:fuzz", "fuzz")
    before = state(dispatcher)
    reply = dispatcher.handle(actor, line)
    assert reply.text
    assert "Something went wrong" not in reply.text
    if reply.error:
        assert state(dispatcher) == before


async def test_slow_commands_run_in_a_worker_thread_and_quick_ones_on_the_loop(
    dispatcher: Dispatcher,
) -> None:
    def where(ctx: object, args: object) -> Reply:
        return Reply(threading.current_thread().name)

    dispatcher.registry = Registry(
        [
            Command("render", "render", "Render", Who.ANYONE, where, slow=True),
            Command("look", "look", "Look", Who.ANYONE, where),
        ]
    )
    actor = Actor(identity="console:alice", name="alice")
    loop_thread = threading.current_thread().name
    assert (await dispatcher.answer(actor, "/render")).text != loop_thread
    assert (await dispatcher.answer(actor, "look")).text == loop_thread
    assert dispatcher.is_slow("RENDER now") and not dispatcher.is_slow("nosuch")
