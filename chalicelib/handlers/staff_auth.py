"""Staff: Cognito sign-in, refresh, sign-out, who am I."""

from chalice import Blueprint, Response

from chalicelib.auth import clear_cookie, cookie, cookies, require_staff
from chalicelib.errors import Unauthorized
from chalicelib.openapi import json_response, op
from chalicelib.services.platform import staff_auth
from chalicelib.settings import get_settings
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)

LOGIN = {
    "type": "object",
    "required": ["username", "password"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 128},
        "password": {"type": "string", "minLength": 1, "maxLength": 256},
    },
}
STAFF = {
    "type": "object",
    "required": ["username", "roles"],
    "properties": {
        "username": {"type": "string"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "roles": {"type": "array", "items": {"enum": list(staff_auth.ROLES)}},
        "department_id": {"type": ["string", "null"]},
        "expires_at": {"type": "integer"},
    },
}
REFRESH_PATH = "/api/staff"
REFRESH_MAX_AGE = 30 * 24 * 3600


def _session_response(tokens: dict) -> Response:
    staff = staff_auth.verify(tokens["id_token"])
    secure = get_settings().public_base_url.startswith("https://")
    max_age = int(tokens.get("expires_in") or 3600)
    cookies_out = [
        cookie(staff_auth.COOKIE_ID, tokens["id_token"], max_age=max_age, secure=secure, same_site="Strict"),
    ]
    if tokens.get("access_token"):
        cookies_out.append(
            cookie(staff_auth.COOKIE_ACCESS, tokens["access_token"], max_age=max_age,
                   path=REFRESH_PATH, secure=secure, same_site="Strict")
        )
    if tokens.get("refresh_token"):
        cookies_out.append(
            cookie(staff_auth.COOKIE_REFRESH, tokens["refresh_token"], max_age=REFRESH_MAX_AGE,
                   path=REFRESH_PATH, secure=secure, same_site="Strict")
        )
    return Response(
        body={"staff": staff.public(), "id_token": tokens["id_token"], "expires_in": max_age},
        status_code=200,
        headers={"Set-Cookie": cookies_out},
    )


@bp.route("/api/staff/login", methods=["POST"])
def staff_login():
    body = validate(json_body(bp.current_request), LOGIN)
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
    return Response(
        body={"signed_out": True},
        status_code=200,
        headers={
            "Set-Cookie": [
                clear_cookie(staff_auth.COOKIE_ID),
                clear_cookie(staff_auth.COOKIE_ACCESS, REFRESH_PATH),
                clear_cookie(staff_auth.COOKIE_REFRESH, REFRESH_PATH),
            ]
        },
    )


@bp.route("/api/staff/me", methods=["GET"])
def staff_me():
    return require_staff(bp.current_request).public()


_SESSION = json_response(
    {
        "type": "object",
        "required": ["staff", "id_token", "expires_in"],
        "properties": {"staff": STAFF, "id_token": {"type": "string"}, "expires_in": {"type": "integer"}},
    }
)

OPENAPI = {
    "/api/staff/login": {
        "post": op("Staff sign-in (Cognito)", "staff auth", body=LOGIN, responses={"200": _SESSION},
                   errors=(401, 403))
    },
    "/api/staff/refresh": {
        "post": op("Renew the staff session from the refresh cookie", "staff auth",
                   responses={"200": _SESSION}, errors=(401, 403))
    },
    "/api/staff/logout": {"post": op("Staff sign-out", "staff auth")},
    "/api/staff/me": {
        "get": op("The signed-in staff member", "staff auth", auth="staff",
                  responses={"200": json_response(STAFF)})
    },
}
