"""What stays of an appointment when its citizen closes their account: every attribute of
``Appointment`` is classified as kept or erased, so one added later cannot slip through unnoticed
(it would be dropped by the rewrite until it is classified)."""

from __future__ import annotations

from chalicelib.models.appointments import Appointment
from chalicelib.services.appointments import citizen_records


def test_every_appointment_attribute_is_kept_or_erased():
    # GIVEN the model's attributes; THEN each is in exactly one of the two lists
    kept, erased = set(citizen_records.KEPT), set(citizen_records.ERASED)
    assert kept.isdisjoint(erased)
    assert kept | erased == set(Appointment.get_attributes())


def test_the_anonymous_appointment_keeps_the_visit_and_not_the_person(booked):
    # GIVEN a booked appointment with a subject and a history entry with a reason
    booked.subject, booked.notes = "Για τη Μαρία", "Σημείωση"
    booked.history = [
        *booked.history,
        {"status": "cancelled_by_staff", "at": "x", "by": "clerk", "reason": "Μαρία"},
    ]
    # WHEN anonymised
    kept = citizen_records.anonymous(booked)
    # THEN the visit is the same and the person is gone
    assert (kept.appointment_id, kept.service_id, kept.start, kept.status) == (
        booked.appointment_id,
        booked.service_id,
        booked.start,
        booked.status,
    )
    assert kept.taxid.startswith("erased:") and kept.taxid != citizen_records.anonymous(booked).taxid
    assert (kept.citizen_name, kept.subject, kept.notes, kept.staff_comment) == ("", "", "", None)
    assert all(set(entry) <= set(citizen_records.HISTORY_KEPT) for entry in kept.history)
