"""The capacity that follows the staff present is written on the day's slot items only where it
changes, and citizens' availability and booking follow it, not only the staff views."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.errors import Conflict
from chalicelib.models.appointment_slots import Slot
from chalicelib.services import appointments
from chalicelib.services.appointments import opening_hours
from chalicelib.services.backoffice import staffed_capacity
from tests.conftest import bearer
from tests.unit.backoffice.support import JSON, Citizen, absence, next_day, serve, slots_of


def test_staffed_capacity_writes_only_the_slots_that_change_and_leaves_no_empty_items(
    client, make_staff, kep
):
    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    serve(client, manager, service)

    def items():
        rows = Slot.query(service.service_id, Slot.start.between(f"{day}T00:00", f"{day}T23:59"))
        return {r.start[11:]: (int(r.booked or 0), r.staffed) for r in rows}

    # GIVEN only the booked slots have items, with no staffed capacity
    booked_only = items()
    assert booked_only == {"09:00": (2, None), "10:00": (1, None)}
    # WHEN E1 is away: every slot of the day carries the lowered capacity
    added = absence(client, manager, "E1", day).json_body
    lowered = items()
    assert len(lowered) == len(opening_hours.day_slots(service, date.fromisoformat(day)))
    assert {staffed for _, staffed in lowered.values()} == {1}
    # AND publishing the same day again writes nothing
    assert appointments.set_staffed_capacity(service, day, staffed_capacity.capacity_for(service, day)) == 0
    # WHEN E1 is back THEN the value is gone from every slot, and the slots nobody booked that
    # were made only to hold it are left empty of everything but their keys and zero bookings
    absence_id = added["absence"]["absence_id"]
    assert client.http.delete(f"/api/staff/absences/{absence_id}", headers=manager).status_code == 200
    back = items()
    assert {staffed for _, staffed in back.values()} == {None}
    assert {k: v for k, v in back.items() if v[0]} == booked_only
    # AND a day that never changed writes nothing at all
    assert appointments.set_staffed_capacity(service, next_day(day), int(service.capacity)) == 0


def test_citizens_see_and_can_book_only_the_capacity_of_the_staff_present(client, make_staff, kep):
    """The public availability and booking follow absences too, not only the staff views: after
    an absence nobody can book past the lowered capacity (which would only make a new flag)."""
    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    assert serve(client, manager, service).status_code == 200

    def public(on_day):
        resp = client.http.get(f"/api/services/{service.service_id}/availability?from={on_day}&to={on_day}")
        assert resp.status_code == 200
        return slots_of(resp.json_body, on_day)

    # GIVEN 10:00 has one of two places booked
    assert public(day)["10:00"] == (2, 1)
    # WHEN E1 is on leave that day
    assert absence(client, manager, "E1", day).status_code == 200
    # THEN citizens see 10:00 full and 10:30 with one place
    seen = public(day)
    assert seen["10:00"] == (1, 0) and seen["10:30"] == (1, 1)
    # AND booking 10:00 is refused as full, 10:30 once and then full
    with pytest.raises(Conflict) as refused:
        appointments.book(Citizen("100000009"), service.service_id, f"{day}T10:00")
    assert refused.value.code == "slot_full"
    appointments.book(Citizen("100000010"), service.service_id, f"{day}T10:30")
    with pytest.raises(Conflict) as refused:
        appointments.book(Citizen("100000011"), service.service_id, f"{day}T10:30")
    assert refused.value.code == "slot_full"
    # AND the next day (a working day too) keeps the configured capacity in every slot
    later = public(next_day(day))
    assert later and {cap for cap, _ in later.values()} == {2}
    # WHEN E1 is back (the absence removed) THEN 10:30 has its second place again
    [gone] = client.http.get("/api/staff/absences", headers=manager).json_body["absences"]
    assert client.http.delete(f"/api/staff/absences/{gone['absence_id']}", headers=manager).status_code == 200
    appointments.book(Citizen("100000011"), service.service_id, f"{day}T10:30")
