"""forgetme masks every name the volunteer ever had (one-letter ones too) and every
neighborhood they gave, wherever they wrote it; other people's words stay."""

from __future__ import annotations

from circles.actor import Actor
from circles.clock import FixedClock
from circles.network import Network
from circles.services import personal_data
from circles.services.checkins import record_checkin
from circles.services.export import export_network
from circles.services.linking import link_identity, request_link_code
from circles.services.meetups import schedule_meetup
from circles.services.membership import join, update_profile
from circles.services.network_setup import ensure_seeded
from circles.services.roles import appoint_lead
from circles.storage.memory import MemoryStore
from circles.unit_of_work import UnitOfWork

ANN = Actor("console:ann", "Annabel")
ANN_ON_TELEGRAM = Actor("telegram:9", "Q")
BO = Actor("console:bo", "Bo")


def test_every_former_name_and_neighborhood_is_masked_in_what_they_wrote(
    clock: FixedClock,
) -> None:
    uow = UnitOfWork(MemoryStore(), clock, Network(language="en"))
    ensure_seeded(uow)
    ann = join(uow, ANN, "Gubei").volunteer
    join(uow, BO, "Xinhua")
    record_checkin(uow, ANN, "Annabel sorted parcels at the Gubei gate", ())
    update_profile(uow, ANN, "name", "Anna")
    update_profile(uow, ANN, "neighborhood", "Jing'an")
    record_checkin(uow, ANN, "Anna and Bo: tea in Jing'an, Xinhua next", ())
    update_profile(uow, ANN, "name", "Z")
    record_checkin(uow, ANN, "Z was here; zoo trip", ())
    appoint_lead(uow, "research", ann.id)
    schedule_meetup(uow, ANN, "research", "daily", "19:00", "30m", "Standup @ Gubei hall")
    # A second account, linked later: its name (one letter) is one of hers too.
    code = request_link_code(uow, ANN).code
    link_identity(uow, ANN_ON_TELEGRAM, code)
    join(uow, ANN_ON_TELEGRAM)
    record_checkin(uow, BO, "Bo met Annabel in Gubei", ())  # Bo's words are Bo's

    personal_data.forget_me(uow, ANN, personal_data.request_forget(uow, ANN).issued.code)

    data = export_network(uow)
    texts = sorted(c["text"] for c in data["checkins"])
    assert texts == sorted(
        [
            "*** sorted parcels at the *** gate",
            "*** and Bo: tea in ***, Xinhua next",
            "*** was here; zoo trip",
            "Bo met Annabel in Gubei",
        ]
    )
    [standup] = [m for m in data["meetups"] if m["title"].startswith("Standup")]
    assert standup["title"] == "Standup @ *** hall"
    assert data["volunteers"] == [v for v in data["volunteers"] if v["name"] == "Bo"]


def test_renames_and_moves_are_kept_for_masking_and_shown_in_mydata(clock: FixedClock) -> None:
    uow = UnitOfWork(MemoryStore(), clock, Network(language="en"))
    ensure_seeded(uow)
    join(uow, ANN, "Gubei")
    update_profile(uow, ANN, "name", "Anna")
    update_profile(uow, ANN, "name", "Annabel")  # back to the first: it is current, not former
    update_profile(uow, ANN, "name", "Anna")
    join(uow, ANN, "Jing'an")  # joining again in another place moves them
    [mine] = personal_data.my_data(uow, ANN)["volunteers"]
    assert mine["name"] == "Anna" and mine["former_names"] == ["Annabel"]
    assert mine["neighborhood"] == "Jing'an" and mine["former_neighborhoods"] == ["Gubei"]
