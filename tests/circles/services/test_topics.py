"""Topics: propose and back; the backing that reaches the threshold forms an action group."""

from __future__ import annotations

import pytest

from circles.actor import Actor
from circles.errors import Conflict, Invalid, NotFound, PermissionDenied
from circles.model import Role
from circles.services import topics
from circles.services.announcements import pending
from circles.services.membership import join
from circles.services.split import split_circle
from circles.unit_of_work import UnitOfWork

ANN, BEN, CAI, DAN = (Actor(f"console:{n}", n.title()) for n in ("ann", "ben", "cai", "dan"))


def vid(uow: UnitOfWork, actor: Actor) -> str:
    with uow.begin() as s:
        return s.require_volunteer(actor.identity).id


@pytest.fixture
def people(uow: UnitOfWork) -> UnitOfWork:
    for actor in (ANN, BEN, CAI, DAN):
        join(uow, actor)
    with uow.begin() as s:
        for slug, chat in (("practice", "telegram:-1"), ("content", "slack:C9")):
            circle = s.circles.require(slug)
            circle.chats = [chat]
            s.circles.save(circle)
        s.commit()
    return uow


def test_three_backers_turn_a_topic_into_an_action_group(people: UnitOfWork) -> None:
    made = topics.propose_topic(people, ANN, "Parcel sorting at Xinhua Road", threshold=3)
    assert made.topic.id == "1" and made.topic.backers == [vid(people, ANN)] and not made.formed
    second = topics.back_topic(people, BEN, "1", threshold=3)
    assert second.formed is None and len(second.topic.backers) == 2
    third = topics.back_topic(people, CAI, "#1", threshold=3)
    group = third.formed
    assert group is not None and group.slug == "parcel-sorting-at-xinhua-road"
    assert group.parent == "practice"
    assert group.leads == [vid(people, ANN)]
    assert group.members == [vid(people, p) for p in (ANN, BEN, CAI)]
    (coordinator,) = group.roles
    assert coordinator.slug == "coordinator" and coordinator.holders == [vid(people, ANN)]
    assert set(coordinator.name) == {"zh", "en"} and set(coordinator.purpose) == {"zh", "en"}
    with people.begin() as s:
        stored = s.circles.require(group.slug)
        doc = s.tx.get("topics", "1")
        news = pending(s)
    assert stored.leads == group.leads
    assert doc is not None and doc["status"] == "formed" and doc["circle"] == group.slug
    assert doc["formed_at"] == people.clock.now().isoformat()
    # No network chat: the root circles hear of it (the proposal, then the group).
    assert [n.chats for n in news] == [("slack:C9", "telegram:-1")] * 2  # content, practice
    assert news[1].params["circle"] == group.slug


def test_the_network_chats_take_precedence_over_the_root_circles(people: UnitOfWork) -> None:
    with people.begin() as s:
        network = s.circles.require("network")
        network.chats = ["telegram:-999"]
        s.circles.save(network)
        s.commit()
    topics.propose_topic(people, ANN, "Water", threshold=1)
    with people.begin() as s:
        (news,) = pending(s)
    # Formed at once (threshold 1): the network's chat, and practice's as the group's parent.
    assert news.chats == ("telegram:-999", "telegram:-1")


def test_backing_twice_is_refused_and_changes_nothing(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=3)
    topics.back_topic(people, BEN, "1", threshold=3)
    for actor in (ANN, BEN):
        with pytest.raises(Conflict, match="already back"):
            topics.back_topic(people, actor, "1", threshold=3)
    with people.begin() as s:
        doc = s.tx.get("topics", "1")
    assert doc is not None and doc["backers"] == [vid(people, ANN), vid(people, BEN)]


def test_bad_topics_and_strangers_are_refused(people: UnitOfWork) -> None:
    with pytest.raises(NotFound):
        topics.back_topic(people, BEN, "42", threshold=3)
    for missing in ("", "#", " # "):  # no id at all: said so, not "no topic ''"
        with pytest.raises(Invalid, match="by its id"):
            topics.back_topic(people, BEN, missing, threshold=3)
    with pytest.raises(PermissionDenied):
        topics.propose_topic(people, Actor("console:ghost", "Ghost"), "Water", threshold=3)
    with pytest.raises(Invalid):
        topics.propose_topic(people, ANN, "   ", threshold=3)
    with pytest.raises(Invalid):
        topics.propose_topic(people, ANN, "x" * 121, threshold=3)
    with pytest.raises(NotFound):
        topics.propose_topic(people, ANN, "Water", threshold=3, parent="nowhere")
    topics.propose_topic(people, ANN, "Water", threshold=3)
    with pytest.raises(Conflict, match="back it with back 1"):
        topics.propose_topic(people, BEN, "WATER", threshold=3)
    with people.begin() as s:
        assert s.tx.count("topics") == 1


def test_a_formed_topic_takes_no_more_backers(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=2)
    assert topics.back_topic(people, BEN, "1", threshold=2).formed is not None
    with pytest.raises(Conflict, match="already the action group water"):
        topics.back_topic(people, CAI, "1", threshold=2)


def test_the_named_parent_and_a_chinese_title(people: UnitOfWork) -> None:
    made = topics.propose_topic(people, ANN, "社区团购", threshold=2, parent="research")
    group = topics.back_topic(people, BEN, made.topic.id, threshold=2).formed
    assert group is not None
    assert group.slug == f"group-{made.topic.id}" and group.parent == "research"
    assert group.name["zh"] == "社区团购"
    again = topics.propose_topic(people, CAI, "Water", threshold=1)  # formed alone, at once
    assert again.formed is not None and again.formed.slug == "water"
    clash = topics.propose_topic(people, DAN, "water!", threshold=1)
    assert clash.formed is not None and clash.formed.slug == "water-2"


def test_open_topics_rank_by_backers_then_age(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Masks", threshold=9)
    topics.propose_topic(people, BEN, "Water", threshold=9)
    topics.back_topic(people, CAI, "2", threshold=9)
    topics.propose_topic(people, CAI, "Done", threshold=1)
    ranked, formed = topics.open_topics(people)
    assert [t.title for t in ranked] == ["Water", "Masks"] and formed == 1
    with people.begin() as s:
        assert topics.day_topic(s) == "Water"


def test_forgetting_anonymises_topics(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=9)
    topics.back_topic(people, BEN, "1", threshold=9)
    topics.propose_topic(people, BEN, "Masks", threshold=9)
    ann = vid(people, ANN)
    with people.begin() as s:
        (mine,) = topics.data_of(s, ann)
        assert mine["proposed"] is True and mine["backers"] == 2  # others only as a count
        topics.forget_volunteer(s, ann)
        s.commit()
    with people.begin() as s:
        doc = s.tx.get("topics", "1")
        assert topics.data_of(s, ann) == []
    assert doc is not None and doc["proposer"] == "" and doc["backers"] == [vid(people, BEN)]


def test_forgetting_masks_the_name_in_the_action_group_their_topic_formed(
    people: UnitOfWork,
) -> None:
    topics.propose_topic(people, ANN, "Ann and friends cook", threshold=2)
    topics.back_topic(people, BEN, "1", threshold=2)
    topics.propose_topic(people, BEN, "Garden with Ann", threshold=2)
    topics.back_topic(people, ANN, "2", threshold=2)
    with people.begin() as s:
        topics.forget_volunteer(s, vid(people, ANN))
        s.commit()
    with people.begin() as s:
        cook = s.circles.require("ann-and-friends-cook")  # the slug stays: others use it
        garden = s.circles.require("garden-with-ann")
    assert cook.name == {"zh": "*** and friends cook", "en": "*** and friends cook"}
    assert cook.purpose["en"] == "Action group formed from topic 1: *** and friends cook"
    assert cook.purpose["zh"] == "由话题 1 发起的行动小组：*** and friends cook"
    # Ben proposed the garden: what he wrote stays as he wrote it.
    assert garden.name["en"] == "Garden with Ann"


def test_forgetting_masks_circles_split_off_their_action_group(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Ann and friends cook", threshold=2)
    topics.back_topic(people, BEN, "1", threshold=2)
    with people.begin() as s:
        group = s.circles.require("ann-and-friends-cook")
        group.roles.append(Role(slug="shopper", name={"en": "Shopper"}, purpose={}))
        group.roles.append(Role(slug="driver", name={"en": "Driver"}, purpose={}))
        s.circles.save(group)
        s.commit()
    split_circle(people, ANN, "ann-and-friends-cook", "shopping", ["shopper"])
    with people.begin() as s:
        assert "Ann and friends cook" in s.circles.require("shopping").purpose["en"]
        topics.forget_volunteer(s, vid(people, ANN))
        s.commit()
    with people.begin() as s:
        shopping = s.circles.require("shopping")
    assert shopping.purpose["en"] == "Split from *** and friends cook to carry: Shopper"


def test_forgetting_masks_them_in_closing_reasons_whoever_wrote_them(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=9)
    topics.close_topic(people, ANN, "1", "Ann moved away")
    topics.propose_topic(people, BEN, "Masks", threshold=9)
    topics.close_topic(people, BEN, "2", "Merged into Ann's topic")
    topics.propose_topic(people, BEN, "Tea", threshold=9)
    topics.close_topic(people, BEN, "3", "No one came")
    with people.begin() as s:
        topics.forget_volunteer(s, vid(people, ANN))
        s.commit()
    with people.begin() as s:
        reasons = [(s.tx.get("topics", n) or {})["reason"] for n in ("1", "2", "3")]
    # Ann backs neither of Ben's topics, yet his reason named her; a reason without her stays.
    assert reasons == ["*** moved away", "Merged into ***'s topic", "No one came"]


def test_merging_replaces_ids_without_double_backers(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=9)
    topics.back_topic(people, BEN, "1", threshold=9)
    topics.propose_topic(people, ANN, "Masks", threshold=9)
    ann, ben = vid(people, ANN), vid(people, BEN)
    with people.begin() as s:
        topics.merge_volunteers(s, ann, ben)
        s.commit()
    with people.begin() as s:
        water, masks = s.tx.get("topics", "1"), s.tx.get("topics", "2")
        assert [d["id"] for d in topics.data_of(s, ben)] == ["1", "2"]
        assert topics.data_of(s, ann) == []
    assert water is not None and water["proposer"] == ben and water["backers"] == [ben]
    assert masks is not None and masks["proposer"] == ben and masks["backers"] == [ben]


def test_a_topic_whose_proposer_left_still_forms_without_a_lead(people: UnitOfWork) -> None:
    topics.propose_topic(people, ANN, "Water", threshold=3)
    topics.back_topic(people, BEN, "1", threshold=3)
    with people.begin() as s:
        topics.forget_volunteer(s, vid(people, ANN))
        s.commit()
    topics.back_topic(people, CAI, "1", threshold=3)
    group = topics.back_topic(people, DAN, "1", threshold=3).formed
    assert group is not None and group.leads == []
    assert group.members == [vid(people, p) for p in (BEN, CAI, DAN)]
    assert group.roles[0].holders == []  # the coordinator role waits for someone to claim it
