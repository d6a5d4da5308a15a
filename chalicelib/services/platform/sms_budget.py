"""The deployment's monthly SMS budget (DESIGN invariant 7), in SMS parts, counted in DynamoDB.

``DIMOTIS_SMS_MONTHLY_PARTS`` parts a month (UTC month, as the SNS spend limit; ``0`` turns SMS
off). The sender takes a message's parts from the month with one conditional ADD before the
provider call (``reserve``: never over the budget, however many senders run at once) and gives
them back when the call proved that nothing was sent (``release``). Once the budget is spent, SMS
stop: rows are written ``over_budget`` (``spent()``), e-mail and the web pages carry on.

The administrators (active employees with the ``admin`` role) are told by e-mail, once a month
each: when ``DIMOTIS_SMS_BUDGET_WARN_PERCENT`` (default 80) of the budget is used, and when it is
spent (a conditional ADD to ``warned`` elects the one sender that writes the e-mails; the outbox
key keeps them to one per administrator). The delivery page shows the month (``status()``).

Example::

    if reserve(2):      # False: the month's budget has no room for these 2 parts
        ...send...

Limitation: parts are what GSM-7/UCS-2 segmentation says (``gsm7.parts``), not the provider's
bill; set the budget below the SNS account's monthly spend limit divided by the price of a part.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import ddb
from chalicelib.clock import utcnow
from chalicelib.log import logger
from chalicelib.models.sms_budget import SmsMonth
from chalicelib.settings import get_settings

KEEP_DAYS = 400
WARNINGS = {
    "near": (
        "Το όριο SMS του μήνα πλησιάζει",
        "The month's SMS budget is nearly used",
        "Χρησιμοποιήθηκαν {parts} από {budget} μέρη SMS του {month}.",
        "{parts} of the {budget} SMS parts of {month} are used.",
    ),
    "spent": (
        "Το όριο SMS του μήνα εξαντλήθηκε: τα SMS σταμάτησαν",
        "The month's SMS budget is spent: SMS have stopped",
        "Τα {budget} μέρη SMS του {month} εξαντλήθηκαν. Δεν στέλνονται άλλα SMS ως το τέλος του μήνα· "
        "τα e-mail και οι σελίδες συνεχίζουν. Αυξήστε το DIMOTIS_SMS_MONTHLY_PARTS αν χρειάζεται.",
        "The {budget} SMS parts of {month} are spent. No more SMS go out until the month ends; e-mail "
        "and the web pages carry on. Raise DIMOTIS_SMS_MONTHLY_PARTS if needed.",
    ),
}


def month_of(now: datetime | None = None) -> str:
    return (now or utcnow()).strftime("%Y-%m")


def _month(now: datetime | None) -> SmsMonth:
    return SmsMonth(month_of(now))


def _read(now: datetime | None = None) -> SmsMonth | None:
    try:
        return SmsMonth.get(month_of(now), consistent_read=True)
    except SmsMonth.DoesNotExist:
        return None


def spent(now: datetime | None = None) -> bool:
    """Whether the month's budget has no part left."""
    budget = get_settings().sms_monthly_parts
    if budget <= 0:
        return True
    item = _read(now)
    return item is not None and int(item.parts or 0) >= budget


def reserve(parts: int, now: datetime | None = None) -> bool:
    """Take ``parts`` from the month's budget; ``False`` (nothing taken, the administrators warned
    once) when they do not fit."""
    settings = get_settings()
    budget = settings.sms_monthly_parts
    item = _month(now)
    expires = (now or utcnow()) + timedelta(days=KEEP_DAYS)
    if not _take(item, parts, budget, expires):
        _warn("spent", item, now)
        return False
    used = int(item.parts)
    if used >= budget:
        _warn("spent", item, now)
    elif used >= budget * settings.sms_budget_warn_percent / 100:
        _warn("near", item, now)
    return True


def _take(item: SmsMonth, parts: int, budget: int, expires: datetime) -> bool:
    if parts > budget:
        return False
    try:
        item.update(
            actions=[SmsMonth.parts.add(parts), SmsMonth.expires_at.set(expires)],
            condition=SmsMonth.parts.does_not_exist() | (SmsMonth.parts <= budget - parts),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return False
        raise
    return True


def release(parts: int, now: datetime | None = None) -> None:
    """Give back ``parts`` a send did not use (the call proved nothing was sent)."""
    _month(now).update(actions=[SmsMonth.parts.add(-parts)])


def status(now: datetime | None = None) -> dict[str, Any]:
    """The month as the delivery page shows it."""
    budget = get_settings().sms_monthly_parts
    item = _read(now)
    used = int(item.parts or 0) if item else 0
    return {
        "month": month_of(now),
        "budget_parts": budget,
        "used_parts": used,
        "near": used >= budget * get_settings().sms_budget_warn_percent / 100,
        "spent": budget <= 0 or used >= budget,
    }


def _warn(kind: str, item: SmsMonth, now: datetime | None) -> None:
    """Tell the administrators once a month that the budget is ``near`` or ``spent``."""
    try:
        item.update(actions=[SmsMonth.warned.add({kind})], condition=~SmsMonth.warned.contains(kind))
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return
        raise
    from chalicelib.models.org import ROSTER, Employee
    from chalicelib.services.platform.notifications import enqueue

    month = month_of(now)
    budget = get_settings().sms_monthly_parts
    subject_el, subject_en, text_el, text_en = WARNINGS[kind]
    values = {"parts": int(item.parts or 0), "budget": budget, "month": month}
    admins = [
        e for e in Employee.by_roster.query(ROSTER, filter_condition=Employee.role == "admin") if e.active and e.email
    ]
    logger().warning("sms budget warning", extra={"warning": kind, "month": month, "admins": len(admins)})
    for admin in admins:
        enqueue(
            source=f"sms_budget#{month}#{kind}",
            kind="sms_budget.warning",
            channel="email",
            recipient=admin.email,
            subject=f"{subject_el} / {subject_en}",
            body=f"{text_el.format(**values)}\n\n{text_en.format(**values)}\n",
        )
