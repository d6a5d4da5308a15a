"""Statistics: aggregates kept from the streams (at most once per record), dashboards that read
only the aggregates, and figures equal to those computed independently from the raw data."""

from __future__ import annotations

import copy
import csv
import io
import random
from datetime import UTC, datetime, timedelta
from statistics import median

import pytest

from tests.conftest import bearer
from tests.events import stream_record

DAYS = ["2026-11-02", "2026-11-03", "2026-11-04"]


def _run(records):
    """Each record through the statistics consumer registered for its table (the other consumers
    of those tables, e.g. queue SMS, are tested by their features)."""
    from chalicelib.services.platform import stream_router as streams

    for record in records:
        key = streams.table_key_of(record["eventSourceARN"])
        [path] = [
            p for p in streams.CONSUMERS.get(key, []) if p.startswith("chalicelib.services.backoffice.stats_consumers:")
        ]
        streams._consumer(path)(record)


# -- the engine ---------------------------------------------------------------------------------------
def test_a_record_delivered_twice_is_counted_once(aws):
    from chalicelib.services.backoffice import stats

    inc = [stats.Increment("x.count", "roads", "2026-11-02", "all", 1, 30)]
    assert stats.apply_once("event-1", inc) is True
    assert stats.apply_once("event-1", inc) is False
    assert stats.read("x.count", "roads", "2026-11-01", "2026-11-30") == [("2026-11-02", "all", 1, 30.0)]
    assert stats.read("x.count", "*", "2026-11-01", "2026-11-30") == [("2026-11-02", "all", 1, 30.0)]


# -- queue tickets -----------------------------------------------------------------------------------
def _tickets(rng):
    """Tickets over three days with their life as a list of successive images."""
    from chalicelib.models.queue import QueueTicket

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


def test_queue_dashboard_equals_figures_from_the_raw_tickets(client, make_staff):
    # GIVEN three days of tickets whose every change went through the stream, some records twice
    lives = _tickets(random.Random(7))
    records = []
    for life in lives:
        prev = None
        for img in life:
            records.append(stream_record(img, prev))
            prev = img
    records += records[::5]  # redelivered
    _run(records)
    # WHEN an admin reads the queue dashboard for the period, for the KEP
    admin = bearer(make_staff("admin", "kep"))
    resp = client.http.get(
        "/api/staff/stats/queues?department_id=kep&from=2026-11-02&to=2026-11-04", headers=admin
    )
    assert resp.status_code == 200, resp.json_body
    figures = resp.json_body
    # THEN every figure equals the one computed from the raw final tickets
    final = [life[-1] for life in lives if life[-1].department_id == "kep"]
    called = [t for t in final if t.first_called_at]
    served = [t for t in final if t.status == "served"]

    def avg(values):
        return round(sum(values) / len(values), 2) if values else None

    def wait(t):
        return (t.first_called_at - t.issued_at).total_seconds()

    def service(t):
        return (t.service_ended_at - t.service_started_at).total_seconds()

    assert figures["totals"] == {
        "tickets": len(final),
        "no_shows": sum(t.status == "no_show" for t in final),
        "avg_wait_seconds": avg([wait(t) for t in called]),
        "avg_service_seconds": avg([service(t) for t in served]),
    }
    by_counter = {row["counter"]: row for row in figures["by_counter"]}
    for label in ("1", "2"):
        mine = [t for t in called if t.counter_label == label]
        assert by_counter[label]["called"] == len(mine)
        assert by_counter[label]["avg_wait_seconds"] == avg([wait(t) for t in mine])
        assert by_counter[label]["avg_service_seconds"] == avg(
            [service(t) for t in mine if t.status == "served"]
        )
    by_staff = {row["staff"]: row for row in figures["by_staff"]}
    for who in ("clerk.a", "clerk.b"):
        assert by_staff[who]["served"] == sum(1 for t in served if t.finished_by == who)
    assert {row["day"]: row["tickets"] for row in figures["by_day"]} == {
        d: sum(t.day == d for t in final) for d in DAYS
    }
    # and the whole municipality is the sum of the departments
    everyone = client.http.get(
        "/api/staff/stats/queues?from=2026-11-02&to=2026-11-04", headers=admin
    ).json_body
    assert everyone["totals"]["tickets"] == sum(len(life) > 0 for life in lives)


def test_dashboards_follow_roles_and_departments(client, make_staff):
    manager = bearer(make_staff("manager", "kep"))
    assert client.http.get("/api/staff/stats/queues", headers=manager).json_body["department_id"] == "kep"
    assert client.http.get("/api/staff/stats/queues?department_id=roads", headers=manager).status_code == 403
    assert (
        client.http.get("/api/staff/stats/queues", headers=bearer(make_staff("clerk", "kep"))).status_code
        == 403
    )
    assert client.http.get("/api/staff/stats/nothing", headers=manager).status_code == 404


def test_csv_export_has_the_same_figures_with_a_bom(client, make_staff):
    lives = _tickets(random.Random(3))
    _run([stream_record(life[-1]) for life in lives])
    admin = bearer(make_staff("admin", "kep"))
    query = "department_id=kep&from=2026-11-02&to=2026-11-04"
    figures = client.http.get(f"/api/staff/stats/queues?{query}", headers=admin).json_body
    resp = client.http.get(f"/api/staff/stats/queues/export?{query}", headers=admin)
    text = resp.body.decode("utf-8")
    assert resp.headers["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    totals = {r["measure"]: r["value"] for r in rows if r["section"] == "totals"}
    assert int(totals["tickets"]) == figures["totals"]["tickets"]
    assert {r["department_id"] for r in rows} == {"kep"}


# -- medians from histograms ----------------------------------------------------------------------------
@pytest.mark.parametrize("values", [[5], [5, 9], [1, 2, 2, 40], [3, 3, 3, 7, 100]])
def test_median_from_histogram_is_the_median(values):
    from collections import Counter

    from chalicelib.services.backoffice.dashboards import median_from_histogram

    rows = [("2026-11-02", f"m={v}", c, 0) for v, c in Counter(values).items()]
    assert median_from_histogram(rows) == median(values)


def test_stream_images_parse_pynamodb_datetimes():
    from chalicelib.services.backoffice.stats import when

    at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    from chalicelib.models.queue import QueueTicket

    raw = QueueTicket.issued_at.serialize(at)
    assert when(raw) == at


# -- appointments and requests ---------------------------------------------------------------------------
def _appointment_lives(rng):
    from chalicelib.models.appointments import Appointment

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


def _records(lives, repeat_every=4):
    records = []
    for life in lives:
        prev = None
        for img in life:
            if prev is None or img.serialize() != prev.serialize():
                records.append(stream_record(img, prev))
            prev = img
    return records + records[::repeat_every]


def test_appointments_dashboard_equals_figures_from_the_raw_appointments(client, make_staff):
    lives = _appointment_lives(random.Random(11))
    _run(_records(lives))
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(
        "/api/staff/stats/appointments?department_id=kep&from=2026-11-02&to=2026-11-04", headers=admin
    ).json_body
    final = [life[-1] for life in lives]
    outcome = {
        "completed": ("completed",),
        "no_show": ("no_show",),
        "cancelled": ("cancelled_by_citizen", "cancelled_by_staff"),
    }
    assert figures["totals"] == {
        "booked": len(final),
        **{k: sum(a.status in v for a in final) for k, v in outcome.items()},
    }
    for row in figures["by_day"]:
        mine = [a for a in final if a.start[:10] == row["day"]]
        assert row["booked"] == len(mine)
        assert row["completed"] == sum(a.status == "completed" for a in mine)
    for row in figures["by_service"]:
        mine = [a for a in final if a.service_id == row["service_id"]]
        assert row["booked"] == len(mine)
        assert row["no_show"] == sum(a.status == "no_show" for a in mine)
    leads = [(a.slot_start - a.created_at).total_seconds() for a in final]
    assert figures["avg_lead_days"] == round(sum(leads) / len(leads) / 86400, 2)


def _request_lives(rng):
    from chalicelib.models.requests import CitizenRequest

    lives = []
    for n in range(24):
        day = rng.choice(DAYS)
        created = datetime.fromisoformat(f"{day}T07:00:00+00:00") + timedelta(minutes=rng.randint(0, 500))
        type_code = rng.choice(["pothole", "streetlight", "bulky_waste"])
        r = CitizenRequest(
            f"2026-{n:06}",
            protocol=f"2026/{n:06}",
            year=2026,
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


def test_requests_dashboard_equals_figures_from_the_raw_requests(client, make_staff):
    from chalicelib.services.backoffice.stats import TZ

    lives = _request_lives(random.Random(5))
    _run(_records(lives))
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(
        "/api/staff/stats/requests?department_id=roads&from=2026-11-02&to=2026-11-04", headers=admin
    ).json_body
    final = [life[-1] for life in lives]
    first = [life[1] for life in lives if len(life) > 1]
    closed = [r for r in final if r.status in ("resolved", "rejected")]
    open_ = [r for r in final if r not in closed]
    today = datetime.now(TZ).date()

    def minutes(later, earlier):
        return int((later - earlier).total_seconds() // 60)

    def closed_at(r):
        return r.resolved_at or r.updated_at

    assert figures["totals"] == {"submitted": len(final), "resolved": len(closed), "open": len(open_)}
    assert figures["median_first_response_minutes"] == median(
        minutes(r.updated_at, r.created_at) for r in first
    )
    assert figures["median_resolution_minutes"] == median(minutes(closed_at(r), r.created_at) for r in closed)
    late = sum(closed_at(r) > r.due_at for r in closed)
    overdue_open = sum(r.due_at.astimezone(TZ).date() < today for r in open_)
    assert figures["overdue_share"] == round((late + overdue_open) / len(final), 4)
    assert {t["type"]: t["submitted"] for t in figures["by_type"]} == {
        code: sum(r.type_code == code for r in final) for code in {r.type_code for r in final}
    }
    assert sum(b["open"] for b in figures["backlog_by_age"]) == len(open_)


def test_visits_dashboard_counts_by_building_and_day_and_ignores_expiry(client, make_staff):
    from chalicelib.models.visits import Visit

    rng = random.Random(9)
    visits = []
    for n in range(20):
        day, building = rng.choice(DAYS), rng.choice(["town-hall", "library"])
        at = datetime.fromisoformat(f"{day}T09:00:00+00:00") + timedelta(minutes=n)
        visits.append(
            Visit(
                f"{building}#{day}",
                f"{at.isoformat()}#P{n}",
                building_id=building,
                day=day,
                pass_id=f"P{n}",
                check_in=at,
                closes_at=at + timedelta(hours=8),
                expires_at=at + timedelta(days=14),
            )
        )
    _run([stream_record(v) for v in visits])
    # WHEN the visits expire (TTL) THEN their REMOVE records change nothing
    _run([stream_record(None, v) for v in visits[:5]])
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(
        "/api/staff/stats/visits?from=2026-11-02&to=2026-11-04", headers=admin
    ).json_body
    expected = {}
    for v in visits:
        key = (v.building_id, v.building_day.split("#")[1])
        expected[key] = expected.get(key, 0) + 1
    assert {(r["building_id"], r["day"]): r["visits"] for r in figures["by_building_day"]} == expected
    assert figures["totals"]["visits"] == len(visits)
