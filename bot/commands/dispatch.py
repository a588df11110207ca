"""The dispatcher: one command line from one actor in, one Reply out, whatever the input."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from dataclasses import replace

from bot.circle_map.drawings import MapDrawings
from bot.commands.choices import choice_buttons
from bot.commands.context import CommandContext
from bot.commands.registry import Args, Command, Registry, Who
from bot.config import Config
from bot.i18n import Catalogs, Translator
from bot.kit_press import KitPress
from bot.reply import Reply
from circles.actor import Actor
from circles.errors import Ambiguous, CanError, Invalid, StoreUnavailable
from circles.separator import first_word, shown
from circles.services.membership import reader_of
from circles.unit_of_work import UnitOfWork
from toolkits.catalog import Catalog

log = logging.getLogger(__name__)
MAX_LINE = 4000


class Dispatcher:
    """Parses a line, checks who may run it, calls the handler, and turns errors into replies."""

    def __init__(
        self,
        registry: Registry,
        uow: UnitOfWork,
        catalogs: Catalogs,
        config: Config,
        kits: Catalog | None = None,
        kit_press: KitPress | None = None,
    ) -> None:
        self.registry = registry
        self.uow = uow
        self.catalogs = catalogs
        self.config = config
        # The action kits the kit, checkin and map commands know; none unless the caller loads them.
        self.kits = kits if kits is not None else Catalog(kits=())
        # Renders kits for `kit` (and the web portal); its pool starts on the first render only.
        self.kit_press = kit_press or KitPress(self.kits, config.web.public_url)
        # The circle map drawn once per revision and language, for `map` and the portal.
        self.map_drawings = MapDrawings(catalogs, config.network.name)
        # True when the store blocks on a network (PostgreSQL): then every command runs in a
        # worker thread, so one chat's round trips never stall the loop for the others.
        self.offload_all = False

    def translator_for(self, actor: Actor) -> Translator:
        return self.catalogs.translator(reader_of(self.uow, actor).language)

    async def answer(self, actor: Actor, line: str) -> Reply:
        """``handle`` for an event loop: slow commands in a worker thread, the rest right here."""
        if self.offload_all or self.is_slow(line):
            return await asyncio.get_running_loop().run_in_executor(None, self.handle, actor, line)
        return self.handle(actor, line)

    def is_slow(self, line: str) -> bool:
        name = first_word(line.strip().removeprefix("/"))[0]
        command = self.registry.get(unicodedata.normalize("NFKC", name).lower())
        return command is not None and command.slow

    def handle(self, actor: Actor, line: str) -> Reply:
        """Never raises: every outcome, including our own bugs, is an answer to the user."""
        joined: bool | None = None  # unknown until the store says
        try:
            reader = reader_of(self.uow, actor)
            t, joined = self.catalogs.translator(reader.language), reader.joined
        except StoreUnavailable:
            t = self.catalogs.translator(self.fallback_language(actor))
        except Exception:
            log.exception("could not choose a reply language")
            t = self.catalogs.translator(self.fallback_language(actor))
        try:
            return self._handle(actor, line, t, joined)
        except StoreUnavailable as error:
            # The database is away for a moment: a short answer, no traceback, nothing changed.
            return Reply(t(error.message), error=True)
        except Exception as exc:
            # The edge: log the failure (type and place, never the user's text or identity).
            log.exception("command failed with %s", type(exc).__name__)
            return Reply(t("Something went wrong on our side; please try again."), error=True)

    def fallback_language(self, actor: Actor) -> str:
        """The platform's hint, else the network's: what is left when the store cannot say."""
        hint = actor.language_hint.lower()[:2]
        return hint if hint in self.catalogs.languages else self.config.network.language

    def _handle(self, actor: Actor, line: str, t: Translator, joined: bool | None) -> Reply:
        line = line.strip().lstrip("\ufeff")
        if line.startswith("/"):
            line = line[1:]
        if not line:
            return Reply(t("Send a command, for example: help"), error=True)
        if len(line) > MAX_LINE:
            return Reply(
                t.plural(
                    "That message is too long (at most {limit} character).",
                    "That message is too long (at most {limit} characters).",
                    MAX_LINE,
                    limit=MAX_LINE,
                ),
                error=True,
            )
        typed, rest = first_word(line)
        command = self.registry.get(unicodedata.normalize("NFKC", typed).lower())
        if command is None:
            # Echo the word as typed, invisible characters named, never a look-alike of it.
            return Reply(
                t("Unknown command '{name}'. Send help for the list.", name=shown(typed, 30)),
                error=True,
            )
        context = CommandContext(
            actor,
            t,
            self.uow,
            self.config,
            self.registry,
            self.catalogs,
            self.kits,
            kit_press=self.kit_press,
            map_drawings=self.map_drawings,
        )
        args: Args = {}
        try:
            args = command.parse(rest if command.multiline else rest.replace("\n", " "))
            if command.who in (Who.VOLUNTEER, Who.MEMBER, Who.LEAD) and not joined:
                self._require_volunteer(actor)  # not joined, or not known: the store decides
            return command.handler(context, args)
        except StoreUnavailable:
            raise  # answered in handle(), without a usage line: the command was right
        except Ambiguous as error:
            reply = self.refusal(t, error)
            return replace(reply, buttons=choice_buttons(t, error, command, args))
        except CanError as error:
            return self.refusal(t, error, command)

    def _require_volunteer(self, actor: Actor) -> None:
        with self.uow.begin() as s:
            s.require_volunteer(actor.identity)

    @staticmethod
    def refusal(t: Translator, error: CanError, command: Command | None = None) -> Reply:
        # A field name is an English word from the domain: show it in the reader's language.
        params = {
            k: t(v) if k == "field" and isinstance(v, str) else v for k, v in error.params.items()
        }
        text = t(error.message, **params)
        # The usage helps only when the line was typed wrong; not after "you already back
        # topic 2" or "you have not joined yet", which a usage line would only confuse.
        if command is not None and isinstance(error, Invalid):
            text += "\n" + t("Usage: {usage}", usage=command.usage)
        return Reply(text, error=True)
