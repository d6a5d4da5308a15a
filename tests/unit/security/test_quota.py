"""The per-citizen quota of upcoming appointments (``DIMOTIS_MAX_UPCOMING_APPOINTMENTS``, DESIGN
invariant 7): across services and days, per citizen, freed by a cancellation, a passed time or a
completion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.models.appointments import Appointment
from chalicelib.models.citizen_bookings import CitizenBookings
from chalicelib.settings import reset_settings
from devstack.demo import appointments as demo_appointments
from tests.unit.security.world import A, B, availability, call

LIMIT = 3


@pytest.fixture
def quota(aws, monkeypatch):
    """The demo services, with a limit of 3 upcoming appointments per citizen."""
    monkeypatch.setenv("DIMOTIS_MAX_UPCOMING_APPOINTMENTS", str(LIMIT))
    reset_settings()
    demo_appointments.seed()
    return LIMIT


def _open_slots(client, service_id: str, count: int) -> list[str]:
    """The first bookable slot of ``service_id`` on each of ``count`` different days."""
    firsts = [d["slots"][0]["start"] for d in availability(client, service_id, days=40) if d["slots"]]
    assert len(firsts) >= count
    return firsts[:count]


def _book(client, token: str, service_id: str, start: str, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return call(
        client, "POST", "/api/appointments", token, {"service_id": service_id, "start": start}, headers
    )


def test_a_citizen_holds_at_most_the_upcoming_limit_across_services_and_days(quota, client, make_citizen):
    token = make_citizen(A)
    signature = _open_slots(client, "kep-signature", 4)
    # GIVEN citizen A holds 3 appointments (the limit) at two services on three days
    held = [_book(client, token, "kep-certificates", _open_slots(client, "kep-certificates", 1)[0])]
    held += [_book(client, token, "kep-signature", start) for start in signature[1:3]]
    assert [r.status_code for r in held] == [201, 201, 201], [r.json_body for r in held]
    # WHEN A books a fourth
    fourth = _book(client, token, "kep-signature", signature[3])
    # THEN 409 upcoming_limit_reached, and nothing of it was written
    assert fourth.status_code == 409, fourth.json_body
    assert fourth.json_body["error"]["code"] == "upcoming_limit_reached"
    assert fourth.json_body["error"]["details"] == {"max_upcoming_appointments": quota}
    assert len(list(Appointment.by_citizen.query(A))) == quota
    day = signature[3][:10]
    days = call(client, "GET", f"/api/services/kep-signature/availability?from={day}&to={day}").json_body
    slot = next(s for s in days["days"][0]["slots"] if s["start"] == signature[3])
    assert slot["remaining"] == slot["capacity"]
    # WHEN one is cancelled, a new one fits again, and rescheduling keeps the count (no 409)
    cancelled = call(client, "POST", f"/api/appointments/{held[0].json_body['appointment_id']}/cancel", token)
    assert cancelled.status_code == 200, cancelled.json_body
    again = _book(client, token, "kep-signature", signature[3])
    assert again.status_code == 201, again.json_body
    moved = call(
        client,
        "POST",
        f"/api/appointments/{again.json_body['appointment_id']}/reschedule",
        token,
        {"start": signature[0]},
    )
    assert moved.status_code == 200, moved.json_body


def test_the_limit_is_per_citizen_and_a_repeated_booking_is_not_refused(quota, client, make_citizen):
    starts = _open_slots(client, "kep-signature", 4)
    a, b = make_citizen(A), make_citizen(B)
    # GIVEN A at the limit
    first = [_book(client, a, "kep-signature", start, key=f"k{i}") for i, start in enumerate(starts[:3])]
    assert [r.status_code for r in first] == [201, 201, 201]
    # WHEN A repeats her first booking (same Idempotency-Key) and B books
    repeat = _book(client, a, "kep-signature", starts[0], key="k0")
    other = _book(client, b, "kep-signature", starts[3])
    # THEN the repeat answers the first booking, and B is not held back by A
    assert (
        repeat.status_code == 200
        and repeat.json_body["appointment_id"] == first[0].json_body["appointment_id"]
    )
    assert other.status_code == 201, other.json_body


def test_started_or_finished_appointments_free_their_place(quota, cognito, make_staff, client, make_citizen):
    """A held appointment whose time has passed (still ``booked``) is pruned when the limit is hit;
    a completed one frees its place at once."""
    token, clerk = make_citizen(A), make_staff("clerk", "kep")
    starts = _open_slots(client, "kep-signature", 5)
    held = [_book(client, token, "kep-signature", start).json_body["appointment_id"] for start in starts[:3]]
    # GIVEN the first one's time has passed and nobody marked it
    Appointment(held[0]).update(actions=[Appointment.slot_start.set(clock.utcnow() - timedelta(hours=1))])
    # WHEN A books a fourth: the stale one is pruned, and the booking succeeds
    fourth = _book(client, token, "kep-signature", starts[3])
    assert fourth.status_code == 201, fourth.json_body
    assert CitizenBookings.get(A).upcoming == {held[1], held[2], fourth.json_body["appointment_id"]}
    # AND at the limit again, a clerk completing one frees a place
    assert _book(client, token, "kep-signature", starts[4]).status_code == 409
    done = call(client, "POST", f"/api/staff/appointments/{held[1]}/complete", clerk)
    assert done.status_code == 200, done.json_body
    assert _book(client, token, "kep-signature", starts[4]).status_code == 201
