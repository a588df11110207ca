"""Commands for topics: propose, topics, back; enough backers turn a topic into an action group.

``propose`` may start with ``--in <circle>`` to form the group under that circle instead of
``practice``: ``propose --in research Listening to elders``.
"""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.i18n import Translator
from bot.reply import Button, Reply
from circles.errors import N_, Invalid
from circles.separator import first_word
from circles.services import topics
from circles.services.topics import TopicChange

IN_FLAG = "--in"
MAX_BUTTONS = 12


def split_parent(text: str) -> tuple[str, str]:
    """``--in research Title`` -> (title, parent); without the flag the parent is ""."""
    first, rest = first_word(text)
    if first.lower() != IN_FLAG:
        return text.strip(), ""
    parent, title = first_word(rest)
    if not parent or not title.strip():
        raise Invalid(N_("Write propose --in <circle> <title>, or just propose <title>."))
    return title.strip(), parent


def _formed_line(t: Translator, change: TopicChange) -> str:
    assert change.formed is not None
    return t.plural(
        "🎉 Topic {topic} has {count} backer: it is now the action group {circle}. Its lead "
        "is the proposer and its backers are members.",
        "🎉 Topic {topic} has {count} backers: it is now the action group {circle}. Its lead "
        "is the proposer and its backers are members.",
        len(change.topic.backers),
        topic=change.topic.id,
        circle=change.formed.slug,
    )


def _group_button(t: Translator, change: TopicChange) -> tuple[tuple[Button, ...], ...]:
    assert change.formed is not None
    return ((Button(t("See the group"), f"circle {change.formed.slug}"),),)


def propose(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    title, parent = split_parent(args["title"])
    threshold = ctx.config.topics.threshold
    change = topics.propose_topic(ctx.uow, ctx.actor, title, threshold, parent)
    if change.formed is not None:
        return Reply(_formed_line(t, change), buttons=_group_button(t, change))
    text = t.plural(
        "You proposed topic {topic}: {title}. You are its first backer; at {count} backer "
        "it becomes an action group under {parent}. Others back it with: back {topic}",
        "You proposed topic {topic}: {title}. You are its first backer; at {count} backers "
        "it becomes an action group under {parent}. Others back it with: back {topic}",
        threshold,
        topic=change.topic.id,
        title=change.topic.title,
        parent=change.topic.parent,
    )
    return Reply(text, buttons=((Button(t("Topics"), "topics"),),))


def back(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    threshold = ctx.config.topics.threshold
    change = topics.back_topic(ctx.uow, ctx.actor, args["topic"], threshold)
    if change.formed is not None:
        return Reply(_formed_line(t, change), buttons=_group_button(t, change))
    text = t.plural(
        "You back topic {topic} ({title}): {backers} of {count} backer.",
        "You back topic {topic} ({title}): {backers} of {count} backers.",
        threshold,
        topic=change.topic.id,
        title=change.topic.title,
        backers=len(change.topic.backers),
    )
    return Reply(text, buttons=((Button(t("Topics"), "topics"),),))


def topics_(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    threshold = ctx.config.topics.threshold
    found, formed = topics.open_topics(ctx.uow)
    if not found:
        lines = [t("No open topic. Propose one: propose <title>")]
    else:
        lines = [
            t.plural(
                "Open topics (back one; at {count} backer it becomes an action group):",
                "Open topics (back one; at {count} backers it becomes an action group):",
                threshold,
            )
        ]
        for topic in found:
            lines.append(
                f"• {topic.id}. {topic.title} — "
                + t.plural(
                    "{backers} of {count} backer",
                    "{backers} of {count} backers",
                    threshold,
                    backers=len(topic.backers),
                )
            )
    if formed:
        lines.append(t("Topics that became action groups: {count}", count=formed))
    buttons = tuple(
        (Button(t("Back {topic}", topic=topic.id), f"back {topic.id}"),)
        for topic in found[:MAX_BUTTONS]
    )
    return Reply("\n".join(lines), buttons=buttons, refresh="topics")


def closetopic(ctx: CommandContext, args: Args) -> Reply:
    topic = topics.close_topic(ctx.uow, ctx.actor, args["topic"], args.get("reason", ""))
    if topic.reason:
        return Reply(
            ctx.t("Topic {topic} is closed: {reason}", topic=topic.id, reason=topic.reason)
        )
    return Reply(ctx.t("Topic {topic} is closed.", topic=topic.id))


def commands() -> list[Command]:
    return [
        Command(
            "propose",
            "propose <title...>",
            N_(
                "Propose a topic to work on (start with --in <circle> to form its group there "
                "instead of practice)"
            ),
            Who.VOLUNTEER,
            propose,
        ),
        Command("topics", "topics", N_("Open topics and their backers"), Who.ANYONE, topics_),
        Command("back", "back <topic>", N_("Back a topic"), Who.VOLUNTEER, back),
        Command(
            "closetopic",
            "closetopic <topic> [reason...]",
            N_("Close an open topic (leads of its circle, or its proposer)"),
            Who.VOLUNTEER,
            closetopic,
        ),
    ]
