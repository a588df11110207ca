"""What one volunteer may have open at once, and how often their doings are announced.

One newcomer must not fill a group's chat (and its send budget, ahead of real reminders) with
30 proposals: each volunteer has at most a few open topics, proposed roles and coming relays,
and at most ``ANNOUNCEMENTS_PER_HOUR`` announcements of theirs reach the chats in an hour.
Admins are exempt. Every refusal names the limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from circles.errors import Conflict, plural
from circles.model import Volunteer
from circles.unit_of_work import Session

OPEN_TOPICS = 3
PROPOSED_ROLES = 3
COMING_RELAYS = 3
ANNOUNCEMENTS_PER_HOUR = 5
WINDOW = timedelta(hours=1)
TOPICS = "topics"  # the topics service's table (read here; that service imports this one)


def check_open_topics(s: Session, volunteer: Volunteer, open_now: int) -> None:
    if open_now >= OPEN_TOPICS and not s.is_admin(volunteer):
        raise Conflict(
            plural(
                "You already have {count} open topic, the most one volunteer may have at once: "
                "wait until it forms its group or a lead closes it.",
                "You already have {count} open topics, the most one volunteer may have at once: "
                "wait until one forms its group or a lead closes it.",
            ),
            count=OPEN_TOPICS,
        )


def check_proposed_roles(s: Session, volunteer: Volunteer, open_now: int) -> None:
    if open_now >= PROPOSED_ROLES and not s.is_admin(volunteer):
        raise Conflict(
            plural(
                "You already have {count} role proposal waiting, the most one volunteer may "
                "have at once: wait until it is accepted or stands.",
                "You already have {count} role proposals waiting, the most one volunteer may "
                "have at once: wait until one is accepted or stands.",
            ),
            count=PROPOSED_ROLES,
        )


def check_coming_relays(s: Session, volunteer: Volunteer, open_now: int) -> None:
    if open_now >= COMING_RELAYS and not s.is_admin(volunteer):
        raise Conflict(
            plural(
                "You already have {count} relay planned, the most one volunteer may have at "
                "once: wait until it is over, or delete it.",
                "You already have {count} relays planned, the most one volunteer may have at "
                "once: wait until one is over, or delete one.",
            ),
            count=COMING_RELAYS,
        )


def check_announcement_rate(s: Session, volunteer: Volunteer) -> None:
    """Refuse a change that would announce ``volunteer``'s doings once more than the hour allows.

    The count comes from what they proposed in the last hour (topics, closed ones included, and
    roles), so it needs no table of its own and ``forgetme`` leaves nothing behind.
    """
    since = s.now - WINDOW
    recent = sorted(t for t in _proposed_at(s, volunteer.id) if t > since)
    if len(recent) >= ANNOUNCEMENTS_PER_HOUR and not s.is_admin(volunteer):
        raise Conflict(
            plural(
                "At most {count} announcement an hour reaches the group from one volunteer; "
                "try again after {time} UTC.",
                "At most {count} announcements an hour reach the group from one volunteer; "
                "try again after {time} UTC.",
            ),
            count=ANNOUNCEMENTS_PER_HOUR,
            time=(recent[-ANNOUNCEMENTS_PER_HOUR] + WINDOW).strftime("%H:%M"),
        )


def _proposed_at(s: Session, volunteer_id: str) -> list[datetime]:
    times = [
        datetime.fromisoformat(doc["created_at"])
        for doc in s.tx.all(TOPICS)
        if doc.get("proposer") == volunteer_id
    ]
    for circle in s.circles.all():
        for role in circle.roles:
            if role.proposed_by == volunteer_id and role.proposed_at is not None:
                times.append(role.proposed_at)
    return times
