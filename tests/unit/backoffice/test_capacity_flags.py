"""Capacity flags: a colleague covering a day restores its capacity, and the suggestions of a day's
flags are worked out once."""

from __future__ import annotations

import json

from chalicelib.models.appointment_slots import Slot
from chalicelib.services import appointments
from chalicelib.services.backoffice import capacity_flags, staffed_capacity
from tests.conftest import bearer
from tests.unit.backoffice.support import JSON, Citizen, absence, serve


def test_a_colleague_covering_restores_capacity(client, make_staff, kep):
    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    serve(client, manager, service)
    # GIVEN E2 is sick that day, which flagged the later 09:00 booking
    absence(client, manager, "E2", day, "sickness")
    # WHEN E3 covers
    resp = client.http.post(
        f"/api/staff/capacity-flags/{booked[1].appointment_id}/cover",
        headers=manager,
        body=json.dumps({"employee_number": "E3"}),
    )
    # THEN the flag is covered and the day has the capacity of two again
    assert resp.status_code == 200, resp.json_body
    assert resp.json_body["status"] == "covered"
    assert staffed_capacity.capacity_for(service, day) == 2


def test_flags_of_one_day_read_their_suggestions_once(client, make_staff, kep, monkeypatch):
    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    serve(client, manager, service)
    # GIVEN 09:00 and 10:00 full (2 of 2) and an absence that leaves room for 1: two flags that day
    appointments.book(Citizen("100000004"), service.service_id, f"{day}T10:00")
    resp = absence(client, manager, "E1", day)
    assert len(resp.json_body["flagged"]) == 2
    computed, slot_queries = [], []
    real_suggestions, real_query = capacity_flags.suggestions, Slot.query
    monkeypatch.setattr(
        capacity_flags, "suggestions", lambda flag: computed.append(flag) or real_suggestions(flag)
    )
    monkeypatch.setattr(
        Slot, "query", classmethod(lambda cls, *a, **k: slot_queries.append(a) or real_query(*a, **k))
    )
    # WHEN staff list the flags
    clerk = {**bearer(make_staff("clerk", "kep")), **JSON}
    flags = client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"]
    # THEN both carry the day's suggestions, worked out once, with the booked slots read once
    assert len(flags) == 2 and flags[0]["suggestions"] == flags[1]["suggestions"]
    offered = flags[0]["suggestions"]["slots"]
    assert offered and not {f"{day}T09:00", f"{day}T10:00"} & set(offered)
    assert len(computed) == 1 and len(slot_queries) == 1
