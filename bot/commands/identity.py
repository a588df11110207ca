"""Commands about who you are and what is kept about you: linkme, mydata, forgetme."""

from __future__ import annotations

import json

from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Who
from bot.i18n import Translator
from bot.reply import Attachment, Button, Reply
from circles.errors import N_, Invalid
from circles.services import linking, personal_data
from circles.services.one_time_codes import LIFETIME

MINUTES = int(LIFETIME.total_seconds() // 60)


def _private_only(t: Translator, command: str) -> Reply:
    return Reply(
        t(
            "That is private: send {command} to me in a private chat, not in a group.",
            command=command,
        ),
        error=True,
    )


CONFIRM = "yes"


def _confirm_link(ctx: CommandContext, code: str) -> Reply:
    """Say whose account the code joins, and link only when the volunteer says yes."""
    t = ctx.t
    preview = linking.preview_link(ctx.uow, ctx.actor, code)
    owner = preview.owner
    lines = [
        t(
            "This code joins this account to the volunteer {name} (on {platforms}, joined {date}).",
            name=owner.name,
            platforms=", ".join(preview.platforms),
            date=owner.joined_at.date().isoformat(),
        )
    ]
    if preview.current is not None:
        lines.append(
            t(
                "Your volunteer here, {name}, and theirs become one: same roles, same data.",
                name=preview.current.name,
            )
        )
    lines.append(
        t(
            "Only if that is you, and you made the code yourself, send: linkme {code} yes",
            code=code,
        )
    )
    return Reply(
        "\n".join(lines),
        buttons=((Button(t("Yes, that is me"), f"linkme {code} {CONFIRM}"),),),
    )


def linkme(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    code = args.get("code", "")
    answer = args.get("confirm", "")
    if answer and answer.lower() != CONFIRM:
        raise Invalid(N_("To confirm, send: linkme <code> yes"))
    if code and not answer:
        return _confirm_link(ctx, code)
    if code:
        linked = linking.link_identity(ctx.uow, ctx.actor, code)
        v = linked.volunteer
        if linked.merged:
            text = t(
                "Linked: your accounts are now one volunteer, {name}, with the roles of both.",
                name=v.name,
            )
        else:
            text = t("Linked: this account now belongs to {name}.", name=v.name)
        return Reply(text + "\n" + t("Linked accounts: {value}", value=", ".join(v.identities)))
    if ctx.actor.in_group:
        # A code shown in a group could be typed by anyone there, taking over the account.
        return _private_only(t, "linkme")
    issued = linking.request_link_code(ctx.uow, ctx.actor)
    return Reply(
        "\n".join(
            [
                t("Your link code: {code}", code=issued.code),
                t("On your other platform, send me: linkme {code}", code=issued.code),
                t.plural(
                    "It works once, within {minutes} minute. Do not share it.",
                    "It works once, within {minutes} minutes. Do not share it.",
                    MINUTES,
                    minutes=MINUTES,
                ),
            ]
        )
    )


def mydata(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    if ctx.actor.in_group:
        return _private_only(t, "mydata")
    data = personal_data.my_data(ctx.uow, ctx.actor)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    text = t(
        "Your data as {network} keeps it, attached as JSON. Send forgetme to delete it.",
        network=ctx.config.network.name,
    )
    return Reply(text, attachments=(Attachment("can-bot-mydata.json", "application/json", body),))


def forgetme(ctx: CommandContext, args: Args) -> Reply:
    t = ctx.t
    if ctx.actor.in_group:
        return _private_only(t, "forgetme")
    code = args.get("code", "")
    if code:
        personal_data.forget_me(ctx.uow, ctx.actor, code)
        return Reply(
            t(
                "Done: your profile is deleted, your roles are released and your check-ins "
                "no longer name you. Thank you for all you did."
            )
        )
    request = personal_data.request_forget(ctx.uow, ctx.actor)
    code = request.issued.code
    text = "\n".join(
        [
            t(
                "This deletes your profile and linked accounts, releases your roles ({roles}), "
                "frees your relay slots, removes your meetup answers and anonymises your "
                "check-ins ({checkins}). It cannot be undone.",
                roles=request.roles,
                checkins=request.checkins,
            ),
            t.plural(
                "To confirm within {minutes} minute, send: forgetme {code}",
                "To confirm within {minutes} minutes, send: forgetme {code}",
                MINUTES,
                minutes=MINUTES,
                code=code,
            ),
        ]
    )
    return Reply(text, buttons=((Button(t("Yes, forget me"), f"forgetme {code}"),),))


def commands() -> list[Command]:
    return [
        Command(
            "linkme",
            "linkme [code] [confirm]",
            N_("Link your accounts on several platforms with a one-time code"),
            Who.ANYONE,  # redeeming a code from an account that never joined is how it joins
            linkme,
        ),
        Command("mydata", "mydata", N_("Everything kept about you, as JSON"), Who.ANYONE, mydata),
        Command(
            "forgetme",
            "forgetme [code]",
            N_("Delete your personal data (asks to confirm first)"),
            Who.ANYONE,  # a neighbor who only asked or offered may be forgotten too
            forgetme,
            # Confirming rewrites the store's snapshot (bench/personal_data.py: p99 171 ms at
            # 10,000 volunteers): off the event loop, so other chats do not wait on it.
            slow=True,
        ),
    ]
