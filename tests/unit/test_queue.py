"""The live queue: numbering, the order rule, call next (one ticket to one counter), recall, served,
no-show, transfer, department checks, SMS at most once, service-time learning, statistics, API."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import bearer
from tests.events import stream_event, stream_record

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 11:00 in Athens


def _staff(department="kep", roles=("clerk",), username="clerk.kep"):
    from chalicelib.services.platform.staff_auth import StaffMember

    return StaffMember(username, "sub-" + username, tuple(roles), department)


@pytest.fixture
def point(aws):
    """Service point kep-1 with queues A (certificates) and B (permits) of department kep."""
    from chalicelib.models.queue import Queue

    Queue(
        "kep-1-A",
        service_point_id="kep-1",
        department_id="kep",
        prefix="A",
        name_el="Πιστοποιητικά",
        name_en="Certificates",
        service_ids=["svc-cert"],
        service_point_name_el="ΚΕΠ 1",
    ).save()
    Queue(
        "kep-1-B",
        service_point_id="kep-1",
        department_id="kep",
        prefix="B",
        name_el="Άδειες",
        name_en="Permits",
        service_ids=["svc-permit"],
        service_point_name_el="ΚΕΠ 1",
    ).save()
    Queue("roads-1-A", service_point_id="roads-1", department_id="roads", prefix="A", name_el="Οδοί").save()
    return "kep-1"


def _walk_in(queue_id="kep-1-A", at=NOW, mobile=None):
    from chalicelib.services.live_queue import tickets as q

    return q.issue_walk_in(queue_id.rsplit("-", 1)[0], queue_id, mobile=mobile, now=at)


def _appointment_ticket(slot_start, at=NOW, queue_id="kep-1-A", mobile=None):
    from chalicelib.services.live_queue import tickets as q

    return q.new_ticket(
        q.get_queue(queue_id),
        now=at,
        kind="appointment",
        mobile=mobile,
        appointment={"appointment_id": f"ap-{slot_start.isoformat()}", "slot_start": slot_start},
    )


def _open(label="1", queues=("kep-1-A",), staff=None):
    from chalicelib.services.live_queue import tickets as q

    return q.open_counter(staff or _staff(), "kep-1", label, list(queues), now=NOW)


# -- numbering ------------------------------------------------------------------------------------
def test_numbers_are_per_queue_and_day(point):
    # GIVEN two queues
    # WHEN tickets are taken in both, and on the next day
    codes = [
        _walk_in("kep-1-A").code,
        _walk_in("kep-1-A").code,
        _walk_in("kep-1-B").code,
        _walk_in("kep-1-A", at=NOW + timedelta(days=1)).code,
    ]
    # THEN each queue counts on its own from 1 every day
    assert codes == ["A001", "A002", "B001", "A001"]


def test_walk_in_unknown_queue_or_other_point_is_404(point):
    from chalicelib.errors import NotFound
    from chalicelib.services.live_queue import tickets as q

    with pytest.raises(NotFound):
        q.issue_walk_in("kep-1", "nope", now=NOW)
    with pytest.raises(NotFound):
        q.issue_walk_in("kep-1", "roads-1-A", now=NOW)


# -- the order rule ------------------------------------------------------------------------------
def test_order_rule_due_appointments_then_walk_ins_then_early_appointments(point):
    from chalicelib.services.live_queue import tickets as q

    # GIVEN walk-ins W1, W2, an appointment whose slot started (D) and one whose slot is later (E)
    w1 = _walk_in(at=NOW - timedelta(minutes=30))
    early = _appointment_ticket(NOW + timedelta(minutes=40), at=NOW - timedelta(minutes=25))
    w2 = _walk_in(at=NOW - timedelta(minutes=20))
    due = _appointment_ticket(NOW - timedelta(minutes=5), at=NOW - timedelta(minutes=10))
    # WHEN the waiting line is ordered now
    order = q.waiting_in_order(["kep-1-A"], q.local_day(NOW), NOW)
    # THEN the due appointment first, walk-ins by arrival, the early appointment last
    assert [t.ticket_id for t in order] == [due.ticket_id, w1.ticket_id, w2.ticket_id, early.ticket_id]
    # AND once its slot starts, the early appointment goes ahead of the walk-ins
    later = q.waiting_in_order(["kep-1-A"], q.local_day(NOW), NOW + timedelta(minutes=41))
    assert [t.ticket_id for t in later][:2] == [due.ticket_id, early.ticket_id]
    # AND the limited Queries give the same head of the line at any time
    for at in (NOW, NOW + timedelta(minutes=40), NOW + timedelta(minutes=41)):
        full = [t.ticket_id for t in q.waiting_in_order(["kep-1-A"], q.local_day(NOW), at)]
        for n in (1, 2, 3, 5):
            assert [t.ticket_id for t in q.first_waiting(["kep-1-A"], q.local_day(NOW), at, n)] == full[:n]
        # AND the counted position of each ticket is its index in that order
        for index, ticket_id in enumerate(full):
            assert q.people_ahead(q.get_ticket(ticket_id), at) == index


def test_call_next_follows_the_order_rule_across_queues(point):
    from chalicelib.services.live_queue import tickets as q

    # GIVEN a counter for A and B; a B walk-in older than an A walk-in; an early A appointment
    counter = _open(queues=("kep-1-A", "kep-1-B"))
    b1 = _walk_in("kep-1-B", at=NOW - timedelta(minutes=9))
    a1 = _walk_in("kep-1-A", at=NOW - timedelta(minutes=8))
    early = _appointment_ticket(NOW + timedelta(hours=1), at=NOW - timedelta(minutes=20))
    staff = _staff()
    # WHEN the counter calls next three times
    calls = [q.call_next(staff, counter.counter_id, now=NOW + timedelta(seconds=i)) for i in range(3)]
    # THEN walk-ins fill the gap first (oldest first), the early appointment holder comes last
    assert [t.ticket_id for t in calls] == [b1.ticket_id, a1.ticket_id, early.ticket_id]
    assert q.call_next(staff, counter.counter_id, now=NOW + timedelta(seconds=5)) is None


# -- call next: one ticket to one counter --------------------------------------------------------
def test_two_counters_with_the_same_stale_view_get_different_tickets(point, monkeypatch):
    from chalicelib.services.live_queue import tickets as q

    # GIVEN two open counters and two tickets
    c1, c2 = _open("1"), _open("2")
    t1, t2 = _walk_in(), _walk_in(at=NOW + timedelta(seconds=1))
    # AND both counters read the waiting line before either calls (a stale index read)
    stale = q.waiting_in_order(["kep-1-A"], q.local_day(NOW), NOW)
    monkeypatch.setattr(q, "first_waiting", lambda *a, **k: list(stale))
    # WHEN both call next
    first = q.call_next(_staff(), c1.counter_id, now=NOW + timedelta(seconds=2))
    second = q.call_next(_staff(), c2.counter_id, now=NOW + timedelta(seconds=3))
    # THEN the conditional update gives A001 to counter 1 only; counter 2 gets A002, none skipped
    assert (first.ticket_id, first.counter_id) == (t1.ticket_id, c1.counter_id)
    assert (second.ticket_id, second.counter_id) == (t2.ticket_id, c2.counter_id)
    assert q.get_counter(c1.counter_id).current_ticket_id == t1.ticket_id
    assert q.get_counter(c2.counter_id).current_ticket_id == t2.ticket_id


def test_a_taken_ticket_fails_the_condition_and_changes_nothing(point):
    from chalicelib.services.live_queue import tickets as q

    c1, c2 = _open("1"), _open("2")
    ticket = _walk_in()
    stale = q.get_ticket(ticket.ticket_id)
    q.call_next(_staff(), c1.counter_id, now=NOW)
    # WHEN counter 2 tries the same ticket with its stale copy
    outcome = q._try_call(_staff(), q.get_counter(c2.counter_id), stale, None, NOW)
    # THEN it is told the ticket is taken and neither the ticket nor counter 2 changed
    assert outcome == "taken"
    assert q.get_ticket(ticket.ticket_id).counter_id == c1.counter_id
    assert q.get_counter(c2.counter_id).current_ticket_id is None


def test_call_next_finishes_the_previous_ticket_as_served(point):
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    first, _second = _walk_in(), _walk_in(at=NOW + timedelta(seconds=1))
    q.call_next(_staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    q.call_next(_staff(), counter.counter_id, now=NOW + timedelta(minutes=6))
    done = q.get_ticket(first.ticket_id)
    assert done.status == "served"
    assert done.service_started_at == NOW + timedelta(minutes=1)
    assert done.service_ended_at == NOW + timedelta(minutes=6)
    assert done.mobile is None


def test_closed_counter_cannot_call_and_busy_counter_cannot_close(point):
    from chalicelib.errors import Conflict
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    _walk_in()
    q.call_next(_staff(), counter.counter_id, now=NOW)
    with pytest.raises(Conflict) as busy:
        q.close_counter(_staff(), counter.counter_id)
    assert busy.value.code == "counter_busy"
    q.finish(_staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=2))
    q.close_counter(_staff(), counter.counter_id)
    with pytest.raises(Conflict) as closed:
        q.call_next(_staff(), counter.counter_id, now=NOW)
    assert closed.value.code == "counter_closed"


def test_counter_open_by_someone_else_is_taken(point):
    from chalicelib.errors import Conflict

    _open(staff=_staff(username="clerk.kep"))
    with pytest.raises(Conflict) as exc:
        _open(staff=_staff(username="clerk.kep2"))
    assert exc.value.code == "counter_taken"


# -- recall, start, served, no-show, transfer ----------------------------------------------------
def test_recall_start_served_keep_times(point):
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    _walk_in()
    ticket = q.call_next(_staff(), counter.counter_id, now=NOW)
    recalled = q.recall(_staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    assert recalled.recall_count == 1 and recalled.called_at == NOW + timedelta(minutes=1)
    assert q.get_counter(counter.counter_id).call_seq == 2
    q.start_service(_staff(), counter.counter_id, now=NOW + timedelta(minutes=2))
    served = q.finish(_staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=9))
    assert served.ticket_id == ticket.ticket_id and served.status == "served"
    assert (served.service_started_at, served.service_ended_at) == (
        NOW + timedelta(minutes=2),
        NOW + timedelta(minutes=9),
    )
    assert q.get_counter(counter.counter_id).current_ticket_id is None


def test_no_show_only_after_the_configured_minutes(point, monkeypatch):
    from chalicelib.errors import Conflict
    from chalicelib.services.live_queue import tickets as q
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("DIMOTIS_QUEUE_NO_SHOW_MINUTES", "5")
    reset_settings()
    counter = _open()
    _walk_in()
    q.call_next(_staff(), counter.counter_id, now=NOW)
    # WHEN the clerk marks a no-show after 4 minutes THEN it is refused
    with pytest.raises(Conflict) as early:
        q.finish(_staff(), counter.counter_id, "no_show", now=NOW + timedelta(minutes=4))
    assert early.value.code == "no_show_too_early"
    # WHEN after 5 minutes THEN accepted
    ticket = q.finish(_staff(), counter.counter_id, "no_show", now=NOW + timedelta(minutes=5))
    assert ticket.status == "no_show"


def test_transfer_puts_the_ticket_back_to_waiting_in_the_other_queue(point):
    from chalicelib.services.live_queue import tickets as q

    counter = _open(queues=("kep-1-A",))
    first = _walk_in("kep-1-A", at=NOW - timedelta(minutes=10))
    newer_b = _walk_in("kep-1-B", at=NOW - timedelta(minutes=5))
    q.call_next(_staff(), counter.counter_id, now=NOW)
    # WHEN the clerk transfers A001 to queue B
    moved = q.transfer(_staff(), counter.counter_id, "kep-1-B", now=NOW + timedelta(minutes=1))
    # THEN it waits in B, keeps its number, and is ahead of B's newer walk-in (issued earlier)
    assert (moved.status, moved.queue_id, moved.code, moved.generation) == ("waiting", "kep-1-B", "A001", 1)
    order = q.waiting_in_order(["kep-1-B"], q.local_day(NOW), NOW)
    assert [t.ticket_id for t in order] == [first.ticket_id, newer_b.ticket_id]
    assert q.get_counter(counter.counter_id).current_ticket_id is None


# -- invariant 4 ---------------------------------------------------------------------------------
def test_staff_of_another_department_cannot_use_the_counter(point):
    from chalicelib.errors import Forbidden
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    _walk_in()
    roads = _staff("roads", username="clerk.roads")
    with pytest.raises(Forbidden):
        q.call_next(roads, counter.counter_id, now=NOW)
    with pytest.raises(Forbidden):
        q.open_counter(roads, "kep-1", "9", ["kep-1-A"], now=NOW)
    # AND an admin may
    assert q.call_next(_staff("roads", ("admin",), "admin"), counter.counter_id, now=NOW) is not None


# -- estimated wait ------------------------------------------------------------------------------
def test_ticket_view_position_and_wait_from_default_and_counters(point, monkeypatch):
    from chalicelib.services.live_queue import tickets as q

    _open("1")
    _open("2", staff=_staff(username="clerk.kep2"))
    tickets = [_walk_in(at=NOW + timedelta(seconds=i)) for i in range(5)]
    view = q.ticket_view(tickets[4].ticket_id, now=NOW + timedelta(seconds=10))
    # 4 ahead, default 300 s each, 2 counters -> 10 minutes
    assert (view["position"], view["people_ahead"], view["open_counters"]) == (5, 4, 2)
    assert view["estimated_wait_minutes"] == 10
    assert "mobile" not in view


def test_served_times_are_learned_once_and_drive_the_estimate(point):
    from chalicelib.services.live_queue import events as queue_events
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    _walk_in()
    waiting = [_walk_in(at=NOW + timedelta(seconds=i + 1)) for i in range(3)]
    q.call_next(_staff(), counter.counter_id, now=NOW)
    before = q.get_ticket(q.get_counter(counter.counter_id).current_ticket_id)
    q.finish(_staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=2))
    after = q.get_ticket(before.ticket_id)
    record = stream_record(after, before)
    # WHEN the served record is delivered twice
    queue_events.on_ticket_record(copy.deepcopy(record), now=NOW)
    queue_events.on_ticket_record(copy.deepcopy(record), now=NOW)
    # THEN the 120 s service time counted once: 2 people ahead at 1 counter wait 4 minutes
    assert q.mean_service_seconds(["queue#kep-1-A"], NOW) == 120
    view = q.ticket_view(waiting[2].ticket_id, now=NOW + timedelta(minutes=3))
    assert (view["people_ahead"], view["estimated_wait_minutes"]) == (2, 4)


# -- SMS through the outbox ----------------------------------------------------------------------
def _sms(kind):
    from chalicelib.services.platform import notifications

    return [r for r in notifications.recent() if r["kind"] == kind]


def test_called_and_soon_sms_go_out_once_each(point):
    from app import app
    from chalicelib.services.live_queue import tickets as q

    # GIVEN 4 walk-ins with mobiles and one counter
    counter = _open()
    tickets = [_walk_in(at=NOW + timedelta(seconds=i), mobile=f"69000000{i:02d}") for i in range(4)]
    handler = app.handler_map["table_stream"]
    for t in tickets:
        handler(stream_event([stream_record(q.get_ticket(t.ticket_id), event_name="INSERT")]), None)
    # THEN the first three (within K=3) were told they are near; the 4th not yet
    assert sorted(r["recipient"] for r in _sms("queue.soon")) == [f"+3069000000{i:02d}" for i in range(3)]
    # WHEN the counter calls next and the stream delivers the change twice
    before = q.get_ticket(tickets[0].ticket_id)
    q.call_next(_staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    record = stream_record(q.get_ticket(tickets[0].ticket_id), before)
    handler(stream_event([record]), None)
    handler(stream_event([record]), None)
    # THEN the called ticket got "proceed to counter 1" once, and the new 3rd in line got "soon" once
    called = _sms("queue.called")
    assert [(r["recipient"], r["body"]) for r in called] == [
        ("+306900000000", "Δήμος: A001, παρακαλούμε προσέλθετε στο γκισέ 1.")
    ]
    soon = _sms("queue.soon")
    assert len(soon) == 4 and len({r["recipient"] for r in soon}) == 4
    fourth = next(r for r in soon if r["recipient"] == "+306900000003")
    assert "A004" in fourth["body"] and "3ο στη σειρά" in fourth["body"]
    # AND a recall sends nothing new
    before = q.get_ticket(tickets[0].ticket_id)
    q.recall(_staff(), counter.counter_id, now=NOW + timedelta(minutes=2))
    handler(stream_event([stream_record(q.get_ticket(tickets[0].ticket_id), before)]), None)
    assert len(_sms("queue.called")) == 1


# -- statistics ----------------------------------------------------------------------------------
def test_statistics_per_service_counter_staff_hour_and_no_shows(point):
    from chalicelib.services.live_queue import stats as queue_stats
    from chalicelib.services.live_queue import tickets as q

    counter = _open()
    _walk_in(at=NOW)
    _walk_in(at=NOW + timedelta(minutes=1))
    staff = _staff()
    q.call_next(staff, counter.counter_id, now=NOW + timedelta(minutes=10))
    q.call_next(staff, counter.counter_id, now=NOW + timedelta(minutes=14))  # first served: 4 min
    q.finish(staff, counter.counter_id, "no_show", now=NOW + timedelta(minutes=30))
    report = queue_stats.statistics(staff, "kep", q.local_day(NOW), q.local_day(NOW))
    assert report["total"]["tickets"] == 2
    assert report["total"]["served"] == 1 and report["total"]["no_shows"] == 1
    assert report["total"]["avg_wait_seconds"] == (600 + 780) / 2
    assert report["total"]["avg_service_seconds"] == 240
    assert [b["key"] for b in report["by_staff"]] == ["clerk.kep"]
    assert [b["key"] for b in report["by_hour"]] == ["11"]
    assert report["by_counter"][0]["key"] == counter.counter_id
    assert report["by_service"][0]["key"] == "kep-1-A"


def test_statistics_of_another_department_is_forbidden(point):
    from chalicelib.errors import Forbidden
    from chalicelib.services.live_queue import stats as queue_stats

    with pytest.raises(Forbidden):
        queue_stats.statistics(_staff(), "roads", "2026-11-23", "2026-11-23")


# -- check-in of an appointment holder -----------------------------------------------------------
def _booked(**over):
    from chalicelib.services.live_queue.checkin import BookedAppointment

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


def test_check_in_creates_one_linked_ticket_in_the_service_queue(point):
    from chalicelib.services.live_queue import checkin as queue_checkin

    appointment = _booked()
    lookup = {"KEP-7Q2X": appointment}.get
    # WHEN the reference is scanned (a URL from the QR) and then typed again
    ticket, existed = queue_checkin.check_in("kep-1", "https://x.gr/a/kep-7q2x", now=NOW, lookup=lookup)
    again, existed_again = queue_checkin.check_in("kep-1", " kep-7q2x ", now=NOW, lookup=lookup)
    # THEN one ticket, in the permits queue, with the slot time, linked to the appointment
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
    from chalicelib.errors import Conflict
    from chalicelib.services.live_queue import checkin as queue_checkin

    lookup = {"KEP-7Q2X": _booked(**over)}.get
    with pytest.raises(Conflict) as exc:
        queue_checkin.check_in(point_id, "KEP-7Q2X", now=NOW, lookup=lookup)
    assert exc.value.code == code


def test_check_in_unknown_reference_is_404(point):
    from chalicelib.errors import NotFound
    from chalicelib.services.live_queue import checkin as queue_checkin

    with pytest.raises(NotFound):
        queue_checkin.check_in("kep-1", "NOPE-0000", now=NOW, lookup=lambda _r: None)


# -- the HTTP API --------------------------------------------------------------------------------
def test_kiosk_ticket_page_board_and_counter_over_http(point, client, make_staff):
    # GIVEN a clerk of kep
    token = make_staff("clerk", "kep")
    # WHEN a walk-in takes a ticket at the kiosk
    kiosk = client.http.get("/api/queue/points/kep-1").json_body
    assert [x["prefix"] for x in kiosk["queues"]] == ["A", "B"]
    resp = client.http.post(
        "/api/queue/points/kep-1/tickets",
        body='{"queue_id": "kep-1-A", "mobile": "6912345678"}',
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.json_body
    ticket = resp.json_body
    assert ticket["code"] == "A001" and ticket["url"].endswith(f"/ticket/{ticket['ticket_id']}")
    page = client.http.get(f"/api/queue/tickets/{ticket['ticket_id']}").json_body
    assert (page["status"], page["position"]) == ("waiting", 1)
    # AND the clerk opens counter 3 and calls next
    headers = {**bearer(token), "Content-Type": "application/json"}
    opened = client.http.post(
        "/api/staff/queue/points/kep-1/counters",
        headers=headers,
        body='{"label": "3", "queue_ids": ["kep-1-A"]}',
    )
    assert opened.status_code == 200, opened.json_body
    counter_id = opened.json_body["counter_id"]
    called = client.http.post(f"/api/staff/queue/counters/{counter_id}/next", headers=headers)
    assert called.json_body["ticket"]["code"] == "A001"
    # THEN the board and the ticket page show the call
    board = client.http.get("/api/queue/points/kep-1/board").json_body
    assert board["calls"][0]["counter"] == "3" and board["calls"][0]["code"] == "A001"
    assert board["recent"][0]["code"] == "A001"
    page = client.http.get(f"/api/queue/tickets/{ticket['ticket_id']}").json_body
    assert (page["status"], page["counter"]) == ("called", "3")
    # AND nobody else is waiting
    empty = client.http.post(f"/api/staff/queue/counters/{counter_id}/next", headers=headers)
    assert empty.status_code == 200 and empty.json_body == {"ticket": None}
    stats = client.http.get("/api/staff/queue/stats", headers=headers)
    assert stats.status_code == 200 and stats.json_body["total"]["tickets"] == 1


def test_http_errors(point, client, make_staff):
    json_headers = {"Content-Type": "application/json"}
    bad = client.http.post(
        "/api/queue/points/kep-1/tickets", body='{"queue_id": "kep-1-A", "mobile": "x"}', headers=json_headers
    )
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"
    missing = client.http.post(
        "/api/queue/points/kep-1/tickets", body='{"queue_id": "zzz"}', headers=json_headers
    )
    assert missing.status_code == 404
    assert client.http.get("/api/queue/tickets/nope").status_code == 404
    assert client.http.get("/api/queue/points/nowhere/board").status_code == 404
    assert client.http.post("/api/staff/queue/counters/kep-1-c1/next").status_code == 401
    roads = make_staff("clerk", "roads")
    resp = client.http.post(
        "/api/staff/queue/points/kep-1/counters",
        headers={**bearer(roads), **json_headers},
        body='{"label": "1", "queue_ids": ["kep-1-A"]}',
    )
    assert resp.status_code == 403 and resp.json_body["error"]["code"] == "other_department"


def test_check_in_finds_the_appointment_by_reference_with_the_citizens_mobile(point):
    from chalicelib.models.appointments import Appointment
    from chalicelib.models.citizens import Citizen
    from chalicelib.services.live_queue import appointments as queue_appointments
    from chalicelib.services.live_queue import checkin as queue_checkin

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
        start="2026-11-23T11:05",
        slot_start=NOW + timedelta(minutes=5),
        slot_end=NOW + timedelta(minutes=20),
    ).save()
    # WHEN the kiosk checks in with the reference as typed
    found = queue_appointments.find_by_reference("KEP-AB12")
    ticket, again = queue_checkin.check_in("kep-1", " kep-ab12 ", now=NOW)
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
    assert queue_checkin.check_in("kep-1", "KEP-AB12", now=NOW)[0].ticket_id == ticket.ticket_id
    assert queue_appointments.find_by_reference("NOPE-0000") is None
