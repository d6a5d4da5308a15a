"""Check-in of an appointment holder: one ticket per appointment, in the line of its service,
refused unless booked today here; the appointment found by its reference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.errors import Conflict, NotFound
from chalicelib.models.appointments import Appointment
from chalicelib.models.citizens import Citizen
from chalicelib.services.live_queue import appointments, checkin
from chalicelib.services.live_queue.appointments import BookedAppointment
from tests.unit.live_queue.helpers import NOW, TODAY


def _booked(**over):
    fields = dict(
        appointment_id="apt-1",
        reference="KEP-7Q2X",
        status="booked",
        service_id="svc-permit",
        service_point_id="kep-1",
        department_id="kep",
        slot_start=NOW + timedelta(minutes=15),
        slot_end=NOW + timedelta(minutes=30),
        mobile="+306911111111",
    )
    fields.update(over)
    return BookedAppointment(**fields)


def test_check_in_creates_one_linked_ticket_in_the_service_line(point):
    # GIVEN a booked appointment for a permit at kep-1 in 15 minutes
    appointment = _booked()
    lookup = {"KEP-7Q2X": appointment}.get
    # WHEN the reference is scanned (a URL from the QR) and then typed again
    ticket, existed = checkin.check_in("kep-1", "https://x.gr/a/kep-7q2x", now=NOW, lookup=lookup)
    again, existed_again = checkin.check_in("kep-1", " kep-7q2x ", now=NOW, lookup=lookup)
    # THEN one ticket, in the permits line, with the slot time, linked to the appointment
    assert (existed, existed_again) == (False, True)
    assert again.ticket_id == ticket.ticket_id
    assert (ticket.queue_id, ticket.code, ticket.kind) == ("kep-1-B", "B001", "appointment")
    assert ticket.appointment_id == "apt-1" and ticket.slot_start == appointment.slot_start


@pytest.mark.parametrize(
    ("over", "point_id", "code"),
    [
        ({"status": "cancelled"}, "kep-1", "appointment_not_booked"),
        ({"slot_start": NOW + timedelta(days=1)}, "kep-1", "appointment_not_today"),
        ({}, "roads-1", "wrong_service_point"),
    ],
)
def test_check_in_refuses_what_is_not_booked_today_here(point, over, point_id, code):
    # GIVEN an appointment that is cancelled, or tomorrow, or at kep-1
    lookup = {"KEP-7Q2X": _booked(**over)}.get
    # WHEN it is checked in (at roads-1 for the last) THEN 409 with the reason
    with pytest.raises(Conflict) as exc:
        checkin.check_in(point_id, "KEP-7Q2X", now=NOW, lookup=lookup)
    assert exc.value.code == code


def test_check_in_unknown_reference_is_404(point):
    # GIVEN no appointment with the reference
    # WHEN it is checked in THEN 404
    with pytest.raises(NotFound) as exc:
        checkin.check_in("kep-1", "NOPE-0000", now=NOW, lookup=lambda _r: None)
    assert exc.value.code == "appointment_not_found"


def test_check_in_finds_the_appointment_by_reference_with_the_citizens_mobile(point):
    # GIVEN a booked appointment at kep-1 in five minutes, of a citizen with a mobile
    Citizen("111111111", first_name="Maria", last_name="Papa", mobile="+306900000001", language="en").save()
    Appointment(
        "apt-9",
        reference="KEP-AB12",
        taxid="111111111",
        status="booked",
        service_id="svc-cert",
        service_point_id="kep-1",
        department_id="kep",
        start=f"{TODAY}T11:05",
        slot_start=NOW + timedelta(minutes=5),
        slot_end=NOW + timedelta(minutes=20),
    ).save()
    # WHEN the kiosk checks in with the reference as typed
    found = appointments.find_by_reference("KEP-AB12")
    ticket, again = checkin.check_in("kep-1", " kep-ab12 ", now=NOW)
    # THEN the appointment is found through its index and the ticket is linked to it
    assert (found.appointment_id, found.service_point_id, found.slot_start) == (
        "apt-9",
        "kep-1",
        NOW + timedelta(minutes=5),
    )
    assert (found.mobile, found.language) == ("+306900000001", "en")
    assert (ticket.appointment_id, ticket.queue_id, ticket.kind, again) == (
        "apt-9",
        "kep-1-A",
        "appointment",
        False,
    )
    assert ticket.mobile == "+306900000001"
    # AND a second scan shows the same ticket; an unknown reference is not found
    assert checkin.check_in("kep-1", "KEP-AB12", now=NOW)[0].ticket_id == ticket.ticket_id
    assert appointments.find_by_reference("NOPE-0000") is None
