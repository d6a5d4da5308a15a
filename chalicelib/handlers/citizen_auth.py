"""Citizens: Taxisnet sign-in, the session cookie, the profile."""

import base64
import hmac
import secrets

from chalice import Blueprint, Response

from chalicelib.auth import clear_cookie, cookie, cookies, require_citizen
from chalicelib.errors import BadRequest, Forbidden
from chalicelib.openapi import json_response, op, query_param
from chalicelib.services.platform import citizens, sessions, taxisnet
from chalicelib.settings import get_settings
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)

STATE_COOKIE = "dimotis_oauth"
STATE_PATH = "/api/auth/taxisnet"


def _secure() -> bool:
    return get_settings().public_base_url.startswith("https://")


def _safe_next(value: str | None) -> str:
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value[:300]


@bp.route("/api/auth/taxisnet/login", methods=["GET"])
def taxisnet_login():
    request = bp.current_request
    state = secrets.token_urlsafe(24)
    next_path = _safe_next((request.query_params or {}).get("next"))
    packed = f"{state}.{base64.urlsafe_b64encode(next_path.encode()).decode().rstrip('=')}"
    return Response(
        body="",
        status_code=302,
        headers={
            "Location": taxisnet.authorize_url(state),
            "Set-Cookie": cookie(STATE_COOKIE, packed, max_age=600, path=STATE_PATH, secure=_secure()),
        },
    )


@bp.route("/api/auth/taxisnet/callback", methods=["GET"])
def taxisnet_callback():
    request = bp.current_request
    params = request.query_params or {}
    packed = cookies(request).get(STATE_COOKIE, "")
    expected, _, next_b64 = packed.partition(".")
    given = params.get("state", "")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Forbidden("The sign-in state does not match; start again.", code="invalid_state")
    if params.get("error"):
        raise BadRequest("Taxisnet sign-in was cancelled.", code="taxisnet_cancelled")
    code = params.get("code")
    if not code:
        raise BadRequest("The sign-in code is missing.", code="missing_code")
    user = taxisnet.fetch_userinfo(taxisnet.exchange_code(code))
    citizen = citizens.sign_in(user)
    token, exp = sessions.issue(citizen.taxid, f"{citizen.first_name} {citizen.last_name}")
    try:
        next_path = base64.urlsafe_b64decode(next_b64 + "=" * (-len(next_b64) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        next_path = "/"
    ttl = get_settings().session_ttl_seconds
    return Response(
        body="",
        status_code=302,
        headers={
            "Location": _safe_next(next_path),
            "Set-Cookie": [
                cookie(sessions.COOKIE, token, max_age=ttl, secure=_secure()),
                clear_cookie(STATE_COOKIE, STATE_PATH),
            ],
        },
    )


@bp.route("/api/auth/logout", methods=["POST"])
def logout():
    session = require_citizen(bp.current_request)
    sessions.revoke(session)
    return Response(
        body={"signed_out": True},
        status_code=200,
        headers={"Set-Cookie": clear_cookie(sessions.COOKIE)},
    )


@bp.route("/api/me", methods=["GET"])
def get_me():
    session = require_citizen(bp.current_request)
    return {**citizens.public(citizens.get(session.taxid)), "session_expires_at": session.expires_at}


@bp.route("/api/me", methods=["PUT"])
def put_me():
    request = bp.current_request
    session = require_citizen(request)
    changes = validate(json_body(request), citizens.PROFILE_UPDATE)
    return citizens.public(citizens.update(session.taxid, changes))


_REDIRECT = {"302": {"description": "Redirect", "headers": {"Location": {"schema": {"type": "string"}}}}}

OPENAPI = {
    "/api/auth/taxisnet/login": {
        "get": op(
            "Start Taxisnet sign-in (redirects to GSIS)",
            "citizen auth",
            params=[query_param("next", {"type": "string"}, description="where to return; unsafe values fall back to /")],
            responses=_REDIRECT,
        )
    },
    "/api/auth/taxisnet/callback": {
        "get": op(
            "Taxisnet returns here with the authorization code",
            "citizen auth",
            params=[
                query_param("code", {"type": "string", "maxLength": 512}),
                query_param("state", {"type": "string", "maxLength": 200}, required=True),
                query_param("error", {"type": "string"}),
            ],
            responses=_REDIRECT,
            errors=(401, 403, 502),
        )
    },
    "/api/auth/logout": {"post": op("Sign out", "citizen auth", auth="citizen")},
    "/api/me": {
        "get": op(
            "My profile",
            "citizen auth",
            auth="citizen",
            responses={"200": json_response(citizens.PROFILE)},
            errors=(404,),
        ),
        "put": op(
            "Change my contact details, language and notification choices",
            "citizen auth",
            auth="citizen",
            body=citizens.PROFILE_UPDATE,
            responses={"200": json_response(citizens.PROFILE)},
            errors=(404, 413),
        ),
    },
}
