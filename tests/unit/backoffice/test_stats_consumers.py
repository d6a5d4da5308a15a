"""Statistics kept from the streams: each dashboard's figures equal those computed independently
from the raw items, with some records delivered twice (counted once)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from statistics import median

from chalicelib import clock
from chalicelib.models.visits import Visit
from tests.conftest import bearer
from tests.events import stream_record
from tests.unit.backoffice.stats_data import (
    DAYS,
    PERIOD,
    appointment_lives,
    records_of,
    request_lives,
    run_stats_consumers,
    ticket_lives,
)


def _avg(values):
    return round(sum(values) / len(values), 2) if values else None


def test_queue_dashboard_equals_figures_from_the_raw_tickets(client, make_staff):
    # GIVEN three days of tickets whose every change went through the stream, some records twice
    lives = ticket_lives(random.Random(7))
    records = []
    for life in lives:
        prev = None
        for img in life:
            records.append(stream_record(img, prev))
            prev = img
    records += records[::5]  # redelivered
    run_stats_consumers(records)
    # WHEN an admin reads the queue dashboard for the period, for the KEP
    admin = bearer(make_staff("admin", "kep"))
    resp = client.http.get(f"/api/staff/stats/queues?department_id=kep&{PERIOD}", headers=admin)
    assert resp.status_code == 200, resp.json_body
    figures = resp.json_body
    # THEN every figure equals the one computed from the raw final tickets
    final = [life[-1] for life in lives if life[-1].department_id == "kep"]
    called = [t for t in final if t.first_called_at]
    served = [t for t in final if t.status == "served"]

    def wait(t):
        return (t.first_called_at - t.issued_at).total_seconds()

    def service(t):
        return (t.service_ended_at - t.service_started_at).total_seconds()

    assert figures["totals"] == {
        "tickets": len(final),
        "no_shows": sum(t.status == "no_show" for t in final),
        "avg_wait_seconds": _avg([wait(t) for t in called]),
        "avg_service_seconds": _avg([service(t) for t in served]),
    }
    by_counter = {row["counter"]: row for row in figures["by_counter"]}
    for label in ("1", "2"):
        mine = [t for t in called if t.counter_label == label]
        assert by_counter[label]["called"] == len(mine)
        assert by_counter[label]["avg_wait_seconds"] == _avg([wait(t) for t in mine])
        assert by_counter[label]["avg_service_seconds"] == _avg(
            [service(t) for t in mine if t.status == "served"]
        )
    by_staff = {row["staff"]: row for row in figures["by_staff"]}
    for who in ("clerk.a", "clerk.b"):
        assert by_staff[who]["served"] == sum(1 for t in served if t.finished_by == who)
    assert {row["day"]: row["tickets"] for row in figures["by_day"]} == {
        d: sum(t.day == d for t in final) for d in DAYS
    }
    # AND the whole municipality is the sum of the departments
    everyone = client.http.get(f"/api/staff/stats/queues?{PERIOD}", headers=admin).json_body
    assert everyone["totals"]["tickets"] == sum(len(life) > 0 for life in lives)


def test_appointments_dashboard_equals_figures_from_the_raw_appointments(client, make_staff):
    # GIVEN thirty appointments' lives through the stream, some records twice
    lives = appointment_lives(random.Random(11))
    run_stats_consumers(records_of(lives))
    # WHEN an admin reads the appointments dashboard of the KEP
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(
        f"/api/staff/stats/appointments?department_id=kep&{PERIOD}", headers=admin
    ).json_body
    # THEN totals, days, services and lead time equal the raw appointments'
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


def test_requests_dashboard_equals_figures_from_the_raw_requests(client, make_staff):
    # GIVEN twenty-four requests' lives through the stream, some records twice
    lives = request_lives(random.Random(5))
    run_stats_consumers(records_of(lives))
    # WHEN an admin reads the requests dashboard of roads
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(
        f"/api/staff/stats/requests?department_id=roads&{PERIOD}", headers=admin
    ).json_body
    # THEN totals, medians, overdue share, types and backlog equal the raw requests'
    final = [life[-1] for life in lives]
    first = [life[1] for life in lives if len(life) > 1]
    closed = [r for r in final if r.status in ("resolved", "rejected")]
    open_ = [r for r in final if r not in closed]
    today = clock.today()

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
    overdue_open = sum(clock.local(r.due_at).date() < today for r in open_)
    assert figures["overdue_share"] == round((late + overdue_open) / len(final), 4)
    assert {t["type"]: t["submitted"] for t in figures["by_type"]} == {
        code: sum(r.type_code == code for r in final) for code in {r.type_code for r in final}
    }
    assert sum(b["open"] for b in figures["backlog_by_age"]) == len(open_)


def test_visits_dashboard_counts_by_building_and_day_and_ignores_expiry(client, make_staff):
    # GIVEN twenty visits at two buildings over the three days
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
    run_stats_consumers([stream_record(v) for v in visits])
    # WHEN the visits expire (TTL) THEN their REMOVE records change nothing
    run_stats_consumers([stream_record(None, v) for v in visits[:5]])
    admin = bearer(make_staff("admin", "kep"))
    figures = client.http.get(f"/api/staff/stats/visits?{PERIOD}", headers=admin).json_body
    expected = {}
    for v in visits:
        key = (v.building_id, v.building_day.split("#")[1])
        expected[key] = expected.get(key, 0) + 1
    assert {(r["building_id"], r["day"]): r["visits"] for r in figures["by_building_day"]} == expected
    assert figures["totals"]["visits"] == len(visits)
