"""`canbot demo`: a small living network, so a newcomer sees circles, holders and leads at once."""

from __future__ import annotations

from bot.app.demo_meetups import seed_demo_meetups
from circles.actor import Actor
from circles.errors import CanError
from circles.services import membership
from circles.services import roles as role_services
from circles.unit_of_work import UnitOfWork

# name, neighborhood, skills, mission, roles claimed, circles led
PEOPLE = [
    (
        "Mei",
        "新华路",
        "interviews,writing",
        "听见邻居的真实需求",
        ["research/interviewer"],
        ["research"],
    ),
    (
        "Jun",
        "番禺路",
        "design,print",
        "把好做法做成人人能用的工具包",
        ["product/kit-designer"],
        ["product"],
    ),
    (
        "Lan",
        "法华镇路",
        "organizing",
        "让我的小区重新认识彼此",
        ["practice/neighborhood-captain"],
        ["practice"],
    ),
    (
        "Hao",
        "幸福路",
        "logistics,resources",
        "找到物资和场地",
        ["connect/resource-scout"],
        ["connect"],
    ),
    ("Ying", "定西路", "video,writing", "把故事讲给更多人", ["content/storyteller"], ["content"]),
    (
        "Ben",
        "Huashan Rd",
        "facilitation",
        "Keep 300 people in step",
        ["research/tea-house-host"],
        [],
    ),
    ("Qi", "新华路", "design", "Signs legible from five meters", ["practice/kit-tester"], []),
]


def real_volunteers(uow: UnitOfWork) -> int:
    """How many volunteers are not the demo's own: a real network the demo must not join."""
    demo = {f"console:{name.lower()}" for name, *_ in PEOPLE}
    with uow.begin() as s:
        return sum(1 for v in s.volunteers.all() if not set(v.identities) <= demo)


def seed_demo(uow: UnitOfWork) -> list[str]:
    """Add the demo volunteers (idempotent); returns a line per thing done."""
    done: list[str] = []
    for name, place, skills, mission, claims, leads in PEOPLE:
        actor = Actor(identity=f"console:{name.lower()}", name=name)
        joined = membership.join(uow, actor, place)
        if joined.created:
            membership.update_profile(uow, actor, "skills", skills)
            membership.update_profile(uow, actor, "mission", mission)
            done.append(f"volunteer {name} ({place})")
        for ref in claims:
            try:
                role_services.claim_role(uow, actor, ref)
                done.append(f"{name} holds {ref}")
            except CanError:
                pass  # already held from an earlier demo run
        for circle in leads:
            role_services.appoint_lead(uow, circle, joined.volunteer.id)
    done.extend(seed_demo_meetups(uow))
    return done
