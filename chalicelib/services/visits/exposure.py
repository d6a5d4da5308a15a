"""Exposure incidents: declared by staff, matched against the visit log, each visitor told once.

1. ``declare`` puts the ``ExposureIncident`` (building, window, message).
2. Its INSERT on the incidents stream runs ``on_incident_record`` -> ``fan_out``: Query the
   building's day partitions that the window touches (check-in before the window's end is a key
   condition on the last day), keep the visits that overlap (``overlaps``), and put one SQS
   message per distinct visitor (the pass id, never a contact) on the fan-out queue, ten per
   ``SendMessageBatch``. An incident already ``queued`` or ``done`` is not fanned out again, and
   one whose fan-out was cut short is simply redone: the senders de-duplicate.
3. ``handle_sqs_batch`` (the ``exposure_sender`` Lambda) runs ``send_one`` per message: a marker
   keyed on (incident, pass id) is put with a condition, so a message delivered twice finds it
   finished and does nothing; the visitor's contact is decrypted here and only here, and the
   email and SMS go through the outbox, whose key (``exposure#<incident>#<pass>``, kind, channel,
   recipient) is a second guard. The marker's move to ``sent``/``failed`` is conditional and only
   its winner ADDs to the incident's counts.

A batch of ten messages shares its reads (incident, building, one ``BatchGetItem`` of the
visitors) and adds its counts with one ADD at the end. Counts (matched, queued, sent, failed) are
the only thing the incident page shows.
Limitation: a sender that dies between the markers' final updates and the batch's ADD leaves the
counts short by at most that batch (never over); the marker table holds the truth.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.log import logger
from chalicelib.models.base import utcnow
from chalicelib.models.visits import ExposureIncident, ExposureRecipient, Visit, Visitor, alive
from chalicelib.services.platform import audit, crypto
from chalicelib.services.visits import passes as visits
from chalicelib.settings import get_settings

KIND = "visits.exposure"
SQS_BATCH = 10
PROGRESS_EVERY = 500  # recipients between two progress updates of ``queued``
FINAL = ("sent", "failed")
SUBJECT = {"el": "Ειδοποίηση πιθανής έκθεσης — {building}", "en": "Possible exposure notice — {building}"}
FOOTER = {
    "el": "\n\nΛάβατε αυτό το μήνυμα επειδή η επίσκεψή σας στο κτίριο «{building}» συνέπεσε με το "
    "διάστημα {start} – {end}.",
    "en": "\n\nYou receive this because your visit to {building} overlapped {start} – {end}.",
}


# -- the overlap rule ----------------------------------------------------------------------------
def visit_end(visit: Visit) -> datetime:
    """When a visit ended: its check-out, or its building's closing time while it is open."""
    return visit.check_out or visit.closes_at


def overlaps(check_in: datetime, end: datetime, window_start: datetime, window_end: datetime) -> bool:
    """A visit overlaps the window when it began before the window ended and ended after the window
    began (both strict: a visit that ended exactly when the window began did not overlap)."""
    return check_in < window_end and end > window_start


def window_days(window_start: datetime, window_end: datetime) -> list[str]:
    """The local days whose partitions can hold overlapping visits. A visit ends by the end of its
    check-in day (``visits.closes_at_for``), so no earlier day is needed."""
    first = window_start.astimezone(visits.TZ).date()
    last = window_end.astimezone(visits.TZ).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def overlapping_visits(
    building_id: str, window_start: datetime, window_end: datetime, stats: dict[str, int] | None = None
) -> Iterator[Visit]:
    """Visits at ``building_id`` that overlap the window (Queries of its day partitions only)."""
    stats = stats if stats is not None else {}
    now = utcnow()
    days = window_days(window_start, window_end)
    for day in days:
        hash_key = visits.building_day(building_id, day)
        condition = Visit.visit_key < visits.iso(window_end) if day == days[-1] else None
        for visit in Visit.query(hash_key, condition):
            stats["visits_read"] = stats.get("visits_read", 0) + 1
            if alive(visit, now) and overlaps(visit.check_in, visit_end(visit), window_start, window_end):
                yield visit


# -- declaring -----------------------------------------------------------------------------------
def declare(staff: Any, body: dict[str, Any]) -> dict[str, Any]:
    building = visits.get_building(body["building_id"])
    start = _parse(body["window_start"])
    end = _parse(body["window_end"])
    now = utcnow()
    if end <= start:
        raise Conflict("The window must end after it starts.", code="window_invalid")
    if start > now:
        raise Conflict("The window cannot start in the future.", code="window_in_future")
    if end - start > timedelta(days=get_settings().visit_ttl_days):
        raise Conflict("The window is longer than the visit log is kept.", code="window_too_long")
    incident_id = uuid.uuid4().hex
    incident = ExposureIncident(
        incident_id,
        created_key=f"{visits.iso(now)}#{incident_id}",
        building_id=building.building_id,
        window_start=start,
        window_end=min(end, now),  # visits yet to come cannot have overlapped
        message_el=body["message_el"].strip(),
        message_en=(body.get("message_en") or "").strip() or None,
        declared_by=staff.username,
        created_at=now,
        expires_at=visits.ttl_from(now),
    )
    incident.save(condition=ExposureIncident.incident_id.does_not_exist())
    audit.note(
        staff,
        "exposure_incident",
        incident_id,
        action="declare_exposure",
        after={
            "building_id": building.building_id,
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
        },
    )
    return incident_view(incident)


def _parse(value: str) -> datetime:
    """An RFC 3339 date-time (``t``/``z`` in any case, any number of fraction digits); one
    without an offset is read as Athens time."""
    text = value.strip().upper().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Conflict("The window's times cannot be read.", code="window_invalid") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=visits.TZ)
    return parsed


def incident_view(incident: ExposureIncident) -> dict[str, Any]:
    """Progress and counts only: never a name, number or address."""
    return {
        "incident_id": incident.incident_id,
        "building_id": incident.building_id,
        "window_start": incident.window_start.isoformat(),
        "window_end": incident.window_end.isoformat(),
        "message_el": incident.message_el,
        "message_en": incident.message_en,
        "status": incident.status,
        "counts": {
            "matched": int(incident.matched or 0),
            "queued": int(incident.queued or 0),
            "sent": int(incident.sent or 0),
            "failed": int(incident.failed or 0),
        },
        "declared_by": incident.declared_by,
        "created_at": incident.created_at.isoformat(),
        "finished_at": incident.finished_at.isoformat() if incident.finished_at else None,
    }


def get_incident(incident_id: str) -> ExposureIncident:
    if not re.match(r"^[0-9a-f]{32}$", incident_id or ""):
        raise ValidationFailed(
            "Not an incident id.", code="invalid_incident_id", details={"field": "incident_id"}
        )
    try:
        incident = ExposureIncident.get(incident_id, consistent_read=True)
    except ExposureIncident.DoesNotExist:
        raise NotFound("No such incident.", code="unknown_incident") from None
    if not alive(incident):
        raise NotFound("No such incident.", code="unknown_incident")
    return incident


def incident_detail(incident_id: str) -> dict[str, Any]:
    return incident_view(get_incident(incident_id))


def list_incidents(limit: int = 50) -> list[dict[str, Any]]:
    now = utcnow()
    found = ExposureIncident.by_kind.query("incident", scan_index_forward=False, limit=limit)
    return [incident_view(i) for i in found if alive(i, now)]


# -- fan-out (incidents stream) ------------------------------------------------------------------
def on_incident_record(record: dict[str, Any]) -> None:
    """Stream consumer of the incidents table: a new incident is fanned out."""
    if record.get("eventName") != "INSERT":
        return
    fan_out(record["dynamodb"]["Keys"]["incident_id"]["S"])


def fan_out(incident_id: str, queue_url: str | None = None) -> dict[str, int]:
    """Put one message per overlapping visitor on the fan-out queue; safe to run again."""
    try:
        incident = ExposureIncident.get(incident_id, consistent_read=True)
    except ExposureIncident.DoesNotExist:
        return {"queued": 0}
    if not alive(incident) or incident.status in ("queued", "done"):
        return {"queued": 0}
    incident.update(actions=[ExposureIncident.status.set("matching")])
    stats: dict[str, int] = {}
    recipients: dict[str, None] = {}
    for visit in overlapping_visits(incident.building_id, incident.window_start, incident.window_end, stats):
        recipients.setdefault(visit.pass_id)
    matched = len(recipients)
    incident.update(
        actions=[
            ExposureIncident.matched.set(matched),
            ExposureIncident.visits_read.set(stats.get("visits_read", 0)),
        ]
    )
    url = queue_url or get_settings().fanout_queue_url
    pass_ids = list(recipients)
    for offset in range(0, matched, SQS_BATCH):
        _send_batch(url, incident_id, pass_ids[offset : offset + SQS_BATCH])
        done = min(offset + SQS_BATCH, matched)
        if done % PROGRESS_EVERY == 0 and done < matched:
            _raise_queued(incident, done)
    incident.update(
        actions=[ExposureIncident.queued.set(matched), ExposureIncident.status.set("queued")],
        condition=ExposureIncident.status == "matching",
    )
    _maybe_done(incident_id)
    return {"matched": matched, "queued": matched, "visits_read": stats.get("visits_read", 0)}


def _raise_queued(incident: ExposureIncident, count: int) -> None:
    try:
        incident.update(
            actions=[ExposureIncident.queued.set(count)], condition=ExposureIncident.queued < count
        )
    except UpdateError as exc:
        if not visits._conditional(exc):
            raise


def _send_batch(url: str, incident_id: str, pass_ids: list[str]) -> None:
    from chalicelib.aws import client

    entries = [
        {"Id": str(i), "MessageBody": json.dumps({"incident_id": incident_id, "pass_id": p})}
        for i, p in enumerate(pass_ids)
    ]
    for _ in range(3):
        result = client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
        failed = {f["Id"] for f in result.get("Failed", [])}
        if not failed:
            return
        entries = [e for e in entries if e["Id"] in failed]
    raise RuntimeError(f"SQS refused {len(entries)} fan-out messages")  # the stream retries


def _maybe_done(incident_id: str) -> None:
    incident = ExposureIncident.get(incident_id, consistent_read=True)
    if incident.status == "queued" and (incident.sent or 0) + (incident.failed or 0) >= (
        incident.queued or 0
    ):
        try:
            incident.update(
                actions=[ExposureIncident.status.set("done"), ExposureIncident.finished_at.set(utcnow())],
                condition=ExposureIncident.status == "queued",
            )
        except UpdateError as exc:
            if not visits._conditional(exc):
                raise


# -- sending (fan-out queue) ---------------------------------------------------------------------
class SendBatch:
    """What one SQS batch shares: incidents and buildings read once, the visitors read with one
    ``BatchGetItem``, and the counts added with one ADD per incident at the end (``flush``)."""

    def __init__(self, pass_ids: list[str] | None = None) -> None:
        self.incidents: dict[str, ExposureIncident | None] = {}
        self.buildings: dict[str, Any] = {}
        self.visitors: dict[str, Visitor] = {}
        self.loaded: set[str] = set()
        self.counts: dict[str, dict[str, int]] = {}
        if pass_ids:
            self.load_visitors(pass_ids)

    def load_visitors(self, pass_ids: list[str]) -> None:
        wanted = [p for p in dict.fromkeys(pass_ids) if p not in self.loaded and visits.PASS_RE.match(p)]
        if wanted:
            for visitor in Visitor.batch_get(wanted, consistent_read=True):
                self.visitors[visitor.pass_id] = visitor
            self.loaded.update(wanted)

    def visitor(self, pass_id: str) -> Visitor | None:
        self.load_visitors([pass_id])
        return self.visitors.get(pass_id)

    def incident(self, incident_id: str) -> ExposureIncident | None:
        if incident_id not in self.incidents:
            try:
                self.incidents[incident_id] = ExposureIncident.get(incident_id)
            except ExposureIncident.DoesNotExist:
                self.incidents[incident_id] = None
        return self.incidents[incident_id]

    def building_name(self, building_id: str, language: str) -> str:
        if building_id not in self.buildings:
            try:
                self.buildings[building_id] = visits.get_building(building_id)
            except NotFound:
                self.buildings[building_id] = None
        building = self.buildings[building_id]
        if building is None:
            return building_id
        return building.name_en if language == "en" and building.name_en else building.name_el

    def count(self, incident_id: str, status: str) -> None:
        per = self.counts.setdefault(incident_id, {"sent": 0, "failed": 0})
        per[status] += 1

    def flush(self) -> None:
        """One ADD per incident for what this batch finished (each marker counted by its winner)."""
        for incident_id, per in self.counts.items():
            actions = [getattr(ExposureIncident, k).add(v) for k, v in per.items() if v]
            if not actions:
                continue
            incident = ExposureIncident(incident_id)
            incident.update(actions=actions, condition=ExposureIncident.incident_id.exists())
            if incident.status == "queued" and incident.sent + incident.failed >= incident.queued:
                _maybe_done(incident_id)
        self.counts.clear()


def handle_sqs_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The ``exposure_sender`` Lambda: ``{"batchItemFailures": [...]}`` (Powertools)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    pass_ids = []
    for record in event.get("Records", []):
        try:
            pass_ids.append(json.loads(record["body"])["pass_id"])
        except (ValueError, KeyError, TypeError):
            continue  # the record handler reports it
    batch = SendBatch(pass_ids)
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    try:
        return process_partial_response(
            event=event,
            record_handler=lambda record: send_one(*_message(record.body), batch=batch),
            processor=processor,
            context=context,
        )
    finally:
        batch.flush()


def _message(body: str) -> tuple[str, str]:
    message = json.loads(body)
    return message["incident_id"], message["pass_id"]


def send_one(incident_id: str, pass_id: str, batch: SendBatch | None = None) -> str:
    """Tell one visitor about one incident, at most once. Returns what happened:
    ``sent``, ``failed``, ``duplicate`` or ``skipped``."""
    if batch is None:
        batch = SendBatch()
        try:
            return send_one(incident_id, pass_id, batch)
        finally:
            batch.flush()
    incident = batch.incident(incident_id)
    if incident is None:
        return "skipped"
    now = utcnow()
    marker = ExposureRecipient(
        incident_id, pass_id, status="sending", updated_at=now, expires_at=incident.expires_at
    )
    try:
        marker.save(condition=ExposureRecipient.pass_id.does_not_exist())
    except PutError as exc:
        if not visits._conditional(exc):
            raise
        marker = ExposureRecipient.get(incident_id, pass_id, consistent_read=True)
        if marker.status in FINAL:
            return "duplicate"
        # an earlier attempt stopped half-way: go on (the outbox key stops a second send)
    visitor = batch.visitor(pass_id)
    if visitor is None or not alive(visitor, now):
        return _finish(batch, marker, "failed", "erased")
    try:
        contact = json.loads(
            crypto.open_sealed(
                crypto.Sealed(visitor.contact_key, visitor.contact_nonce, visitor.contact_ct),
                visits.contact_context(pass_id),
            )
        )
    except crypto.CryptoError:
        logger().warning("exposure contact did not decrypt", extra={"incident_id": incident_id})
        return _finish(batch, marker, "failed", "decrypt")
    channels = _notify(incident, visitor, contact, batch)
    if not channels:
        return _finish(batch, marker, "failed", "no_contact")
    return _finish(batch, marker, "sent", None, channels)


def _notify(incident: ExposureIncident, visitor: Visitor, contact: dict[str, Any], batch: SendBatch) -> int:
    from chalicelib.services.platform.notifications import enqueue

    language = "en" if visitor.language == "en" else "el"
    name = batch.building_name(incident.building_id, language)
    fmt = "%d/%m/%Y %H:%M"
    start = incident.window_start.astimezone(visits.TZ).strftime(fmt)
    end = incident.window_end.astimezone(visits.TZ).strftime(fmt)
    message = incident.message_en if language == "en" and incident.message_en else incident.message_el
    body = message + FOOTER[language].format(building=name, start=start, end=end)
    source = f"exposure#{incident.incident_id}#{visitor.pass_id}"
    keep_until = visits.ttl_from(utcnow())
    count = 0
    for channel, recipient in (("email", contact.get("email")), ("sms", contact.get("mobile"))):
        if not recipient:
            continue
        enqueue(
            source=source,
            kind=KIND,
            channel=channel,
            recipient=recipient,
            subject=SUBJECT[language].format(building=name) if channel == "email" else None,
            body=body,
            language=language,
        )
        _shorten_outbox_ttl(source, channel, recipient, keep_until)
        count += 1
    return count


def _shorten_outbox_ttl(source: str, channel: str, recipient: str, until: datetime) -> None:
    """The outbox row carries the address in clear for the sender: let it expire with the visit
    log (``DIMOTIS_VISIT_TTL_DAYS``) rather than the outbox's own retention."""
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform.notifications import message_key

    try:
        OutboxMessage(message_key(source, KIND, channel, recipient)).update(
            actions=[OutboxMessage.expires_at.set(until)],
            condition=OutboxMessage.message_id.exists(),
        )
    except UpdateError as exc:
        if not visits._conditional(exc):
            raise


def _finish(
    batch: SendBatch, marker: ExposureRecipient, status: str, reason: str | None, channels: int = 0
) -> str:
    """The marker's one move to its final status; only the winner counts it."""
    try:
        marker.update(
            actions=[
                ExposureRecipient.status.set(status),
                ExposureRecipient.reason.set(reason) if reason else ExposureRecipient.reason.remove(),
                ExposureRecipient.channels.set(channels),
                ExposureRecipient.updated_at.set(utcnow()),
            ],
            condition=ExposureRecipient.status == "sending",
        )
    except UpdateError as exc:
        if visits._conditional(exc):
            return "duplicate"
        raise
    batch.count(marker.incident_id, status)
    return status
