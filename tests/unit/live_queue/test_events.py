"""The tickets' stream consumer: "you are next" and "proceed to counter" SMS, each at most once."""

from __future__ import annotations

from datetime import timedelta

from app import app
from chalicelib.services.live_queue import calls, tickets
from chalicelib.services.platform import notifications
from tests.events import stream_event, stream_record
from tests.unit.live_queue.helpers import NOW, open_counter, staff, walk_in


def _sms(kind):
    return [r for r in notifications.recent() if r["kind"] == kind]


def test_called_and_soon_sms_go_out_once_each(point):
    # GIVEN 4 walk-ins with mobiles and one counter, their records delivered by the stream
    counter = open_counter()
    waiting = [walk_in(at=NOW + timedelta(seconds=i), mobile=f"69000000{i:02d}") for i in range(4)]
    handler = app.handler_map["table_stream"]
    for t in waiting:
        handler(stream_event([stream_record(tickets.get_ticket(t.ticket_id), event_name="INSERT")]), None)
    # THEN the first three (within K=3) were told they are near; the 4th not yet
    assert sorted(r["recipient"] for r in _sms("queue.soon")) == [f"+3069000000{i:02d}" for i in range(3)]
    # WHEN the counter calls next and the stream delivers the change twice
    before = tickets.get_ticket(waiting[0].ticket_id)
    calls.call_next(staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    record = stream_record(tickets.get_ticket(waiting[0].ticket_id), before)
    handler(stream_event([record]), None)
    handler(stream_event([record]), None)
    # THEN the called ticket got "proceed to counter 1" once, and the new 3rd in line got "soon" once
    called = _sms("queue.called")
    assert [(r["recipient"], r["body"]) for r in called] == [
        ("+306900000000", "A001: ΠAPAKAΛOYME ΠPOΣEΛΘETE ΣTO ΓKIΣE 1.")
    ]
    soon = _sms("queue.soon")
    assert len(soon) == 4 and len({r["recipient"] for r in soon}) == 4
    fourth = next(r for r in soon if r["recipient"] == "+306900000003")
    assert "A004" in fourth["body"] and "ΘEΣH 3 ΣTH ΣEIPA" in fourth["body"]  # GSM 03.38 (platform/gsm7.py)
    # AND a recall sends nothing new
    before = tickets.get_ticket(waiting[0].ticket_id)
    calls.recall(staff(), counter.counter_id, now=NOW + timedelta(minutes=2))
    handler(stream_event([stream_record(tickets.get_ticket(waiting[0].ticket_id), before)]), None)
    assert len(_sms("queue.called")) == 1
