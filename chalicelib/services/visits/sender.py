"""Exposure sender: each visitor told once, and the only place a contact is decrypted.

``handle_sqs_batch`` (the ``exposure_sender`` Lambda on the fan-out queue) runs ``send_one`` per
message: a marker keyed on (incident, pass id) is put with a condition, so a message delivered
twice finds it finished and does nothing; the visitor's contact is decrypted here and only here,
and the email and SMS go through the outbox, whose key (``exposure#<incident>#<pass>``, kind,
channel) is a second guard; there the recipient is sealed again (only the outbox sender opens it)
and filed under the visitor, so deleting the registration deletes the notices too. The SMS is one
GSM-7 part (the officer's text shortened: the e-mail carries it whole). The marker's move to ``sent``/``failed`` is conditional and
only its winner counts it.

A batch of ten messages shares its reads (incident, building, one ``BatchGetItem`` of the
visitors) and adds its counts with one ADD per incident at the end (``SendBatch.flush``).

Example::

    send_one(incident_id, pass_id)      # "sent", "failed", "duplicate" or "skipped"

Limitation: a sender that dies between the markers' final updates and the batch's ADD leaves the
counts short by at most that batch (never over); the marker table holds the truth.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import clock, ddb
from chalicelib.errors import NotFound
from chalicelib.log import logger
from chalicelib.models.visits import RECIPIENT_FINAL, ExposureIncident, ExposureRecipient, Visitor, alive
from chalicelib.services.platform import crypto
from chalicelib.services.visits.buildings import get_building
from chalicelib.services.visits.incidents import finish_if_done
from chalicelib.services.visits.passes import PASS_RE, contact_context
from chalicelib.services.visits.retention import ttl_from

KIND = "visits.exposure"
SUBJECT = {"el": "Ειδοποίηση πιθανής έκθεσης — {building}", "en": "Possible exposure notice — {building}"}
FOOTER = {
    "el": "\n\nΛάβατε αυτό το μήνυμα επειδή η επίσκεψή σας στο κτίριο «{building}» συνέπεσε με το "
    "διάστημα {start} – {end}.",
    "en": "\n\nYou receive this because your visit to {building} overlapped {start} – {end}.",
}
WINDOW_FORMAT = "%d/%m/%Y %H:%M"


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
        wanted = [p for p in dict.fromkeys(pass_ids) if p not in self.loaded and PASS_RE.match(p)]
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
                self.buildings[building_id] = get_building(building_id)
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
                finish_if_done(incident_id)
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
    now = clock.utcnow()
    marker = ExposureRecipient(
        incident_id, pass_id, status="sending", updated_at=now, expires_at=incident.expires_at
    )
    try:
        marker.save(condition=ExposureRecipient.pass_id.does_not_exist())
    except PutError as exc:
        if not ddb.condition_failed(exc):
            raise
        marker = ExposureRecipient.get(incident_id, pass_id, consistent_read=True)
        if marker.status in RECIPIENT_FINAL:
            return "duplicate"
        # an earlier attempt stopped half-way: go on (the outbox key stops a second send)
    visitor = batch.visitor(pass_id)
    if visitor is None or not alive(visitor, now):
        return _finish(batch, marker, "failed", "erased")
    try:
        contact = json.loads(
            crypto.open_sealed(
                crypto.Sealed(visitor.contact_key, visitor.contact_nonce, visitor.contact_ct),
                contact_context(pass_id),
            )
        )
    except crypto.CryptoError:
        logger().warning("exposure contact did not decrypt", extra={"incident_id": incident_id})
        return _finish(batch, marker, "failed", "decrypt")
    channels = _notify(incident, visitor, contact, batch)
    if not channels:
        return _finish(batch, marker, "failed", "no_contact")
    return _finish(batch, marker, "sent", None, channels)


SMS = {
    "el": "Πιθανή έκθεση: {building}, {start}-{end}. {message}",
    "en": "Possible exposure: {building}, {start}-{end}. {message}",
}


def _notify(incident: ExposureIncident, visitor: Visitor, contact: dict[str, Any], batch: SendBatch) -> int:
    """The notice by e-mail (the whole text) and SMS (one GSM-7 part: the message shortened), the
    recipient sealed in the outbox and filed under the visitor (deleted with the registration)."""
    from chalicelib.services.platform import gsm7
    from chalicelib.services.platform.notifications import enqueue
    from chalicelib.services.visits.passes import visitor_ref

    language = "en" if visitor.language == "en" else "el"
    name = batch.building_name(incident.building_id, language)
    start = clock.local(incident.window_start).strftime(WINDOW_FORMAT)
    end = clock.local(incident.window_end).strftime(WINDOW_FORMAT)
    message = incident.message_en if language == "en" and incident.message_en else incident.message_el
    texts = {
        "email": message + FOOTER[language].format(building=name, start=start, end=end),
        "sms": gsm7.fit(
            SMS[language],
            {"building": name, "start": start, "end": end, "message": message},
            shrink=("message", "building"),
        ),
    }
    common = {
        "source": f"exposure#{incident.incident_id}#{visitor.pass_id}",
        "kind": KIND,
        "language": language,
        "seal": True,
        "ref": visitor_ref(visitor.pass_id),
        "keep_until": ttl_from(clock.utcnow()),  # with the visit log, not the outbox's 90 days
    }
    count = 0
    for channel, recipient in (("email", contact.get("email")), ("sms", contact.get("mobile"))):
        if not recipient:
            continue
        enqueue(
            channel=channel,
            recipient=recipient,
            subject=SUBJECT[language].format(building=name) if channel == "email" else None,
            body=texts[channel],
            **common,
        )
        count += 1
    return count


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
                ExposureRecipient.updated_at.set(clock.utcnow()),
            ],
            condition=ExposureRecipient.status == "sending",
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return "duplicate"
        raise
    batch.count(marker.incident_id, status)
    return status
