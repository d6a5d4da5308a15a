"""Booking: one write request, the distinct 409s, the same Idempotency-Key booking once (by the
appointment's condition and by the transaction's ClientRequestToken), the reference code."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import ddb
from chalicelib.errors import Conflict
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import Appointment
from chalicelib.services.appointments import booking, ledger
from chalicelib.services.live_queue import appointments as queue_appointments
from tests.unit.appointments.helpers import NOW, Session, count_calls


def test_booking_is_one_write_request_and_returns_a_reference(svc):
    booking.get_service(svc.service_id)
    # WHEN a citizen books
    with count_calls() as calls:
        appointment, created = booking.book(
            Session("111111111"), svc.service_id, "2026-11-24T09:00", subject="Πιστοποιητικό", now=NOW
        )
    # THEN one TransactWriteItems and no read
    assert calls == ["TransactWriteItems"]
    assert created and appointment.status == "booked"
    assert len(appointment.reference) == 8 and set(appointment.reference) <= set(ledger.REFERENCE_ALPHABET)
    assert appointment.slot_start == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    # AND what it answered is what it stored
    assert Appointment.get(appointment.appointment_id).serialize() == appointment.serialize()


def test_same_idempotency_key_books_once(svc):
    # WHEN the same request is sent twice with one key, the second a minute later
    first, created1 = booking.book(
        Session("111111111"), svc.service_id, "2026-11-24T09:00", idempotency_key="k-1", now=NOW
    )
    second, created2 = booking.book(
        Session("111111111"),
        svc.service_id,
        "2026-11-24T09:00",
        idempotency_key="k-1",
        now=NOW + timedelta(minutes=1),
    )
    # THEN the second returns the first and the slot counts one
    assert created1 and not created2
    assert second.appointment_id == first.appointment_id
    assert Slot.get(svc.service_id, "2026-11-24T09:00").booked == 1


def test_every_send_of_a_booking_carries_one_token_derived_from_its_key(svc, monkeypatch):
    # GIVEN DynamoDB answers TransactionConflict to every send
    tokens = []

    def conflict(self):
        tokens.append(self._client_request_token)
        raise TransactWriteError("TransactionCanceledException: [TransactionConflict]")

    monkeypatch.setattr(TransactWrite, "_commit", conflict)
    monkeypatch.setattr(ddb, "backoff", lambda attempt: None)
    # WHEN a citizen books with a key, twice (the request resent)
    for _ in range(2):
        with pytest.raises(Conflict) as busy:
            booking.book(
                Session("111111111"), svc.service_id, "2026-11-24T09:00", idempotency_key="k", now=NOW
            )
        # THEN after the retries the answer is 409 slot_busy
        assert busy.value.code == "slot_busy"
    # AND every attempt of both requests carried the same ClientRequestToken, a valid one
    assert len(tokens) == 2 * ddb.DEFAULT_RETRIES and len(set(tokens)) == 1
    assert re.fullmatch(r"[a-zA-Z0-9-]{1,36}", tokens[0])
    assert tokens[0] == ledger.booking_token(ledger.appointment_id_for("111111111", "k"))
    # AND another key, or another citizen with the key, has another token
    assert ledger.booking_token(ledger.appointment_id_for("111111111", "k2")) != tokens[0]
    assert ledger.booking_token(ledger.appointment_id_for("222222222", "k")) != tokens[0]


def test_a_resend_after_the_booking_went_through_answers_it_as_booked_before(svc):
    # GIVEN DynamoDB's handling of ClientRequestToken (moto's own ignores it; see devstack)
    from devstack import moto_patches

    moto_patches.apply()
    citizen = Session("111111111")
    first, created = booking.book(citizen, svc.service_id, "2026-11-24T09:00", idempotency_key="k", now=NOW)
    # WHEN the request is sent again with its key a moment later (the same token, other values)
    with count_calls() as calls:
        again, created_again = booking.book(
            citizen, svc.service_id, "2026-11-24T09:00", idempotency_key="k", now=NOW + timedelta(seconds=5)
        )
    # THEN DynamoDB refused the token's reuse, and the booking made before is the answer
    assert calls == ["TransactWriteItems", "GetItem"]
    assert created and not created_again and again.appointment_id == first.appointment_id
    assert again.history == first.history
    # AND nothing was taken twice
    assert Slot.get(svc.service_id, "2026-11-24T09:00").booked == 1


def test_full_slot_daily_limit_and_not_bookable_have_distinct_codes(svc):
    # GIVEN a slot of capacity 2, filled by two citizens
    booking.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    booking.book(Session("222222222"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN a third books it THEN slot_full
    with pytest.raises(Conflict) as full:
        booking.book(Session("333333333"), svc.service_id, "2026-11-24T09:00", now=NOW)
    assert full.value.code == "slot_full"
    # WHEN the first books another slot the same day THEN daily_limit_reached (max 1 per day)
    with pytest.raises(Conflict) as limit:
        booking.book(Session("111111111"), svc.service_id, "2026-11-24T10:00", now=NOW)
    assert limit.value.code == "daily_limit_reached"
    # WHEN a time is not a slot, in the break, on a holiday, too soon or too far THEN slot_not_bookable
    for start in (
        "2026-11-24T09:07",
        "2026-11-24T11:00",
        "2026-12-25T09:00",
        "2026-11-23T08:30",
        "2027-01-20T09:00",
        "garbage",
    ):
        with pytest.raises(Conflict) as bad:
            booking.book(Session("444444444"), svc.service_id, start, now=NOW)
        assert bad.value.code == "slot_not_bookable", start


def test_reference_index_serves_the_live_queue(svc):
    appointment, _ = booking.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN the queue looks the reference up
    found = queue_appointments.find_by_reference(appointment.reference)
    # THEN it finds the appointment with its service point, department and UTC slot start
    assert found.appointment_id == appointment.appointment_id
    assert found.service_point_id == "kep-dimarxeio" and found.department_id == "kep"
    assert found.slot_start == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert found.status == "booked"
