"""The local scheduler reads EventBridge's rate and cron expressions and fires scheduled events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from devstack.scheduler import Scheduler, cron_matches, rate_seconds


def _a_sunday_at_21() -> datetime:
    """The latest Sunday at 21:00 UTC (any Sunday would do)."""
    today = datetime.now(UTC).replace(hour=21, minute=0, second=0, microsecond=0)
    return today - timedelta(days=(today.weekday() + 1) % 7)


def test_rate_and_cron_expressions():
    # GIVEN a Sunday at 21:00 UTC
    at = _a_sunday_at_21()
    assert at.weekday() == 6
    # THEN rates are read in seconds and cron expressions match as EventBridge's do
    assert rate_seconds("rate(15 minutes)") == 900
    assert rate_seconds("rate(1 hour)") == 3600
    assert rate_seconds("cron(0 21 * * ? *)") is None
    assert cron_matches("cron(0 21 * * ? *)", at)
    assert not cron_matches("cron(5 21 * * ? *)", at)
    assert cron_matches("cron(0/15 * * * ? *)", at)
    assert cron_matches("cron(0 21 ? * 1 *)", at)  # 1 = Sunday in EventBridge
    assert not cron_matches("cron(0 21 ? * 2-6 *)", at)


def test_scheduler_fire_passes_a_scheduled_event():
    # GIVEN a schedule; WHEN it is fired by name
    got = []
    scheduler = Scheduler({"send_reminders": ("rate(15 minutes)", lambda e, c: got.append(e) or "done")})
    # THEN its handler got a scheduled event, and the firing is counted
    assert scheduler.fire("send_reminders") == "done"
    assert got[0]["detail-type"] == "Scheduled Event"
    assert scheduler.fired["send_reminders"] == 1
