"""Citizens: Taxisnet sign-in and sign-out (ours and GSIS's), the session cookie, the profile."""

from chalice import Blueprint, Response

from chalicelib.auth import clear_cookie, cookie, cookies, require_citizen
from chalicelib.openapi import json_response, op, query_param
from chalicelib.schemas.identity import PROFILE, PROFILE_UPDATE, REDIRECT, SIGNED_OUT
from chalicelib.services.platform import citizen_signin, citizens, sessions
from chalicelib.settings import get_settings
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


def _redirect(location: str, set_cookie: str | list[str]) -> Response:
    return Response(body="", status_code=302, headers={"Location": location, "Set-Cookie": set_cookie})


def _secure() -> bool:
    return get_settings().public_base_url.startswith("https://")


@bp.route("/api/auth/taxisnet/login", methods=["GET"])
def taxisnet_login():
    url, packed = citizen_signin.start((bp.current_request.query_params or {}).get("next"))
    state = cookie(citizen_signin.STATE_COOKIE, packed, max_age=citizen_signin.STATE_SECONDS,
                   path=citizen_signin.STATE_PATH, secure=_secure())
    return _redirect(url, state)


@bp.route("/api/auth/taxisnet/callback", methods=["GET"])
def taxisnet_callback():
    request = bp.current_request
    done = citizen_signin.finish(request.query_params or {}, cookies(request).get(citizen_signin.STATE_COOKIE, ""))
    session = cookie(sessions.COOKIE, done.token, max_age=get_settings().session_ttl_seconds, secure=_secure())
    return _redirect(done.next_path, [session, clear_cookie(citizen_signin.STATE_COOKIE, citizen_signin.STATE_PATH)])


@bp.route("/api/auth/logout", methods=["POST"])
def logout():
    sessions.revoke(require_citizen(bp.current_request))
    body = {"signed_out": True, "taxisnet_logout": "/api/auth/taxisnet/logout"}
    return Response(body=body, status_code=200, headers={"Set-Cookie": clear_cookie(sessions.COOKIE)})


@bp.route("/api/auth/taxisnet/logout", methods=["GET"])
def taxisnet_logout():
    return _redirect(citizen_signin.sign_out_url(), clear_cookie(sessions.COOKIE))


@bp.route("/api/me", methods=["GET"])
def get_me():
    session = require_citizen(bp.current_request)
    return {**citizens.public(citizens.get(session.taxid)), "session_expires_at": session.expires_at}


@bp.route("/api/me", methods=["PUT"])
def put_me():
    request = bp.current_request
    session = require_citizen(request)
    return citizens.public(citizens.update(session.taxid, validate(json_body(request), PROFILE_UPDATE)))


OPENAPI = {
    "/api/auth/taxisnet/login": {
        "get": op(
            "Start Taxisnet sign-in (redirects to GSIS)",
            "citizen auth",
            params=[query_param("next", {"type": "string"}, description="where to return; unsafe values fall back to /")],
            responses=REDIRECT,
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
            responses=REDIRECT,
            errors=(401, 403, 502),
        )
    },
    "/api/auth/logout": {
        "post": op(
            "Sign out: the session token stops working; then send the browser to taxisnet_logout",
            "citizen auth",
            auth="citizen",
            responses={"200": json_response(SIGNED_OUT)},
        )
    },
    "/api/auth/taxisnet/logout": {
        "get": op(
            "End the Taxisnet session too: clears the session cookie and redirects to GSIS's logout, "
            "which returns to the home page",
            "citizen auth",
            responses=REDIRECT,
        )
    },
    "/api/me": {
        "get": op(
            "My profile",
            "citizen auth",
            auth="citizen",
            responses={"200": json_response(PROFILE)},
            errors=(404,),
        ),
        "put": op(
            "Change my contact details, language and notification choices",
            "citizen auth",
            auth="citizen",
            body=PROFILE_UPDATE,
            responses={"200": json_response(PROFILE)},
            errors=(404, 413),
        ),
    },
}
