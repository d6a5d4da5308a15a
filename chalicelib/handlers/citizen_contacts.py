"""Citizens: confirming an e-mail address or a mobile number before messages use it (a code by
SMS, a link by e-mail; ``services/platform/contacts.py``)."""

from chalice import Blueprint, Response

from chalicelib.auth import require_citizen
from chalicelib.openapi import json_response, op
from chalicelib.schemas.contacts import CONFIRM, LINK, LINK_CONFIRMED, START, STARTED
from chalicelib.schemas.identity import PROFILE
from chalicelib.services.platform import citizens, contacts
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


@bp.route("/api/me/contacts/verifications", methods=["POST"])
def contact_verification_start():
    request = bp.current_request
    session = require_citizen(request)
    answer = contacts.start(session.taxid, **validate(json_body(request), START))
    return Response(body=answer, status_code=202 if answer["sent"] else 200)


@bp.route("/api/me/contacts/verifications/confirm", methods=["POST"])
def contact_verification_confirm():
    request = bp.current_request
    session = require_citizen(request)
    body = validate(json_body(request), CONFIRM)
    return citizens.public(contacts.confirm_code(session.taxid, body["channel"], body["code"]))


@bp.route("/api/contacts/confirm-link", methods=["POST"])
def contact_link_confirm():
    return contacts.confirm_link(validate(json_body(bp.current_request), LINK)["link"])


OPENAPI = {
    "/api/me/contacts/verifications": {
        "post": op(
            "Confirm an e-mail address or a mobile number of mine: a code by SMS, a link (and the code) by "
            "e-mail; at most 3 at once then one each 2 minutes, 10 a day, 5 a day to one address (429 "
            "rate_limited or too_many_codes, with Retry-After)",
            "contacts",
            auth="citizen",
            body=START,
            responses={
                "202": json_response(STARTED, "Sent: type the code, or open the e-mail's link"),
                "200": json_response(STARTED, "Already my verified contact: nothing sent"),
            },
            errors=(404, 429),
        )
    },
    "/api/me/contacts/verifications/confirm": {
        "post": op(
            "Type the code received: the address becomes my verified email or mobile (409 wrong_code with "
            "attempts_left, code_expired, code_replaced or too_many_attempts; 404 no_verification)",
            "contacts",
            auth="citizen",
            body=CONFIRM,
            responses={"200": json_response(PROFILE)},
            errors=(404, 409),
        )
    },
    "/api/contacts/confirm-link": {
        "post": op(
            "Open the e-mail's link (no sign-in needed: the link was sent to that mailbox): the address "
            "becomes the verified email of the citizen who asked (404 no_verification, 409 code_expired)",
            "contacts",
            body=LINK,
            responses={"200": json_response(LINK_CONFIRMED)},
            errors=(404, 409),
        )
    },
}
