"""A walk-in ticket's mobile is erased at the end of its day, whether the ticket was served or not:
the schedule Queries the day's tickets that hold a mobile (a sparse index), never scans, and removes
the number; the SMS already sent and the ticket itself stay."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.aws import client as aws_client
from chalicelib.models.queue import QueueTicket
from chalicelib.services import live_queue
from chalicelib.services.live_queue import calls, erasure
from chalicelib.settings import get_settings
from tests.events import scheduled_event
from tests.unit.live_queue.helpers import NOW, open_counter, staff, walk_in
from tests.unit.requests.helpers import count_calls

MOBILE = "+306912345678"
OTHER = "+306987654321"


def _stored_mobiles() -> list[str]:
    """Every mobile held by the tickets' table (a test may scan; the code never does)."""
    table = get_settings().table_name("queue_tickets")
    return [i["mobile"]["S"] for i in aws_client("dynamodb").scan(TableName=table)["Items"] if "mobile" in i]


def test_the_mobiles_of_a_day_are_erased_after_it_ends_and_not_before(point):
    # GIVEN yesterday's tickets with a mobile: one served, one still waiting; and one without
    yesterday = NOW - timedelta(days=1)
    # (taken seconds apart: tickets taken at one instant are called in the order of their random ids)
    served = walk_in(at=yesterday, mobile=OTHER)
    waiting = walk_in(at=yesterday + timedelta(seconds=30), mobile=MOBILE)
    walk_in(at=yesterday + timedelta(seconds=40))
    counter = open_counter()
    called = calls.call_next(staff(), counter.counter_id, now=yesterday + timedelta(minutes=1))
    assert called.ticket_id == served.ticket_id
    calls.finish(staff(), counter.counter_id, "served", now=yesterday + timedelta(minutes=5))
    # AND a ticket of today with a mobile
    today = walk_in(at=NOW, mobile=OTHER)
    # WHEN the erasure runs today, counting DynamoDB calls
    with count_calls() as seen:
        done = erasure.erase_day_mobiles(now=NOW)
    # THEN yesterday's waiting ticket lost its mobile; the one served had lost it when served
    assert QueueTicket.get(waiting.ticket_id).mobile is None
    assert QueueTicket.get(waiting.ticket_id).mobile_day is None
    assert QueueTicket.get(served.ticket_id).mobile is None
    assert done == {"days": erasure.LOOKBACK_DAYS, "erased": 1}
    # AND today's ticket keeps its mobile until its own day ends
    assert QueueTicket.get(today.ticket_id).mobile == OTHER
    assert _stored_mobiles() == [OTHER]
    # AND only Queries of the sparse index by day, and one conditional update, were made: no Scan
    assert seen.count("Query") == erasure.LOOKBACK_DAYS and seen.count("UpdateItem") == 1
    assert "Scan" not in seen
    # WHEN the day after it runs again; THEN today's is erased too and nothing is left
    erasure.erase_day_mobiles(now=NOW + timedelta(days=1))
    assert _stored_mobiles() == []
    # AND the tickets are still there, with their number and status
    assert QueueTicket.get(today.ticket_id).code == today.code


def test_a_ticket_taken_just_before_midnight_keeps_its_mobile_until_the_athens_day_ends(point):
    # GIVEN a ticket at 23:50 Athens time (21:50 UTC in November)
    late = NOW.replace(hour=21, minute=50)
    ticket = walk_in(at=late, mobile=MOBILE)
    # WHEN the erasure runs at 23:59 and at 00:01 Athens time
    erasure.erase_day_mobiles(now=late + timedelta(minutes=9))
    kept = QueueTicket.get(ticket.ticket_id).mobile
    erasure.erase_day_mobiles(now=late + timedelta(minutes=11))
    # THEN it is kept before midnight and gone after
    assert kept == MOBILE
    assert QueueTicket.get(ticket.ticket_id).mobile is None


def test_a_missed_run_is_made_up_and_a_finished_ticket_is_not_touched(point):
    # GIVEN a ticket three days ago, never erased (the schedule did not run), and one finished today
    old = walk_in(at=NOW - timedelta(days=3), mobile=MOBILE)
    # WHEN the erasure runs; THEN the old day is covered by the lookback
    assert erasure.erase_day_mobiles(now=NOW)["erased"] == 1
    assert QueueTicket.get(old.ticket_id).mobile is None
    # AND erasing a ticket that no longer holds the day's mobile changes nothing
    assert erasure.erase_mobile(old.ticket_id, (NOW - timedelta(days=3)).date().isoformat()) is False
    assert erasure.erase_mobile("no-such-ticket", "2026-01-01") is False


def test_the_schedule_runs_the_erasure(point, client):
    # GIVEN a ticket of six days ago with a mobile (the schedule reads the clock)
    ticket = walk_in(at=clock.utcnow() - timedelta(days=6), mobile=MOBILE)
    # WHEN the scheduled handler fires
    result = client.lambda_.invoke("queue_erase_mobiles", scheduled_event("queue_erase_mobiles"))
    # THEN the mobile is gone (the package's API is what the handler calls)
    assert result.payload["erased"] >= 1 and live_queue.erase_day_mobiles()["erased"] == 0
    assert QueueTicket.get(ticket.ticket_id).mobile is None
