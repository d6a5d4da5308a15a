"""Statistics aggregates: counters updated at most once per stream record, read by dashboards.

A stream consumer turns a record into ``Increment`` s and calls ``apply_once(event_id, incs)``: one
``TransactWriteItems`` puts a marker ``marker#<eventID>`` on the condition that it does not exist
and ADDs every counter; a record delivered twice finds its marker, the transaction is cancelled and
nothing is counted twice. Every increment is written for its department and for ``*`` (all).

Example::

    apply_once(record["eventID"], [Increment("appt.booked", "kep", "2026-11-23", "service=passport")])
    read("appt.booked", "kep", "2026-11-01", "2026-11-30")  # [(day, dimension, count, total), ...]

Limitation: a transaction holds at most 100 items, so one record may make at most 49 increments
(each is written twice: department and ``*``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock, ddb
from chalicelib.models.stats import StatCounter

ALL = "*"
MARKER_DAYS = 3
MAX_INCREMENTS = 49


@dataclass(frozen=True)
class Increment:
    metric: str
    department: str | None
    day: str
    dimension: str = "all"
    count: int = 1
    total: float = 0


def series(metric: str, department: str) -> str:
    return f"{metric}#{department}"


def _merge(increments: list[Increment]) -> dict[tuple[str, str], list[float]]:
    merged: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0])
    for inc in increments:
        for dept in {inc.department or "-", ALL}:
            cell = merged[(series(inc.metric, dept), f"{inc.day}#{inc.dimension}")]
            cell[0] += inc.count
            cell[1] += inc.total
    return {k: v for k, v in merged.items() if v != [0, 0]}


def apply_once(event_id: str, increments: list[Increment]) -> bool:
    """Count ``increments`` unless ``event_id`` was counted already; ``False`` for a repeat."""
    merged = _merge(increments)
    if not merged:
        return True
    if len(merged) > 2 * MAX_INCREMENTS:
        raise ValueError(f"at most {MAX_INCREMENTS} increments per record")
    marker = StatCounter(f"marker#{event_id}", "-", expires_at=clock.utcnow() + timedelta(days=MARKER_DAYS))

    def build(tx: ddb.Tx) -> None:
        tx.save("marker", marker, condition=StatCounter.series.does_not_exist())
        for (name, key), (count, total) in merged.items():
            actions = [StatCounter.count.add(int(count))]
            if total:
                actions.append(StatCounter.total.add(round(total, 3)))
            tx.update("counter", StatCounter(name, key), actions=actions)

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        if "marker" in exc.failed:
            return False
        raise
    return True


def read(metric: str, department: str, day_from: str, day_to: str) -> list[tuple[str, str, int, float]]:
    """Every counter of ``metric`` for ``department`` (``*``: all) between two days inclusive."""
    rows = StatCounter.query(series(metric, department), StatCounter.key.between(day_from, day_to + "~"))
    out = []
    for row in rows:
        day, _, dimension = row.key.partition("#")
        out.append((day, dimension, int(row.count or 0), float(row.total or 0)))
    return out


# -- helpers for consumers: stream images as plain values ---------------------------------------------
def image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    """``NewImage`` / ``OldImage`` of a stream record as a plain dict (``None`` when absent)."""
    raw = (record.get("dynamodb") or {}).get(name)
    if not raw:
        return None
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    return {k: des.deserialize(v) for k, v in raw.items()}


def when(value: Any) -> datetime | None:
    """A PynamoDB ``UTCDateTimeAttribute`` value (or ISO text) as an aware datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def day_of(value: Any) -> str | None:
    """The local (Athens) day of a stream image's time value; ``None`` when it has none."""
    at = when(value)
    return clock.local_day(at) if at else None
