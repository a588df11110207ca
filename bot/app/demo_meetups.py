"""The demo's meetups and relay: the daily topic meeting, the tea house, an action day, a relay."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from circles.actor import Actor
from circles.model import NETWORK
from circles.services import meetups, relays
from circles.services import roles as role_services
from circles.unit_of_work import UnitOfWork

# who schedules, circle, recurrence, start, duration, title, place, daily topic meeting
MEETUPS = [
    (
        "ben",
        NETWORK,
        "daily",
        "21:00",
        "30m",
        "一日一议 One topic a day",
        "https://meet.jit.si/can",
        True,
    ),
    (
        "mei",
        "research",
        "tue,fri",
        "20:00",
        "90m",
        "研究茶馆 Tea house",
        "https://meet.jit.si/can-tea",
        False,
    ),
    (
        "lan",
        "practice",
        "biweekly:sat",
        "10:00",
        "2h",
        "小区行动日 Action day",
        "新华路 Xinhua Rd",
        False,
    ),
]


def seed_demo_meetups(uow: UnitOfWork) -> list[str]:
    """The daily topic meeting, the tea house, an action day and a relay (once each)."""
    with uow.begin() as s:
        planned = {(d["circle"], d["title"]) for d in s.tx.all(meetups.MEETUPS)}
        has_relay = s.tx.count(relays.RELAYS) > 0
        ben = s.volunteers.by_identity("console:ben")
    done: list[str] = []
    if ben is not None:
        role_services.appoint_lead(uow, NETWORK, ben.id)  # Ben keeps 300 people in step
    for who, circle, rule, start, length, title, place, topic in MEETUPS:
        if (circle, title) in planned:
            continue
        actor = Actor(identity=f"console:{who}", name=who)
        meetups.schedule_meetup(
            uow, actor, circle, rule, start, length, title, place=place, topic=topic
        )
        done.append(f"meetup {title} ({circle}, {rule} {start})")
    if not has_relay:
        tz = ZoneInfo(uow.network.timezone)
        today = uow.clock.now().astimezone(tz).date()
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        ying = Actor(identity="console:ying", name="Ying")
        relay = relays.create_relay(
            uow, ying, f"{saturday}T20:00", "24x60", "24 小时诗歌接力 Poetry relay", "content"
        )
        relays.claim_slot(uow, ying, relay.id, "1")
        relays.claim_slot(uow, Actor(identity="console:mei", name="Mei"), relay.id, "2")
        done.append(f"relay {relay.title} ({relay.id}, {saturday} 20:00, 24 slots of 60 min)")
    return done
