"""Broadcast alerts: an admin composes one (topic, Greek and English text, channels), the citizens
subscribed to its topic get it by e-mail and/or SMS through the outbox, and the citizen site shows
it while it is current.

Sending is rate limited: ``send_batch(alert_id)`` notifies at most ``alert_batch_per_minute``
subscribers (one limited Query page of ``TopicSubscription``), then moves the alert's cursor with a
conditional update. The alert's own stream record (INSERT) sends the first batch at once; the
``alerts_send`` schedule sends the next batch of every alert still ``sending`` each minute.

At most once per citizen per alert: each message is enqueued with the source ``alert#<id>``, so
the outbox key (source, kind, channel, recipient) refuses a second one whatever is replayed.
A citizen gets the alert on the alert's channels that they also chose in their profile.

Subscriptions mirror ``Citizen.topics``: ``on_citizen_record`` (citizens' stream) adds and removes
``TopicSubscription`` rows, idempotently.

Example::

    alert = create_alert(admin, {"topic": "heatwave", "title": {...}, "text": {...}, "channels": ["sms"]})
    public_alert(alert, admin=True)     # with status, recipients, messages, batches
    current_alerts()                    # what the citizen site shows now

Limitation: the topics are a fixed list (``schemas/alerts.ALERT_TOPICS``); an alert reaches at most
``alert_batch_per_minute`` subscribers a minute.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import ddb
from chalicelib.clock import iso, utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.alerts import BOARD, Alert, TopicSubscription
from chalicelib.models.citizens import Citizen
from chalicelib.schemas.alerts import ALERT_TOPICS
from chalicelib.services.platform import audit, gsm7, notifications
from chalicelib.settings import get_settings

KIND = "alert.broadcast"
# the SMS: one GSM-7 part, the text then the title shortened to fit, the site's address kept whole
SMS = "{title}: {text} {link}"
SHRINK = ("text", "title")


def create_alert(staff: Any, body: dict[str, Any], now: datetime | None = None) -> Alert:
    now = now or utcnow()
    alert_id = uuid.uuid4().hex[:16]
    alert = Alert(
        alert_id,
        topic=body["topic"],
        severity=body.get("severity", "warning"),
        title_el=body["title"]["el"].strip(),
        title_en=body["title"]["en"].strip(),
        text_el=body["text"]["el"].strip(),
        text_en=body["text"]["en"].strip(),
        channels=list(body["channels"]),
        board=BOARD,
        starts=iso(now),
        until=iso(now + timedelta(hours=body.get("hours", 24))),
        created_by=staff.username,
        created_key=f"{now.isoformat()}#{alert_id}",
        created_at=now,
        delivery="sending" if body["channels"] else None,
        status="sending" if body["channels"] else "done",
    )
    alert.save(condition=Alert.alert_id.does_not_exist())
    audit.note(staff, "alert", alert_id, action="alert.create", after=public_alert(alert, admin=True))
    return alert


def withdraw_alert(staff: Any, alert_id: str, now: datetime | None = None) -> Alert:
    """Stop showing it and stop sending to those not reached yet."""
    alert = get_alert(alert_id)
    if alert.status == "withdrawn":
        raise Conflict("This alert was already withdrawn.", code="alert_withdrawn")
    before = {"status": alert.status, "until": alert.until}
    now = now or utcnow()
    alert.update(
        actions=[
            Alert.status.set("withdrawn"),
            Alert.delivery.remove(),
            Alert.until.set(iso(now)),
            Alert.finished_at.set(now),
        ]
    )
    audit.note(
        staff,
        "alert",
        alert_id,
        action="alert.withdraw",
        before=before,
        after={"status": "withdrawn", "until": alert.until},
    )
    return alert


def get_alert(alert_id: str) -> Alert:
    try:
        return Alert.get(alert_id)
    except Alert.DoesNotExist:
        raise NotFound("No such alert.", code="alert_not_found") from None


def public_alert(alert: Alert, *, admin: bool = False) -> dict[str, Any]:
    out = {
        "alert_id": alert.alert_id,
        "topic": alert.topic,
        "severity": alert.severity,
        "title": {"el": alert.title_el, "en": alert.title_en},
        "text": {"el": alert.text_el, "en": alert.text_en},
        "starts": alert.starts,
        "until": alert.until,
    }
    if admin:
        out.update(
            channels=list(alert.channels or []),
            status=alert.status,
            created_by=alert.created_by,
            recipients=int(alert.recipients or 0),
            messages=int(alert.messages or 0),
            batches=int(alert.batches or 0),
        )
    return out


def current_alerts(now: datetime | None = None) -> list[dict[str, Any]]:
    """Alerts on the citizen site now: one Query (``until`` after now), newest last."""
    now_iso = iso(now or utcnow())
    rows = Alert.by_board.query(BOARD, Alert.until > now_iso)
    return [public_alert(a) for a in rows if a.starts <= now_iso and a.status != "withdrawn"]


def recent_alerts(limit: int = 50) -> list[dict[str, Any]]:
    rows = Alert.by_board.query(BOARD, scan_index_forward=False, limit=limit)
    return [public_alert(a, admin=True) for a in rows]


def alert_topics() -> list[dict[str, str]]:
    """The topics a citizen may subscribe to, with their names."""
    return [{"topic": k, "name_el": el, "name_en": en} for k, (el, en) in ALERT_TOPICS.items()]


# -- sending ---------------------------------------------------------------------------------------------
def _channels_for(alert: Alert, citizen: Citizen) -> tuple[str, ...]:
    wanted = {"email": bool(citizen.notify_email), "sms": bool(citizen.notify_sms)}
    return tuple(c for c in alert.channels or [] if wanted.get(c))


def send_batch(alert_id: str, batch_size: int | None = None, *, first_only: bool = False) -> int:
    """Notify the next page of the alert's subscribers; returns how many citizens were in it.
    ``first_only``: only when no batch went out yet (a replayed INSERT must not send a second)."""
    try:
        alert = Alert.get(alert_id)
    except Alert.DoesNotExist:
        return 0
    if alert.status != "sending" or (first_only and alert.batches):
        return 0
    size = batch_size or get_settings().alert_batch_per_minute
    page = TopicSubscription.query(alert.topic, limit=size, last_evaluated_key=alert.cursor or None)
    taxids = [s.taxid for s in page]
    next_cursor = page.last_evaluated_key
    messages = 0
    link = f"{get_settings().public_base_url}/"  # the site shows the alert whole
    citizens = {c.taxid: c for c in Citizen.batch_get(taxids)} if taxids else {}
    for taxid in taxids:
        citizen = citizens.get(taxid)
        if citizen is None or alert.topic not in (citizen.topics or "").split(","):
            continue
        channels = _channels_for(alert, citizen)
        if not channels:
            continue
        messages += notifications.notify_citizen(
            citizen,
            source=f"alert#{alert.alert_id}",
            kind=KIND,
            subject={"el": alert.title_el, "en": alert.title_en},
            text={"el": f"{alert.title_el}\n\n{alert.text_el}", "en": f"{alert.title_en}\n\n{alert.text_en}"},
            sms={
                "el": gsm7.fit(SMS, {"title": alert.title_el, "text": alert.text_el, "link": link}, shrink=SHRINK),
                "en": gsm7.fit(SMS, {"title": alert.title_en, "text": alert.text_en, "link": link}, shrink=SHRINK),
            },
            force_channels=channels,
        )
    actions = [Alert.batches.add(1), Alert.recipients.add(len(taxids)), Alert.messages.add(messages)]
    if next_cursor:
        actions.append(Alert.cursor.set(next_cursor))
    else:
        actions += [
            Alert.cursor.remove(),
            Alert.delivery.remove(),
            Alert.status.set("done"),
            Alert.finished_at.set(utcnow()),
        ]
    condition = Alert.status == "sending"
    condition &= (Alert.cursor == alert.cursor) if alert.cursor else Alert.cursor.does_not_exist()
    try:
        alert.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if not ddb.condition_failed(exc):
            raise
        # another run sent this page already; its outbox rows made ours no-ops
    return len(taxids)


def on_alert_record(record: dict[str, Any]) -> None:
    """Stream consumer of ``alerts``: a new alert sends its first batch at once."""
    if record.get("eventName") != "INSERT":
        return
    send_batch(record["dynamodb"]["Keys"]["alert_id"]["S"], first_only=True)


def send_pending_alerts() -> dict[str, int]:
    """The schedule: one batch of every alert still sending."""
    done = {}
    for row in Alert.by_delivery.query("sending"):
        done[row.alert_id] = send_batch(row.alert_id)
    return done


# -- subscriptions ---------------------------------------------------------------------------------------
def _topics(record: dict[str, Any], name: str) -> set[str]:
    image = (record.get("dynamodb") or {}).get(name) or {}
    raw = (image.get("topics") or {}).get("S", "")
    return {t for t in raw.split(",") if t}


def on_citizen_record(record: dict[str, Any]) -> None:
    """Stream consumer of ``citizens``: keep ``TopicSubscription`` equal to ``Citizen.topics``."""
    taxid = record["dynamodb"]["Keys"]["taxid"]["S"]
    new, old = _topics(record, "NewImage"), _topics(record, "OldImage")
    if record.get("eventName") == "REMOVE":
        new = set()
    for topic in old - new:
        TopicSubscription(topic, taxid).delete()
    for topic in new - old:
        TopicSubscription(topic, taxid).save()
