"""Confirming a citizen's contact before any message uses it: a code by SMS typed on the page, a
link by e-mail opened in a browser (the e-mail carries the code too, for a citizen who reads it on
another device).

1. ``start(taxid, email=... | mobile=...)``: unless the address is already the profile's verified
   one, a fresh 6-digit code (and, for e-mail, a 256-bit link token) replaces the citizen's
   pending verification of that channel (``ContactVerification``: only their hashes are kept) and
   goes out through the outbox (``notifications.enqueue``, kind ``contact.verify``).
2. ``confirm_code(taxid, channel, code)`` or ``confirm_link(link)``: the address becomes the
   profile's email or mobile, verified (its fingerprint, ``citizens.fingerprint``), and is chosen
   for messages (``notify_email``/``notify_sms``), in one transaction with the deletion of the
   verification, which is thus used once.
3. A citizen's own data: ``pending(taxid)`` lists what they are confirming (their data export),
   ``forget(taxid)`` deletes it (closing an account, before the profile's contacts are erased).

Limits (DESIGN invariant 7; ``platform/limits.py``, subjects kept only as HMACs):

- sends per citizen: a bucket of ``SEND_BURST`` (3 at once, then one each 2 minutes), and
  ``PER_CITIZEN`` (10) a day; sends to one address: ``PER_ADDRESS`` (5) a day, whoever asks;
  a refusal is 429 with ``Retry-After``;
- a code lives ``VALID_MINUTES`` (SMS 10, e-mail 60); ``MAX_ATTEMPTS`` (5) codes may be typed per
  verification, each counted with a conditional update before it is compared (two tabs typing at
  once cannot get more), after which only a new code helps.

Example::

    start("123456789", mobile="6912345678")              # {"channel": "sms", "sent": True, ...}
    confirm_code("123456789", "sms", "042917")           # the Citizen, mobile verified

Limitation: the outbox row of a code message keeps its text (with the code) like any message; a
code is worth nothing once used, replaced or expired, at most an hour after it was sent. Someone
who keeps asking for codes to another's number uses up that number's day (5 codes): the price of
capping what any one number can be sent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, ddb
from chalicelib.errors import Conflict, NotFound, TooManyRequests
from chalicelib.models.citizens import Citizen, ContactVerification
from chalicelib.services.platform import citizens, limits
from chalicelib.services.platform.sessions import signing_key
from chalicelib.settings import get_settings

KIND = "contact.verify"
CODE_DIGITS = 6
MAX_ATTEMPTS = 5
VALID_MINUTES = {"sms": 10, "email": 60}
KEEP_AFTER = timedelta(days=1)  # TTL after a verification's end (DynamoDB deletes lazily)
SEND_BURST = limits.Limit("contact_code", capacity=3, refill_seconds=120)
PER_CITIZEN = limits.Limit("contact_codes_by_citizen", capacity=10)
PER_ADDRESS = limits.Limit("contact_codes_to_address", capacity=5)
TEXTS = {
    "el": {
        "sms": "Δημότης: κωδικός επιβεβαίωσης κινητού {code}. Ισχύει {minutes} λεπτά.",
        "subject": "Επιβεβαίωση email για ενημερώσεις του Δήμου",
        "email": (
            "Για να λαμβάνετε σε αυτή τη διεύθυνση επιβεβαιώσεις και υπενθυμίσεις του Δήμου, "
            "ανοίξτε τον σύνδεσμο:\n\n{link}\n\nή πληκτρολογήστε στη σελίδα τον κωδικό {code}.\n"
            "Ισχύει {minutes} λεπτά. Αν δεν το ζητήσατε εσείς, αγνοήστε αυτό το μήνυμα."
        ),
    },
    "en": {
        "sms": "Dimotis: your mobile confirmation code is {code}. Valid for {minutes} minutes.",
        "subject": "Confirm your e-mail for the municipality's messages",
        "email": (
            "To get the municipality's confirmations and reminders at this address, open the "
            "link:\n\n{link}\n\nor type the code {code} on the page.\n"
            "It is valid for {minutes} minutes. If you did not ask for it, ignore this message."
        ),
    },
}


# -- names and hashes ------------------------------------------------------------------------------
def verification_id(taxid: str, channel: str) -> str:
    """One per citizen and channel; an HMAC, so the link names no tax number."""
    return hmac.new(
        signing_key().encode(), f"contact|{taxid}|{channel}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def _code_hash(vid: str, address: str, code: str) -> str:
    raw = f"code|{vid}|{address}|{code}".encode()
    return hmac.new(signing_key().encode(), raw, hashlib.sha256).hexdigest()


def _link_hash(token: str) -> str:
    return hashlib.sha256(f"link|{token}".encode()).hexdigest()


def mask(channel: str, address: str) -> str:
    """``m•••@example.gr``, ``+30691•••678``: enough to recognise one's own, not to reuse."""
    if channel == "email":
        name, _, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"{address[:6]}•••{address[-3:]}"


def _until_midnight(now: datetime) -> int:
    """Seconds to the next local midnight, when the daily allowances start again."""
    tomorrow = (clock.local(now) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))


# -- start ---------------------------------------------------------------------------------------
def start(
    taxid: str, *, email: str | None = None, mobile: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Send a code (and, for e-mail, a link) to confirm ``email`` or ``mobile`` (exactly one).
    Answers ``sent`` False, with nothing sent, when the address is already the verified one."""
    now = now or clock.utcnow()
    channel, address = (
        ("email", citizens.normalise_email(email)) if email else ("sms", citizens.normalise_mobile(mobile))
    )
    citizen = citizens.get(taxid)
    answer: dict[str, Any] = {"channel": channel, "address": address}
    if citizens.verified(citizen).get(channel) == address:
        return {**answer, "verified": True, "sent": False}
    _take_allowances(taxid, channel, address, now)
    vid = verification_id(taxid, channel)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    token = secrets.token_urlsafe(32) if channel == "email" else None
    valid_until = now + timedelta(minutes=VALID_MINUTES[channel])
    ContactVerification(
        vid,
        taxid=taxid,
        channel=channel,
        address=address,
        code_hash=_code_hash(vid, address, code),
        link_hash=_link_hash(token) if token else None,
        attempts=0,
        created_at=now,
        valid_until=valid_until,
        expires_at=valid_until + KEEP_AFTER,
    ).save()
    _send(citizen, channel, address, code, f"{vid}.{token}" if token else None, now)
    return {**answer, "verified": False, "sent": True, "expires_at": clock.iso(valid_until)}


def _take_allowances(taxid: str, channel: str, address: str, now: datetime) -> None:
    limits.take(SEND_BURST, taxid, now=now.timestamp())
    day = clock.local_day(now)
    for limit, subject in ((PER_CITIZEN, taxid), (PER_ADDRESS, f"{channel}|{address}")):
        if not limits.use_allowance(limit, subject, day, now=now.timestamp()):
            wait = _until_midnight(now)
            raise TooManyRequests(
                "Too many confirmation codes today; try again tomorrow.",
                code="too_many_codes",
                details={"limit": limit.name, "retry_after": wait},
                headers={"Retry-After": str(wait)},
            )


def sms_text(language: str, code: str) -> str:
    """The code's SMS in GSM 03.38, one part (``gsm7.fit``)."""
    from chalicelib.services.platform import gsm7

    return gsm7.fit(TEXTS[language]["sms"], {"code": code, "minutes": VALID_MINUTES["sms"]})


def _send(citizen: Citizen, channel: str, address: str, code: str, link: str | None, now: datetime) -> None:
    from chalicelib.services.platform import notifications  # on first send: not on every cold start

    language = citizen.language if citizen.language in TEXTS else "el"
    words = TEXTS[language]
    values = {"code": code, "minutes": VALID_MINUTES[channel]}
    source = f"contact#{verification_id(citizen.taxid, channel)}#{clock.iso_micro(now)}"
    if channel == "sms":
        notifications.enqueue(
            source=source,
            kind=KIND,
            channel="sms",
            recipient=address,
            body=sms_text(language, code),
            language=language,
        )
        return
    url = f"{get_settings().public_base_url}/verify.html#{link}"
    notifications.enqueue(
        source=source,
        kind=KIND,
        channel="email",
        recipient=address,
        subject=words["subject"],
        body=words["email"].format(link=url, **values),
        language=language,
    )


# -- confirm -------------------------------------------------------------------------------------
def _nothing_pending() -> NotFound:
    return NotFound("Nothing is being confirmed; ask for a new code.", code="no_verification")


def _pending(vid: str) -> ContactVerification:
    try:
        return ContactVerification.get(vid, consistent_read=True)
    except ContactVerification.DoesNotExist:
        raise _nothing_pending() from None


def confirm_code(taxid: str, channel: str, code: str, now: datetime | None = None) -> Citizen:
    """The citizen types the code they received; answers the profile with the contact verified.
    409 ``wrong_code`` (``attempts_left``), ``code_expired`` or ``too_many_attempts``; 404
    ``no_verification`` when none is pending (never started, used, or replaced)."""
    now = now or clock.utcnow()
    item = _pending(verification_id(taxid, channel))
    if item.taxid != taxid or item.channel != channel:
        raise _nothing_pending()
    if now > item.valid_until:
        raise Conflict("The code has expired; ask for a new one.", code="code_expired")
    _count_attempt(item)
    if not hmac.compare_digest(_code_hash(item.verification_id, item.address, code), item.code_hash):
        left = MAX_ATTEMPTS - int(item.attempts)
        if left <= 0:
            raise Conflict("Too many wrong codes; ask for a new one.", code="too_many_attempts")
        raise Conflict("The code is not right.", code="wrong_code", details={"attempts_left": left})
    return _verified(item, now)


def _count_attempt(item: ContactVerification) -> None:
    from pynamodb.exceptions import UpdateError

    try:
        item.update(
            actions=[ContactVerification.attempts.add(1)],
            condition=(ContactVerification.attempts < MAX_ATTEMPTS)
            & (ContactVerification.code_hash == item.code_hash),
        )
    except UpdateError as exc:
        if not ddb.condition_failed(exc):
            raise
        if _pending(item.verification_id).code_hash != item.code_hash:  # a new code replaced it
            raise Conflict("A new code was sent since; type that one.", code="code_replaced") from None
        raise Conflict("Too many wrong codes; ask for a new one.", code="too_many_attempts") from None


def confirm_link(link: str, now: datetime | None = None) -> dict[str, Any]:
    """The e-mail's link (``<verification id>.<token>``), opened in any browser: whoever holds it
    reads that mailbox. The address becomes verified on the profile of the citizen who asked."""
    now = now or clock.utcnow()
    vid, _, token = link.partition(".")
    item = _pending(vid)
    if (
        item.channel != "email"
        or not item.link_hash
        or not hmac.compare_digest(_link_hash(token), item.link_hash)
    ):
        raise NotFound("This link is not valid any more; ask for a new one.", code="no_verification")
    if now > item.valid_until:
        raise Conflict("The link has expired; ask for a new one.", code="code_expired")
    _verified(item, now)
    return {"channel": "email", "address": mask("email", item.address), "verified": True}


def _verified(item: ContactVerification, now: datetime) -> Citizen:
    """The address onto the profile, verified and chosen, with the verification used up: one
    transaction (a code used twice at once, or replaced meanwhile, fails its condition). Returns
    the profile as written."""
    citizen = citizens.get(item.taxid)
    channel, address = item.channel, item.address
    values = {
        **citizens.checked_contacts(citizen),
        citizens.ADDRESS[channel]: address,
        citizens.FINGERPRINT[channel]: citizens.fingerprint(channel, address),
        citizens.WANTED[channel]: True,
        "updated_at": now,
    }
    actions = [getattr(Citizen, name).set(value) for name, value in values.items()]

    def build(tx: ddb.Tx) -> None:
        tx.delete("verification", item, condition=ContactVerification.code_hash == item.code_hash)
        tx.update("citizen", Citizen(item.taxid), actions=actions, condition=Citizen.taxid.exists())

    try:
        ddb.transact(build)
    except ddb.TxBusy:
        raise Conflict("The profile is being changed right now; try again.", code="busy") from None
    except ddb.TxFailed as exc:
        if "verification" in exc.failed:
            raise _nothing_pending() from None
        raise NotFound("No profile for this session.", code="profile_not_found") from None
    for name, value in values.items():
        setattr(citizen, name, value)
    return citizen


# -- a citizen's own data (``citizen_account``: the export and closing an account) -----------------
def pending(taxid: str) -> list[dict[str, Any]]:
    """The contacts the citizen is confirming right now, for their data export: the address and
    until when (not the hashes: they are no data about the citizen, and a code must not leak)."""
    keys = [verification_id(taxid, channel) for channel in citizens.CHANNELS]
    return [
        {
            "channel": item.channel,
            "address": item.address,
            "attempts": int(item.attempts or 0),
            "created_at": clock.iso(item.created_at),
            "valid_until": clock.iso(item.valid_until),
        }
        for item in sorted(ContactVerification.batch_get(keys), key=lambda i: i.channel)
        if item.taxid == taxid
    ]


def forget(taxid: str) -> None:
    """Delete the citizen's pending verifications. Closing an account calls it before erasing the
    profile's contacts: a code or a link used afterwards then finds nothing to confirm (a
    confirmation already under way fails its transaction's condition on the deleted item) and
    cannot put an address back on the profile."""
    for channel in citizens.CHANNELS:
        ContactVerification(verification_id(taxid, channel)).delete()
