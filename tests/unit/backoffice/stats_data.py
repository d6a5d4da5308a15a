"""Data of the statistics tests: items whose life is a list of successive images (each change a
stream record), over three days that end three weeks before today, so the open backlog (which
looks back from today) and the overdue share always see them, whatever the year.

The records are run through the statistics consumer of their table only (the other consumers of
those tables, e.g. queue SMS, are tested by their features).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.models.appointments import Appointment
from chalicelib.models.queue import QueueTicket
from chalicelib.models.requests import CitizenRequest
from chalicelib.services.platform import stream_router
from tests.events import stream_record

_FIRST = clock.today() - timedelta(days=24)
DAYS = [(_FIRST + timedelta(days=i)).isoformat() for i in range(3)]
PERIOD = f"from={DAYS[0]}&to={DAYS[-1]}"
STATS_CONSUMERS = "chalicelib.services.backoffice.stats_consumers:"


def run_stats_consumers(records):
    """Each record through the statistics consumer registered for its table."""
    for record in records:
        key = stream_router.table_key_of(record["eventSourceARN"])
        [path] = [p for p in stream_router.CONSUMERS.get(key, []) if p.startswith(STATS_CONSUMERS)]
        stream_router._consumer(path)(record)


def records_of(lives, repeat_every=4):
    """The stream records of each life (unchanged images skipped), every ``repeat_every``-th again."""
    records = []
    for life in lives:
        prev = None
        for img in life:
            if prev is None or img.serialize() != prev.serialize():
                records.append(stream_record(img, prev))
            prev = img
    return records + records[::repeat_every]


def ticket_lives(rng):
    """Tickets over three days: waiting, then called, then served or no-show (or still waiting)."""
    lives = []
    n = 0
    for day in DAYS:
        for _ in range(12):
            n += 1
            service = rng.choice(["passport", "certificate"])
            dept = "kep" if service == "passport" else "civil-registry"
            issued = datetime.fromisoformat(f"{day}T08:00:00+00:00") + timedelta(minutes=rng.randint(0, 300))
            t = QueueTicket(
                f"T{n}",
                queue_id=f"sp1-{service[0].upper()}",
                service_point_id="sp1",
                department_id=dept,
                service_id=service,
                day=day,
                number=n,
                code=f"A{n:03}",
                kind="walk_in",
                status="waiting",
                queue_day="q",
                queue_day_status="q",
                order_key="o",
                department_day=f"{dept}#{day}",
                issued_key="i",
                issued_at=issued,
            )
            life = [copy.deepcopy(t)]
            outcome = rng.choice(["served", "served", "no_show", "waiting"])
            if outcome != "waiting":
                t.status = "called"
                t.first_called_at = t.called_at = issued + timedelta(seconds=rng.randint(60, 1800))
                t.counter_label = rng.choice(["1", "2"])
                t.called_by = rng.choice(["clerk.a", "clerk.b"])
                life.append(copy.deepcopy(t))
                t.status = outcome
                if outcome == "served":
                    t.service_started_at = t.called_at + timedelta(seconds=30)
                    t.service_ended_at = t.service_started_at + timedelta(seconds=rng.randint(120, 900))
                    t.finished_by = t.called_by
                life.append(copy.deepcopy(t))
            lives.append(life)
    return lives


def appointment_lives(rng):
    """Appointments booked, then completed, missed, cancelled, moved to another day or left."""
    lives = []
    for n in range(30):
        day = rng.choice(DAYS)
        service = rng.choice(["passport", "certificate"])
        hour = rng.randint(8, 13)
        start = f"{day}T{hour:02}:00"
        slot_start = datetime.fromisoformat(f"{day}T{hour - 2:02}:00:00+00:00")
        created = slot_start - timedelta(hours=rng.randint(2, 240))
        a = Appointment(
            f"A{n}",
            reference=f"R{n}",
            taxid="123456789",
            service_id=service,
            department_id="kep",
            start=start,
            slot_start=slot_start,
            slot_end=slot_start + timedelta(minutes=15),
            status="booked",
            created_at=created,
            updated_at=created,
        )
        life = [copy.deepcopy(a)]
        fate = rng.choice(
            ["booked", "completed", "no_show", "cancelled_by_citizen", "cancelled_by_staff", "moved"]
        )
        if fate == "moved":
            other = rng.choice([d for d in DAYS if d != day])
            a.start, a.status = f"{other}T{hour:02}:00", "rescheduled"
            a.slot_start = datetime.fromisoformat(f"{other}T{hour - 2:02}:00:00+00:00")
            life.append(copy.deepcopy(a))
            a.status = "completed"
        elif fate != "booked":
            a.status = fate
        life.append(copy.deepcopy(a))
        lives.append(life)
    return lives


def request_lives(rng):
    """Requests submitted, most received, some then resolved or rejected."""
    lives = []
    for n in range(24):
        day = rng.choice(DAYS)
        year = int(day[:4])
        created = datetime.fromisoformat(f"{day}T07:00:00+00:00") + timedelta(minutes=rng.randint(0, 500))
        type_code = rng.choice(["pothole", "streetlight", "bulky_waste"])
        r = CitizenRequest(
            f"{year}-{n:06}",
            protocol=f"{year}/{n:06}",
            year=year,
            number=n,
            type_code=type_code,
            department_id="roads",
            status="submitted",
            created_at=created,
            updated_at=created,
            due_at=created + timedelta(days=rng.choice([1, 3, 60])),
            department_status="roads#submitted",
            created_key=f"{created.isoformat()}#{n}",
        )
        life = [copy.deepcopy(r)]
        if rng.random() < 0.75:
            r.status, r.updated_at = "received", created + timedelta(minutes=rng.randint(5, 3000))
            life.append(copy.deepcopy(r))
            fate = rng.choice(["open", "resolved", "rejected"])
            if fate != "open":
                r.status, r.updated_at = fate, r.updated_at + timedelta(minutes=rng.randint(60, 8000))
                if fate == "resolved":
                    r.resolved_at = r.updated_at
                life.append(copy.deepcopy(r))
        lives.append(life)
    return lives
