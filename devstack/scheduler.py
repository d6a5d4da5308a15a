"""The scheduler: fires every ``@app.schedule`` handler on its schedule, with EventBridge's
scheduled-event shape. ``fire(name)`` fires one now (``manage.py fire NAME``)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from devstack.lambda_context import LambdaContext

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def rate_seconds(expression: str) -> int | None:
    """``rate(15 minutes)`` -> 900; ``None`` for a cron expression."""
    expression = expression.strip()
    if not expression.startswith("rate("):
        return None
    value, unit = expression[5:-1].split()
    return int(value) * _UNITS[unit.lower()]


def cron_matches(expression: str, moment: datetime) -> bool:
    """Whether EventBridge's ``cron(min hour dom month dow year)`` fires at ``moment`` (UTC)."""
    fields = expression.strip()[5:-1].split()
    minute, hour, dom, month, dow = fields[:5]
    values = [
        (minute, moment.minute),
        (hour, moment.hour),
        (dom, moment.day),
        (month, moment.month),
        (dow, moment.isoweekday() % 7 + 1),  # EventBridge: 1 = Sunday
    ]
    return all(_field_matches(f, v) for f, v in values)


def _field_matches(field: str, value: int) -> bool:
    if field in ("*", "?"):
        return True
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_s = part.split("/")
            step = int(step_s)
        if part in ("*", ""):
            lo, hi = 0, 10**6
        elif "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
        else:
            lo = hi = int(part)
            if step > 1:
                hi = 10**6
        if lo <= value <= hi and (value - lo) % step == 0:
            return True
    return False


def scheduled_event(name: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-central-1",
        "resources": [f"arn:aws:events:eu-central-1:123456789012:rule/{name}"],
        "detail": {},
    }


class Scheduler:
    def __init__(self, schedules: dict[str, tuple[str, Any]], tick_seconds: float = 1.0):
        """``schedules``: handler name -> (schedule expression, handler)."""
        self._schedules = schedules
        self._tick = tick_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._last: dict[str, float] = {n: time.time() for n in schedules}
        self._last_minute: str | None = None
        self.fired: dict[str, int] = {n: 0 for n in schedules}
        self.errors: dict[str, str] = {}
        self.last_loop: float | None = None

    def names(self) -> list[str]:
        return sorted(self._schedules)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def health(self) -> dict[str, Any]:
        alive = self._thread.is_alive() and self.last_loop is not None and time.time() - self.last_loop < 10
        return {"ok": bool(alive), "schedules": {n: e for n, (e, _) in self._schedules.items()},
                "fired": dict(self.fired), "errors": dict(self.errors)}

    def fire(self, name: str) -> Any:
        if name not in self._schedules:
            raise KeyError(name)
        _, handler = self._schedules[name]
        self.fired[name] += 1
        try:
            result = handler(scheduled_event(name), LambdaContext(name))
            self.errors.pop(name, None)
            return result
        except Exception as exc:
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            raise

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.time()
            self.last_loop = now
            minute = datetime.now(UTC).strftime("%Y%m%d%H%M")
            for name, (expression, _) in self._schedules.items():
                period = rate_seconds(expression)
                due = (
                    now - self._last[name] >= period
                    if period is not None
                    else minute != self._last_minute
                    and cron_matches(expression, datetime.now(UTC))
                )
                if due:
                    self._last[name] = now
                    try:
                        self.fire(name)
                    except Exception:  # noqa: BLE001 - recorded in health
                        pass
            self._last_minute = minute
            self._stop.wait(self._tick)
