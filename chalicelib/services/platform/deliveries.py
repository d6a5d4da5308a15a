"""What became of the messages, for the administrators' delivery page: counts per status for the
last days, the newest messages (of one status, or all), and the month's SMS budget.

Reads a constant number of items whatever the traffic: the counts are ``DeliveryCount`` items
(one item a day: one ``BatchGetItem``), the list one Query (``by_status``, or ``by_day`` for
today and then the day before), the budget one GetItem. No message body and no address: a
message is its kind, channel, masked recipient, status, attempts and times.

Example::

    report()                    # {"days": [...], "totals": {...}, "messages": [...], "sms": {...}}
    report(status="failed")     # the newest failed messages

Limitation: a count is added after the row's move, so a sender that dies in between leaves the
count short by that message (the row itself is right); ``waiting`` is ``queued`` minus the final
statuses of the same days.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.models.outbox import FINAL, DeliveryCount, OutboxMessage
from chalicelib.services.platform import sms_budget

DAYS = 7
LIST_LIMIT = 50
COUNTED = ("queued", "retried", *FINAL)


def _days(now: Any, days: int) -> list[str]:
    return [(now - timedelta(days=n)).strftime("%Y-%m-%d") for n in range(days)]


def counts(days: list[str]) -> dict[str, dict[str, int]]:
    """``{day: {status: n}}`` for ``days`` (one BatchGetItem)."""
    out = {day: dict.fromkeys(COUNTED, 0) for day in days}
    for item in DeliveryCount.batch_get(days):
        out[item.day].update({s: int(getattr(item, s) or 0) for s in COUNTED})
    for per in out.values():
        per["waiting"] = max(0, per["queued"] - sum(per[s] for s in FINAL))
    return out


def _row(row: OutboxMessage) -> dict[str, Any]:
    def at(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "message_id": row.message_id,
        "kind": row.kind,
        "channel": row.channel,
        "recipient": row.recipient_mask or "",
        "status": row.status,
        "attempts": int(row.attempts or 0),
        "parts": int(row.parts) if row.parts is not None else None,
        "error": row.error,
        "created_at": at(row.created_at),
        "sent_at": at(row.sent_at),
        "next_attempt_at": at(row.next_attempt_at),
    }


def messages(status: str | None, days: list[str], limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """The newest messages of ``status`` (one Query), or of all statuses (today, then back)."""
    if status:
        rows = OutboxMessage.by_status.query(
            status, OutboxMessage.created_key >= days[-1], scan_index_forward=False, limit=limit
        )
        return [_row(r) for r in rows]
    out: list[dict[str, Any]] = []
    for day in days:
        for row in OutboxMessage.by_day.query(day, scan_index_forward=False, limit=limit - len(out)):
            out.append(_row(row))
        if len(out) >= limit:
            break
    return out


def report(status: str | None = None, now: Any = None) -> dict[str, Any]:
    """The delivery page: counts per day and status, totals, the newest messages, the SMS month."""
    days = _days(now or utcnow(), DAYS)
    per_day = counts(days)
    totals = {s: sum(per[s] for per in per_day.values()) for s in (*COUNTED, "waiting")}
    return {
        "days": [{"day": day, "counts": per_day[day]} for day in days],
        "totals": totals,
        "status": status,
        "messages": messages(status, days),
        "sms": sms_budget.status(now),
    }
