"""What the visit log's tests share: the contact details that must never show, times relative to
today in Athens (calendar days, never 24-hour steps), registration, and readers of what was stored
or sent (a test may scan; the code never does)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from chalicelib import clock
from chalicelib.aws import client as aws_client
from chalicelib.models.visits import PENDING, ExposureIncident
from chalicelib.services import visits
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.settings import get_settings
from tests.conftest import bearer
from tests.events import sqs_record, stream_record

NAME = "Ελένη Ζωγράφου-Test"
EMAIL = "eleni.visitor@example.org"
MOBILE = "+306912345678"
OTHER_EMAIL = "someone.else@example.org"
ADMIN = StaffMember(username="admin.visits", sub="s", roles=("admin",), department_id=None)
CONTACTS = (NAME, EMAIL, MOBILE, "6912345678", OTHER_EMAIL, "Άλλος Επισκέπτης")
FANOUT_QUEUE = "dimotis-test-fanout"
VISIT_TABLES = (
    "visitors",
    "visits",
    "visit_presence",
    "exposure_incidents",
    "exposure_recipients",
    "buildings",
)
TOWN_HALL = {
    "name_el": "Δημαρχείο",
    "name_en": "Town Hall",
    "closing_time": "20:00",
    "entrances": [
        {"entrance_id": "main", "name_el": "Κεντρική"},
        {"entrance_id": "side", "name_el": "Πλαϊνή"},
    ],
}
KEP = {"name_el": "ΚΕΠ", "closing_time": "15:00", "entrances": [{"entrance_id": "a", "name_el": "Α"}]}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` Athens wall time on ``day``, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.TZ).astimezone(UTC)


def yesterday(hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` Athens time on the calendar day before today (none of the hours the tests
    use falls in a daylight-saving gap or fold, which are at 03:00-04:00)."""
    return at(clock.today() - timedelta(days=1), hour, minute)


def register(name=NAME, email=EMAIL, mobile=MOBILE, **kw) -> str:
    return visits.register(name=name, email=email, mobile=mobile, consent=True, **kw)["pass_id"]


def raw_items(*table_keys: str) -> str:
    """Every stored item of these tables, as DynamoDB returns them."""
    items = []
    for key in table_keys:
        items += aws_client("dynamodb").scan(TableName=get_settings().table_name(key))["Items"]
    return json.dumps(items, ensure_ascii=False, default=str)


def drain(queue_url: str) -> list[dict]:
    """Every message on the queue as an SQS record, deleted from the queue."""
    sqs = aws_client("sqs")
    records = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return records
        for m in got:
            records.append(sqs_record(m["Body"], queue=FANOUT_QUEUE, message_id=m["MessageId"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])


def outbox(kind: str | None = None) -> list[dict]:
    rows = aws_client("dynamodb").scan(TableName=get_settings().table_name("outbox"))["Items"]
    return [r for r in rows if kind is None or r["kind"]["S"] == kind]


def declare(client, token, start=None, end=None, building="dimarxeio"):
    """POST an incident at ``building`` (by default yesterday 10:00 to 12:00) as ``token``."""
    body = {
        "building_id": building,
        "window_start": start if isinstance(start, str) else (start or yesterday(10)).isoformat(),
        "window_end": end if isinstance(end, str) else (end or yesterday(12)).isoformat(),
        "message_el": "Πιθανή έκθεση σε κρούσμα. Παρακολουθήστε τα συμπτώματά σας.",
        "message_en": "Possible exposure. Watch for symptoms.",
    }
    return client.http.post(
        "/api/staff/visits/incidents",
        body=json.dumps(body),
        headers={**bearer(token), "Content-Type": "application/json"},
    )


def decide(client, token, incident_id: str, decision: str = "approve", reason: str | None = None):
    """POST the second key's ``approve`` or ``reject`` of an incident as ``token``."""
    return client.http.post(
        f"/api/staff/visits/incidents/{incident_id}/{decision}",
        body=json.dumps({"reason": reason} if reason else {}),
        headers={**bearer(token), "Content-Type": "application/json"},
    )


def declare_approved(client, declarer, approver, **kw) -> str:
    """Declare an incident as ``declarer`` and approve it as ``approver``; its id."""
    resp = declare(client, declarer, **kw)
    assert resp.status_code == 201, resp.body
    incident_id = json.loads(resp.body)["incident_id"]
    resp = decide(client, approver, incident_id)
    assert resp.status_code == 200, resp.body
    return incident_id


def approval_record(incident_id: str) -> dict:
    """The incidents stream's record of the change to ``approved`` (old image: pending)."""
    new = ExposureIncident.get(incident_id)
    old = ExposureIncident.from_raw_data(new.serialize())
    old.status, old.decided_by, old.decided_at = PENDING, None, None
    return stream_record(new, old)
