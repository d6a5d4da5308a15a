"""A ticket's mobile lives one day: erased at the end of the ticket's day, served or not.

A mobile is kept only to send "you are next" and "proceed to counter N". Finishing a ticket removes
it (``calls.py``); a ticket never finished (the office closed with people waiting, a ticket taken
and abandoned) would keep it for ever. So every ticket that holds a mobile also holds
``mobile_day``, its day, and is in the sparse index ``by_mobile_day`` (keys only); the
``queue_erase_mobiles`` schedule (every 15 minutes) Queries the index for each past day of the
last ``LOOKBACK_DAYS`` and removes ``mobile`` and ``mobile_day`` from each ticket found, on the
condition that it still holds that day's mobile. Nothing is scanned; a day with no mobiles costs
one empty Query. The ticket's stream record of the change sends nothing (its status is unchanged).

The schedule runs every 15 minutes rather than once at midnight, so a missed run is made up by the
next; "the end of its day" is the ticket's local day (``Europe/Athens``), so a ticket taken at
23:50 loses its mobile in the first run after midnight.

Also here, for a citizen's own data (``platform/citizen_account.py``): the tickets of their
appointments, found by the ticket id each check-in derives from the appointment id, and their
mobiles erased at once when the citizen closes their account.

Example::

    erase_day_mobiles()                    # {"days": 7, "erased": 12}
    tickets_of_appointments(["ap-1"])      # [QueueTicket(...)] for those checked in

Limitation: a day more than ``LOOKBACK_DAYS`` in the past is not looked at again: if the schedule
stopped for longer than that, erase older days with ``erase_day_mobiles(lookback_days=N)``
(``python manage.py fire queue_erase_mobiles`` runs the usual lookback).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock, ddb
from chalicelib.models.queue import QueueTicket
from chalicelib.services.live_queue.checkin import ticket_id_for

LOOKBACK_DAYS = 7


def erase_day_mobiles(now: datetime | None = None, lookback_days: int = LOOKBACK_DAYS) -> dict[str, int]:
    """Remove the mobile of every ticket of the past ``lookback_days`` days (today excluded)."""
    today = clock.local(now or clock.utcnow()).date()
    erased = 0
    for back in range(1, lookback_days + 1):
        day = (today - timedelta(days=back)).isoformat()
        for key in QueueTicket.by_mobile_day.query(day):
            erased += erase_mobile(key.ticket_id, day)
    return {"days": lookback_days, "erased": erased}


def erase_mobile(ticket_id: str, day: str) -> bool:
    """Remove one ticket's mobile if it still holds that day's; False when it no longer did."""
    try:
        QueueTicket(ticket_id).update(
            actions=[QueueTicket.mobile.remove(), QueueTicket.mobile_day.remove()],
            condition=QueueTicket.mobile_day == day,
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return False  # finished meanwhile (its mobile went with it), or gone
        raise
    return True


def tickets_of_appointments(appointment_ids: list[str]) -> list[QueueTicket]:
    """The queue tickets of these appointments (those that were checked in), read together."""
    ids = [ticket_id_for(a) for a in appointment_ids]
    found: list[Any] = list(QueueTicket.batch_get(ids)) if ids else []
    return sorted(found, key=lambda t: t.issued_at)


def erase_ticket_mobiles(tickets: list[QueueTicket]) -> int:
    """Erase now the mobiles these tickets still hold (their citizen closed the account)."""
    return sum(erase_mobile(t.ticket_id, t.mobile_day) for t in tickets if t.mobile_day)
