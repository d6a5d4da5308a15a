"""Notices (``services/requests/notices.py``) and following: each public change reaches the citizen
once, however often the stream delivers it; followers of a public report hear of its changes."""

from __future__ import annotations

from chalicelib.models.outbox import OutboxMessage
from chalicelib.models.requests import TimelineEntry
from chalicelib.services.platform.stream_router import handle_batch
from chalicelib.services.requests import changes, following
from tests.events import stream_event, stream_record
from tests.unit.requests.helpers import file_request, staff


def _entry_records(request_id):
    return [stream_record(e, event_name="INSERT") for e in TimelineEntry.query(request_id)]


def test_each_public_change_reaches_the_citizen_once(catalogue):
    # GIVEN a request with two public changes and two internal ones
    req = file_request()
    changes.change_status(staff(), req.request_id, "in_progress", note="internal", note_public=False)
    changes.add_note(staff(), req.request_id, "μόνο εσωτερικό", public=False)
    changes.change_status(staff(), req.request_id, "resolved", note="Έγινε η επισκευή.")
    records = _entry_records(req.request_id)
    # WHEN the timeline stream is delivered twice
    for _ in range(2):
        assert handle_batch(stream_event(records)) == {"batchItemFailures": []}
    # THEN 3 public entries x (email + SMS) = 6 messages, none for the internal note
    rows = list(OutboxMessage.scan())
    assert len(rows) == 6
    emails = sorted(r.subject for r in rows if r.channel == "email")
    assert any(req.protocol in s and "Επιλύθηκε" in s for s in emails)
    resolved = next(r for r in rows if r.channel == "email" and "Επιλύθηκε" in r.subject)
    assert "Έγινε η επισκευή." in resolved.body and "internal" not in resolved.body


def test_followers_of_a_public_report_hear_of_its_changes(catalogue):
    # GIVEN Giannis follows Maria's public report
    req = file_request()
    following.follow("987654321", req.protocol)
    # WHEN it is resolved and the change comes through the stream
    changes.change_status(staff(), req.request_id, "resolved", note="ok")
    handle_batch(stream_event(_entry_records(req.request_id)[1:]))
    # THEN Maria (email and SMS) and Giannis (email) are told
    recipients = {r.recipient for r in OutboxMessage.scan()}
    assert recipients == {"maria@example.gr", "+306900000001", "giannis@example.gr"}
