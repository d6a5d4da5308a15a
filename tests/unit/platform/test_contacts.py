"""Confirming a contact (``services/platform/contacts.py``): a code by SMS, a link (and the code) by
e-mail, through the outbox; codes hashed at rest, short-lived, a bounded number of tries; sends
limited per citizen and per address; a citizen confirms only their own; and the migration rule
for profiles from before verification."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import Conflict, NotFound, TooManyRequests
from chalicelib.models.citizens import Citizen, ContactVerification
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.platform import citizens, contacts, notifications
from tests.conftest import bearer

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday, 08:00 in Athens
A, B = "123456789", "987654321"
MOBILE = "+306912345678"


@pytest.fixture
def maria(aws):
    """A citizen who signed in after verification existed, with nothing on her profile."""
    Citizen(A, first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ", contacts_checked=True).save()
    Citizen(B, first_name="ΓΙΑΝΝΗΣ", last_name="ΝΙΚΟΛΑΟΥ", contacts_checked=True).save()


def _messages(recipient: str) -> list[OutboxMessage]:
    return [m for m in OutboxMessage.scan() if m.recipient == recipient and m.kind == contacts.KIND]


def _code(recipient: str) -> str:
    """The code in the newest confirmation message to ``recipient``."""
    newest = max(_messages(recipient), key=lambda m: m.created_key)
    return re.search(r"\b(\d{6})\b", newest.body).group(1)


def _link(recipient: str) -> str:
    newest = max(_messages(recipient), key=lambda m: m.created_key)
    return re.search(r"/verify\.html#(\S+)", newest.body).group(1)


def test_a_mobile_is_confirmed_with_the_code_sent_by_sms(maria):
    # GIVEN Maria asks to confirm her mobile, typed the Greek way
    answer = contacts.start(A, mobile="691 234 5678".replace(" ", ""), now=NOW)
    # THEN one SMS with a 6-digit code goes through the outbox to the number with +30
    assert answer == {
        "channel": "sms",
        "address": MOBILE,
        "verified": False,
        "sent": True,
        "expires_at": "2026-11-23T06:10:00Z",
    }
    [sms] = _messages(MOBILE)
    assert sms.channel == "sms" and len(sms.body) <= 70  # one SMS part even in UCS-2
    code = _code(MOBILE)
    # AND the code is kept only as a hash
    stored = ContactVerification.get(contacts.verification_id(A, "sms"))
    assert code not in str(stored.attribute_values)
    # WHEN she types it
    citizen = contacts.confirm_code(A, "sms", code, now=NOW + timedelta(minutes=3))
    # THEN the number is her verified mobile, chosen for messages; the verification is used up
    assert citizen.mobile == MOBILE and citizen.notify_sms is True
    assert citizens.verified(citizen) == {"sms": MOBILE}
    assert citizens.public(citizen)["mobile_verified"] is True
    with pytest.raises(NotFound) as again:
        contacts.confirm_code(A, "sms", code, now=NOW + timedelta(minutes=4))
    assert again.value.code == "no_verification"


def test_an_email_is_confirmed_by_its_link_in_any_browser_or_by_its_code(maria):
    # GIVEN Maria asks to confirm two addresses, one after the other
    contacts.start(A, email="Maria@Example.gr", now=NOW)
    [mail] = _messages("maria@example.gr")
    assert mail.channel == "email" and "http://localhost:8000/verify.html#" in mail.body
    link = _link("maria@example.gr")
    # WHEN the link is opened (no session needed: it was sent to that mailbox)
    answer = contacts.confirm_link(link, now=NOW + timedelta(minutes=30))
    # THEN the address is her verified email; the answer shows it masked
    assert answer == {"channel": "email", "address": "m•••@example.gr", "verified": True}
    assert citizens.verified(Citizen.get(A)) == {"email": "maria@example.gr"}
    # AND the link works once
    with pytest.raises(NotFound):
        contacts.confirm_link(link, now=NOW + timedelta(minutes=31))
    # WHEN she confirms another address by typing the code of its e-mail instead
    contacts.start(A, email="maria.new@example.gr", now=NOW + timedelta(minutes=40))
    contacts.confirm_code(A, "email", _code("maria.new@example.gr"), now=NOW + timedelta(minutes=41))
    # THEN that one replaces the first
    assert citizens.verified(Citizen.get(A)) == {"email": "maria.new@example.gr"}


def test_a_wrong_link_or_an_expired_one_is_refused(maria):
    contacts.start(A, email="maria@example.gr", now=NOW)
    vid, _, token = _link("maria@example.gr").partition(".")
    with pytest.raises(NotFound):
        contacts.confirm_link(f"{vid}.{'x' * len(token)}", now=NOW)
    with pytest.raises(Conflict) as late:
        contacts.confirm_link(f"{vid}.{token}", now=NOW + timedelta(minutes=61))
    assert late.value.code == "code_expired"
    assert citizens.verified(Citizen.get(A)) == {}


def test_wrong_codes_are_counted_and_five_void_the_verification(maria):
    contacts.start(A, mobile=MOBILE, now=NOW)
    code = _code(MOBILE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # WHEN four wrong codes are typed THEN each says how many tries are left
    for left in (4, 3, 2, 1):
        with pytest.raises(Conflict) as refused:
            contacts.confirm_code(A, "sms", wrong, now=NOW)
        assert (refused.value.code, refused.value.details) == ("wrong_code", {"attempts_left": left})
    # AND the fifth wrong one voids it: even the right code no longer works
    with pytest.raises(Conflict) as fifth:
        contacts.confirm_code(A, "sms", wrong, now=NOW)
    assert fifth.value.code == "too_many_attempts"
    with pytest.raises(Conflict) as right:
        contacts.confirm_code(A, "sms", code, now=NOW)
    assert right.value.code == "too_many_attempts"
    # WHEN a new code is sent THEN it works
    contacts.start(A, mobile=MOBILE, now=NOW + timedelta(minutes=1))
    assert contacts.confirm_code(A, "sms", _code(MOBILE), now=NOW + timedelta(minutes=2)).mobile == MOBILE


def test_a_code_lives_ten_minutes_and_a_new_one_replaces_it(maria):
    contacts.start(A, mobile=MOBILE, now=NOW)
    first = _code(MOBILE)
    with pytest.raises(Conflict) as late:
        contacts.confirm_code(A, "sms", first, now=NOW + timedelta(minutes=10, seconds=1))
    assert late.value.code == "code_expired"
    contacts.start(A, mobile=MOBILE, now=NOW + timedelta(minutes=11))
    second = _code(MOBILE)
    if second != first:  # one in a million they are the same
        with pytest.raises(Conflict) as replaced:
            contacts.confirm_code(A, "sms", first, now=NOW + timedelta(minutes=12))
        assert replaced.value.code == "wrong_code"
    assert contacts.confirm_code(A, "sms", second, now=NOW + timedelta(minutes=12)).mobile == MOBILE


def test_sends_are_limited_per_citizen_and_per_address(maria, aws):
    # GIVEN a citizen who asks for three codes at once
    for n in range(3):
        contacts.start(A, mobile=MOBILE, now=NOW + timedelta(seconds=n))
    # WHEN a fourth follows at once THEN 429 with Retry-After, and nothing more is sent
    with pytest.raises(TooManyRequests) as burst:
        contacts.start(A, mobile=MOBILE, now=NOW + timedelta(seconds=3))
    assert burst.value.code == "rate_limited" and int(burst.value.headers["Retry-After"]) > 0
    assert len(_messages(MOBILE)) == 3
    # AND one number gets at most five codes a day, whoever asks for them
    for n, taxid in enumerate(("700000011", "700000012")):
        Citizen(taxid, first_name="Α", last_name="Β", contacts_checked=True).save()
        contacts.start(taxid, mobile=MOBILE, now=NOW + timedelta(minutes=5 + n))
    with pytest.raises(TooManyRequests) as daily:
        Citizen("700000013", first_name="Α", last_name="Β", contacts_checked=True).save()
        contacts.start("700000013", mobile=MOBILE, now=NOW + timedelta(minutes=9))
    assert daily.value.code == "too_many_codes"
    assert int(daily.value.headers["Retry-After"]) == 16 * 3600 - 9 * 60  # until midnight in Athens
    assert len(_messages(MOBILE)) == 5


def test_an_address_already_verified_sends_nothing(maria):
    contacts.start(A, mobile=MOBILE, now=NOW)
    contacts.confirm_code(A, "sms", _code(MOBILE), now=NOW)
    answer = contacts.start(A, mobile="00306912345678", now=NOW + timedelta(minutes=1))
    assert answer == {"channel": "sms", "address": MOBILE, "verified": True, "sent": False}
    assert len(_messages(MOBILE)) == 1


def test_a_citizen_confirms_only_their_own_verification(maria):
    # GIVEN Maria's code on its way to her mobile
    contacts.start(A, mobile=MOBILE, now=NOW)
    code = _code(MOBILE)
    # WHEN Giannis types Maria's code THEN nothing is pending for him, and Maria's profile is untouched
    with pytest.raises(NotFound):
        contacts.confirm_code(B, "sms", code, now=NOW)
    assert citizens.verified(Citizen.get(B)) == {} and Citizen.get(B).mobile is None
    # AND Maria's code still works for her
    assert contacts.confirm_code(A, "sms", code, now=NOW).mobile == MOBILE


# -- the profile: changes and the migration rule ------------------------------------------------
def test_a_profile_from_before_verification_keeps_its_contacts_verified_until_changed(aws):
    # GIVEN a profile written before verification existed (no contacts_checked)
    Citizen(A, first_name="Μ", last_name="Π", email="maria@example.gr", mobile=MOBILE).save()
    # THEN its contacts count as verified
    assert citizens.verified(Citizen.get(A)) == {"email": "maria@example.gr", "sms": MOBILE}
    # WHEN she changes her email on the profile
    changed = citizens.update(A, {"email": "other@example.gr"})
    # THEN the new email is not verified, the mobile still is, and the profile records it so
    assert citizens.verified(changed) == {"sms": MOBILE}
    stored = Citizen.get(A)
    assert stored.contacts_checked is True and stored.mobile_verified == citizens.fingerprint("sms", MOBILE)
    # AND going back to the email confirmed last needs no new confirmation
    back = citizens.update(A, {"email": "maria@example.gr"})
    assert citizens.verified(back) == {"email": "maria@example.gr", "sms": MOBILE}


def test_a_contact_changed_by_any_path_is_no_longer_verified(maria):
    contacts.start(A, mobile=MOBILE, now=NOW)
    contacts.confirm_code(A, "sms", _code(MOBILE), now=NOW)
    citizen = Citizen.get(A)
    citizen.mobile = "+306900000000"  # e.g. written by some other code
    citizen.save()
    assert citizens.verified(Citizen.get(A)) == {}


# -- where messages go --------------------------------------------------------------------------
def test_notices_go_only_to_verified_contacts_on_the_chosen_channels(maria):
    # GIVEN Maria with a verified mobile and an email typed on the profile but never confirmed
    citizens.update(A, {"email": "maria@example.gr", "notify_email": True})
    contacts.start(A, mobile=MOBILE, now=NOW)
    contacts.confirm_code(A, "sms", _code(MOBILE), now=NOW)
    citizen = Citizen.get(A)

    def send(source, chosen):
        return notifications.notify_citizen(citizen, source=source, kind="k", text="t", force_channels=chosen)

    # WHEN notices are sent with the profile's choices, with both channels, with none
    # THEN only the verified mobile is used, and nothing when none was chosen
    assert send("n#1", None) == 1
    assert send("n#2", ["email", "sms"]) == 1
    assert send("n#3", []) == 0
    assert send("n#4", ["email"]) == 0
    recipients = {(m.recipient, m.source) for m in OutboxMessage.scan() if m.kind == "k"}
    assert recipients == {(MOBILE, "n#1"), (MOBILE, "n#2")}


# -- over HTTP ------------------------------------------------------------------------------------
def _post(client, path, token, body):
    headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
    return client.http.post(path, headers=headers, body=json.dumps(body))


def test_the_routes_start_confirm_and_open_the_link(client, make_citizen):
    token = make_citizen(A)
    # WHEN she asks for a code for her mobile THEN 202, sent
    started = _post(client, "/api/me/contacts/verifications", token, {"mobile": "6912345678"})
    assert started.status_code == 202 and started.json_body["sent"] is True
    # AND one address at a time: both or none is a 400 naming the rule
    both = _post(client, "/api/me/contacts/verifications", token, {"mobile": "6912345678", "email": "a@b.gr"})
    assert both.status_code == 400
    # WHEN she types a wrong code and then the right one
    wrong = f"{(int(_code(MOBILE)) + 1) % 10**6:06d}"
    refused = _post(
        client, "/api/me/contacts/verifications/confirm", token, {"channel": "sms", "code": wrong}
    )
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "wrong_code"
    body = {"channel": "sms", "code": _code(MOBILE)}
    confirmed = _post(client, "/api/me/contacts/verifications/confirm", token, body)
    # THEN the answer is her profile with the mobile verified
    assert confirmed.status_code == 200
    assert confirmed.json_body["mobile"] == MOBILE and confirmed.json_body["mobile_verified"] is True
    # WHEN she asks for the same number again THEN 200, nothing sent
    again = _post(client, "/api/me/contacts/verifications", token, {"mobile": MOBILE})
    assert again.status_code == 200 and again.json_body == {
        "channel": "sms",
        "address": MOBILE,
        "verified": True,
        "sent": False,
    }
    # WHEN an e-mail link is opened without any session THEN the email is verified on her profile
    _post(client, "/api/me/contacts/verifications", token, {"email": "maria@example.gr"})
    opened = _post(client, "/api/contacts/confirm-link", None, {"link": _link("maria@example.gr")})
    assert opened.status_code == 200 and opened.json_body["address"] == "m•••@example.gr"
    me = client.http.get("/api/me", headers=bearer(token)).json_body
    assert (me["email"], me["email_verified"], me["notify_email"]) == ("maria@example.gr", True, True)
    # AND a signed-out caller cannot start or type codes
    assert _post(client, "/api/me/contacts/verifications", None, {"mobile": MOBILE}).status_code == 401


# -- a citizen's own data -------------------------------------------------------------------------
def test_what_a_citizen_is_confirming_is_in_their_data_and_forgotten_when_they_close(maria):
    # GIVEN Maria is confirming a mobile and an email, and Giannis a mobile
    contacts.start(A, mobile="6912345678", now=NOW)
    contacts.start(A, email="maria@example.gr", now=NOW)
    contacts.start(B, mobile="6987654321", now=NOW)
    # THEN her data lists both addresses with until when, and no hash or code
    held = contacts.pending(A)
    assert [(p["channel"], p["address"], p["valid_until"]) for p in held] == [
        ("email", "maria@example.gr", "2026-11-23T07:00:00Z"),
        ("sms", MOBILE, "2026-11-23T06:10:00Z"),
    ]
    assert _code(MOBILE) not in json.dumps(held) and "hash" not in json.dumps(held)
    link, code = _link("maria@example.gr"), _code(MOBILE)
    # WHEN her account is being closed, her verifications forgotten first
    contacts.forget(A)
    # THEN nothing of hers is pending, and neither her code nor her link puts an address back
    assert contacts.pending(A) == []
    with pytest.raises(NotFound):
        contacts.confirm_code(A, "sms", code, now=NOW + timedelta(minutes=1))
    with pytest.raises(NotFound):
        contacts.confirm_link(link, now=NOW + timedelta(minutes=1))
    assert citizens.verified(Citizen.get(A)) == {}
    # AND Giannis's stays (forgetting again is harmless)
    contacts.forget(A)
    assert [p["address"] for p in contacts.pending(B)] == ["+306987654321"]
