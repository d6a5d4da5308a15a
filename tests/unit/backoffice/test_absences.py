"""Absences move capacity: an absence on a day with bookings lowers that day's availability and
flags the appointments beyond it; removing it brings the capacity back; an import is all or
nothing. The day is a working day followed by another, computed from today (``support``)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from chalicelib.models.appointments import Appointment
from chalicelib.models.outbox import OutboxMessage
from chalicelib.models.staffing import Absence, CapacityFlag, StaffingDay
from chalicelib.services import appointments
from chalicelib.services.backoffice import capacity_flags, staffed_capacity
from tests.conftest import bearer
from tests.unit.backoffice.support import JSON, absence, next_day, serve, slots_of


def test_an_absence_lowers_availability_and_flags_the_excess(client, make_staff, kep):
    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    # GIVEN two staff serve the service (capacity 2) and 09:00 is full
    resp = serve(client, manager, service)
    assert resp.status_code == 200, resp.json_body
    before = slots_of(appointments.availability(service.service_id, day, day), day)
    assert before["09:00"] == (2, 0) and before["10:00"] == (2, 1) and before["10:30"] == (2, 2)
    # WHEN one of them is on leave that day
    resp = absence(client, manager, "E1", day)
    assert resp.status_code == 200, resp.json_body
    # THEN that day's capacity is 1 and availability shows it
    after = slots_of(appointments.availability(service.service_id, day, day), day)
    assert after["09:00"] == (1, 0) and after["10:00"] == (1, 0) and after["10:30"] == (1, 1)
    assert staffed_capacity.capacity_for(service, day) == 1
    # AND the next day keeps the capacity of both
    assert staffed_capacity.capacity_for(service, next_day(day)) == 2
    # AND the one appointment beyond capacity at 09:00 (the later booked) is flagged, nothing else
    assert [f["appointment_id"] for f in resp.json_body["flagged"]] == [booked[1].appointment_id]
    # AND nobody was told anything yet: the appointment is unchanged, no message written
    assert Appointment.get(booked[1].appointment_id).version == 1
    assert list(OutboxMessage.scan()) == []
    # WHEN staff look at the flags THEN other slots and colleagues present are offered
    clerk = {**bearer(make_staff("clerk", "kep")), **JSON}
    [flag] = client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"]
    offered = flag["suggestions"]["slots"]
    assert offered and f"{day}T09:00" not in offered and f"{day}T10:00" not in offered
    assert [c["employee_number"] for c in flag["suggestions"]["colleagues"]] == ["E3"]
    everything = capacity_flags.suggestions(CapacityFlag.get(booked[1].appointment_id), limit=100)
    assert f"{day}T10:30" in everything["slots"]
    # WHEN a clerk confirms a move to an offered slot THEN the appointment moves and the flag closes
    resp = client.http.post(
        f"/api/staff/capacity-flags/{booked[1].appointment_id}/move",
        headers=clerk,
        body=json.dumps({"start": f"{day}T10:30"}),
    )
    assert resp.status_code == 200, resp.json_body
    moved = Appointment.get(booked[1].appointment_id)
    assert moved.start == f"{day}T10:30" and moved.status == "rescheduled"
    assert client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"] == []


def test_removing_the_absence_brings_capacity_back_and_clears_flags(client, make_staff, kep):
    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    serve(client, manager, service)
    # GIVEN E1 away that day, which flagged the later 09:00 booking
    absence_id = absence(client, manager, "E1", day).json_body["absence"]["absence_id"]
    # WHEN the absence is removed
    assert client.http.delete(f"/api/staff/absences/{absence_id}", headers=manager).status_code == 200
    # THEN the capacity is back and the flag is cleared
    assert staffed_capacity.capacity_for(service, day) == 2
    assert CapacityFlag.get(booked[1].appointment_id).status == "cleared"


def test_a_long_absence_reads_each_colleagues_absences_once_and_no_old_ones(
    client, make_staff, kep, monkeypatch
):
    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    serve(client, manager, service)
    # GIVEN E1 has years of past leave on file
    first = date.fromisoformat(day)
    for n in range(30):
        start = (first - timedelta(days=400 + 40 * n)).isoformat()
        Absence(
            f"old{n}",
            employee_number="E1",
            department_id="kep",
            kind="leave",
            start_day=start,
            end_day=start,
            created_by="hr",
        ).save()
    queried, items, staffing_gets = [], [], []
    real_query, real_get = Absence.by_employee.query, StaffingDay.get

    def spy(number, *args, **kwargs):
        queried.append(number)
        for row in real_query(number, *args, **kwargs):
            items.append(row.absence_id)
            yield row

    monkeypatch.setattr(Absence.by_employee, "query", spy)
    flag_queries = []
    real_flags = CapacityFlag.by_department_status.query
    monkeypatch.setattr(
        CapacityFlag.by_department_status,
        "query",
        lambda *a, **k: flag_queries.append(a) or real_flags(*a, **k),
    )
    monkeypatch.setattr(
        StaffingDay, "get", classmethod(lambda cls, *a, **k: staffing_gets.append(a) or real_get(*a, **k))
    )
    # WHEN E1 is away for two weeks
    last = (first + timedelta(days=13)).isoformat()
    resp = absence(client, manager, "E1", day, end_day=last)
    assert resp.status_code == 200, resp.json_body
    # THEN each of the service's staff had their absences read once for all fourteen days,
    # none of the old ones, and no day's staffing was read one by one
    assert sorted(queried) == ["E1", "E2"]
    assert [i for i in items if i.startswith("old")] == []
    assert staffing_gets == []
    # AND the open flags were read once per day, not once per slot
    assert len(flag_queries) == 14
    # AND every one of those days has the capacity of one person, the day after two
    monkeypatch.undo()
    assert {staffed_capacity.capacity_for(service, d) for d in staffed_capacity.days_between(day, last)} == {1}
    assert staffed_capacity.capacity_for(service, (first + timedelta(days=14)).isoformat()) == 2


def test_absences_import_is_all_or_nothing_and_departments_are_enforced(client, make_staff, kep):
    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    # GIVEN a file with an unknown employee (row 3) and an unknown kind (row 4)
    bad = (
        "employee_number,kind,start_day,end_day,note\n"
        f"E1,leave,{day},{day},\nE9,leave,{day},{day},\nE2,holiday,{day},{day},\n"
    )
    # WHEN it is imported THEN it is refused whole, naming those rows, and nothing is written
    resp = client.http.post("/api/staff/absences/import", headers=manager, body=json.dumps({"content": bad}))
    assert resp.status_code == 409
    assert [e["row"] for e in resp.json_body["error"]["details"]["errors"]] == [3, 4]
    assert list(Absence.scan()) == []
    # WHEN a good file is imported THEN its absence is added
    good = f"employee_number,kind,start_day,end_day,note\nE1,leave,{day},{day},άδεια\n"
    resp = client.http.post("/api/staff/absences/import", headers=manager, body=json.dumps({"content": good}))
    assert resp.status_code == 200 and resp.json_body["imported"] == 1
    # AND a manager of another department may not enter an absence of a KEP employee
    other = {**bearer(make_staff("manager", "roads")), **JSON}
    assert absence(client, other, "E1", day).status_code == 403


def test_an_absence_needs_an_employee_of_a_department_and_a_readable_file(client, make_staff, kep):
    _, day, _ = kep
    admin = {**bearer(make_staff("admin", "kep")), **JSON}
    # GIVEN an administrator invited without a department (employee number 0)
    invited = client.http.post(
        "/api/admin/staff",
        headers=admin,
        body=json.dumps({"username": "it.admin", "email": "it@example.gr", "name": "IT", "role": "admin",
                         "employee_number": "0"}),
    )
    assert invited.status_code == 201, invited.body
    # WHEN an absence of theirs is entered THEN it is a 409 naming the field, nothing written (it was a 500)
    resp = absence(client, admin, "0", day)
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "employee_without_department"
    assert resp.json_body["error"]["details"] == {"field": "employee_number"}
    # AND a file the csv module cannot read is a 409 too, naming its line
    unreadable = "employee_number,kind,start_day,end_day,note\nE1,le\rave,x,y,\n"
    resp = client.http.post(
        "/api/staff/absences/import", headers=admin, body=json.dumps({"content": unreadable})
    )
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "invalid_absences_file"
    assert list(Absence.scan()) == []
