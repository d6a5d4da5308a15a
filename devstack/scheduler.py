"""The scheduler: fires every ``@app.schedule`` handler on its schedule, with EventBridge's
scheduled-event shape. ``fire(name)`` fires one now (``manage.py fire NAME``)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from devstack.lambda_context import LambdaContext
from devstack.loop import BackgroundLoop

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


class Scheduler(BackgroundLoop):
    thread_name = "scheduler"

    def __init__(self, schedules: dict[str, tuple[str, Any]], tick_seconds: float = 1.0):
        """``schedules``: handler name -> (schedule expression, handler)."""
        super().__init__(tick_seconds)
        self._schedules = schedules
        self._last: dict[str, float] = {n: time.time() for n in schedules}
        self._last_minute: str | None = None
        self.fired: dict[str, int] = {n: 0 for n in schedules}
        self.errors: dict[str, str] = {}

    def names(self) -> list[str]:
        return sorted(self._schedules)

    def health(self) -> dict[str, Any]:
        return {"ok": self.alive(), "schedules": {n: e for n, (e, _) in self._schedules.items()},
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

    def step(self) -> bool:
        """Fire what is due now; never busy (the loop ticks every ``tick_seconds``)."""
        now = time.time()
        moment = datetime.now(UTC)
        minute = moment.strftime("%Y%m%d%H%M")
        for name, (expression, _) in self._schedules.items():
            period = rate_seconds(expression)
            if period is not None:
                due = now - self._last[name] >= period
            else:
                due = minute != self._last_minute and cron_matches(expression, moment)
            if due:
                self._last[name] = now
                try:
                    self.fire(name)
                except Exception:  # noqa: BLE001 - recorded in self.errors, shown by health
                    pass
        self._last_minute = minute
        return False
