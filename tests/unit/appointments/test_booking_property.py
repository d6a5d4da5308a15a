"""Property: whatever sequence of book, cancel and reschedule several citizens run, per slot
``booked == active appointments <= capacity`` and per citizen and day ``count == active
appointments <= max_per_day`` (DESIGN invariant 1)."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import ApiError
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.citizen_days import CitizenDay, day_key
from chalicelib.services.appointments import booking, changes
from tests.unit.appointments.helpers import NOW, Session, make_service

SLOTS = ["2026-11-24T09:00", "2026-11-24T09:15", "2026-11-25T09:00", "2026-11-25T09:15"]
CITIZENS = ["100000001", "100000002", "100000003", "100000004"]
CAPACITY = 2
MAX_PER_DAY = 1

citizen = st.sampled_from(CITIZENS)
slot = st.sampled_from(SLOTS)
operation = st.one_of(
    st.tuples(st.just("book"), citizen, slot, st.sampled_from(["k1", "k2", None])),
    st.tuples(st.just("cancel"), citizen, st.integers(0, 3), st.none()),
    st.tuples(st.just("reschedule"), citizen, st.integers(0, 3), slot),
)
_ids = itertools.count()


def _check(service_id: str) -> None:
    active = [
        a
        for taxid in CITIZENS
        for a in Appointment.by_citizen.query(taxid, filter_condition=Appointment.service_id == service_id)
        if a.status in ACTIVE
    ]
    per_slot = Counter(a.start for a in active)
    for row in Slot.query(service_id):
        assert row.booked == per_slot.get(row.start, 0), row.start
        assert row.booked <= CAPACITY
    per_day = Counter((a.taxid, a.start[:10]) for a in active)
    for taxid in CITIZENS:
        for day in {s[:10] for s in SLOTS}:
            try:
                count = CitizenDay.get(day_key(taxid, service_id, day)).count
            except CitizenDay.DoesNotExist:
                count = 0
            assert count == per_day.get((taxid, day), 0), (taxid, day)
            assert count <= MAX_PER_DAY
    assert all(n <= CAPACITY for n in per_slot.values())


def test_booking_never_overbooks_whatever_the_sequence(aws):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.lists(operation, min_size=1, max_size=14))
    def run(operations):
        # GIVEN a fresh service (capacity 2, one appointment per citizen per day)
        service_id = f"prop-{next(_ids)}"
        make_service(service_id, capacity=CAPACITY, max_per_day=MAX_PER_DAY)
        mine: dict[str, list[str]] = {c: [] for c in CITIZENS}
        # WHEN the citizens book, cancel and reschedule in any order
        for kind, taxid, arg, extra in operations:
            session = Session(taxid)
            try:
                if kind == "book":
                    key = f"{service_id}-{extra}" if extra else None
                    appointment, created = booking.book(
                        session, service_id, arg, idempotency_key=key, now=NOW
                    )
                    if created:
                        mine[taxid].append(appointment.appointment_id)
                elif mine[taxid]:
                    target = mine[taxid][arg % len(mine[taxid])]
                    if kind == "cancel":
                        changes.cancel_by_citizen(session, target, now=NOW)
                    else:
                        changes.reschedule(session, target, extra, now=NOW)
            except ApiError as exc:
                assert exc.status in (404, 409), exc.code
            # THEN after every step the counters agree with the appointments and hold the limits
            _check(service_id)

    run()
