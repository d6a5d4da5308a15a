"""Demo citizens' profiles: two of the stand-in Taxisnet's taxpayers with contacts already
confirmed (as after a confirmation by code or link), so their bookings and requests are confirmed
by email and SMS at once; the other two start with an empty profile, to try confirming a contact.
Idempotent: a profile that exists is left as it is (a citizen's changes survive a re-seed)."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib import ddb
from chalicelib.models.citizens import Citizen
from chalicelib.services.platform.citizens import fingerprint
from devstack.taxisnet import TEST_TAXPAYERS

# taxid -> (email, mobile), both confirmed; the profile asks for messages on each one given
CONTACTS = {
    "123456789": ("maria@demo.dimotis.gr", "+306900000101"),
    "987654321": ("giannis@demo.dimotis.gr", None),
}


def seed() -> dict[str, int]:
    made = 0
    for person in TEST_TAXPAYERS:
        if person["taxid"] not in CONTACTS:
            continue
        email, mobile = CONTACTS[person["taxid"]]
        citizen = Citizen(
            person["taxid"],
            userid=person["userid"],
            first_name=person["firstname"],
            last_name=person["lastname"],
            father_name=person["fathername"],
            mother_name=person["mothername"],
            birth_year=int(person["birthyear"]),
            email=email,
            mobile=mobile,
            email_verified=fingerprint("email", email) if email else None,
            mobile_verified=fingerprint("sms", mobile) if mobile else None,
            contacts_checked=True,
            notify_email=bool(email),
            notify_sms=bool(mobile),
        )
        try:
            citizen.save(condition=Citizen.taxid.does_not_exist())
            made += 1
        except PutError as exc:
            if not ddb.condition_failed(exc):
                raise
    return {"citizens": made}
