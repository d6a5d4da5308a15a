"""Staff: Cognito sign-in, refresh, sign-out, who am I."""

from chalice import Blueprint, Response

from chalicelib.auth import cookies, require_staff, staff_session_cookies, staff_signed_out_cookies
from chalicelib.errors import Unauthorized
from chalicelib.openapi import json_response, op
from chalicelib.schemas.identity import STAFF_LOGIN, STAFF_MEMBER, STAFF_SESSION
from chalicelib.services.platform import staff_auth
from chalicelib.settings import get_settings
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


def _session_response(tokens: dict) -> Response:
    staff = staff_auth.verify(tokens["id_token"])
    max_age = int(tokens.get("expires_in") or 3600)
    secure = get_settings().public_base_url.startswith("https://")
    return Response(
        body={"staff": staff.public(), "id_token": tokens["id_token"], "expires_in": max_age},
        status_code=200,
        headers={"Set-Cookie": staff_session_cookies(tokens, max_age, secure)},
    )


@bp.route("/api/staff/login", methods=["POST"])
def staff_login():
    body = validate(json_body(bp.current_request), STAFF_LOGIN)
    return _session_response(staff_auth.login(body["username"].strip(), body["password"]))


@bp.route("/api/staff/refresh", methods=["POST"])
def staff_refresh():
    token = cookies(bp.current_request).get(staff_auth.COOKIE_REFRESH)
    if not token:
        raise Unauthorized("No staff session to renew.", code="not_signed_in")
    return _session_response(staff_auth.refresh(token))


@bp.route("/api/staff/logout", methods=["POST"])
def staff_logout():
    staff_auth.logout(cookies(bp.current_request).get(staff_auth.COOKIE_ACCESS))
    return Response(body={"signed_out": True}, status_code=200, headers={"Set-Cookie": staff_signed_out_cookies()})


@bp.route("/api/staff/me", methods=["GET"])
def staff_me():
    return require_staff(bp.current_request).public()


_SESSION = json_response(STAFF_SESSION)

OPENAPI = {
    "/api/staff/login": {
        "post": op("Staff sign-in (Cognito)", "staff auth", body=STAFF_LOGIN, responses={"200": _SESSION},
                   errors=(401, 403))
    },
    "/api/staff/refresh": {
        "post": op("Renew the staff session from the refresh cookie", "staff auth",
                   responses={"200": _SESSION}, errors=(401, 403))
    },
    "/api/staff/logout": {"post": op("Staff sign-out", "staff auth")},
    "/api/staff/me": {
        "get": op("The signed-in staff member", "staff auth", auth="staff",
                  responses={"200": json_response(STAFF_MEMBER)})
    },
}
