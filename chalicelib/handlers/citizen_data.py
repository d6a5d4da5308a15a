"""Citizens: their own data, downloaded (everything the municipality holds about them), and
closing their account (``services/platform/citizen_account.py``)."""

from chalice import Blueprint, Response

from chalicelib.auth import clear_cookie, require_citizen
from chalicelib.openapi import json_response, op
from chalicelib.schemas.citizen_data import CLOSE, CLOSED, MY_DATA
from chalicelib.services.platform import citizen_account, sessions
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


@bp.route("/api/me/data", methods=["GET"])
def my_data():
    return citizen_account.export_data(require_citizen(bp.current_request))


@bp.route("/api/me/close", methods=["POST"])
def close_my_account():
    session = require_citizen(bp.current_request)
    validate(json_body(bp.current_request), CLOSE)
    done = citizen_account.close_account(session)
    return Response(body=done, status_code=200, headers={"Set-Cookie": clear_cookie(sessions.COOKIE)})


OPENAPI = {
    "/api/me/data": {
        "get": op(
            "Everything the municipality holds about me: profile, contact choices, appointments, queue "
            "tickets, requests with their public timelines, follows (at most 1000 of each; audited)",
            "citizen data",
            auth="citizen",
            responses={"200": json_response(MY_DATA)},
        )
    },
    "/api/me/close": {
        "post": op(
            "Close my account: appointments to come cancelled and all anonymised, requests kept under "
            "their protocol number without me, follows and profile deleted, signed out (audited)",
            "citizen data",
            auth="citizen",
            body=CLOSE,
            responses={"200": json_response(CLOSED)},
        )
    },
}
