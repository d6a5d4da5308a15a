"""Staff: Cognito sign-in and its challenges, renewal, sign-out, who am I, a forgotten password,
and the signed-in member's own security (authenticator app, password)."""

from chalice import Blueprint, Response

from chalicelib.auth import cookies, require_staff, staff_of, staff_session_cookies, staff_signed_out_cookies
from chalicelib.errors import Unauthorized
from chalicelib.openapi import json_response, op
from chalicelib.schemas.identity import (
    DONE,
    ENROLMENT,
    PASSWORD_CHANGE,
    PASSWORD_FORGOT,
    PASSWORD_FORGOT_SENT,
    PASSWORD_RESET,
    SECURITY,
    SIGNED_OUT,
    STAFF_CHALLENGE_ANSWER,
    STAFF_LOGIN,
    STAFF_MEMBER,
    STAFF_SESSION,
    STAFF_SIGNIN,
    TOTP_CODE,
)
from chalicelib.services.platform import staff_auth, staff_mfa, staff_password, staff_signin
from chalicelib.settings import get_settings
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


def _step_response(step: staff_signin.Step) -> Response:
    """A challenge to answer, or the session: the member, the ID token and the cookies."""
    if step.challenge:
        return Response(body=step.challenge, status_code=200)
    max_age = int(step.tokens.get("expires_in") or 3600)
    secure = get_settings().public_base_url.startswith("https://")
    return Response(
        body={"staff": step.staff.public(), "id_token": step.tokens["id_token"], "expires_in": max_age},
        status_code=200,
        headers={"Set-Cookie": staff_session_cookies(step.tokens, max_age, secure)},
    )


def _account() -> tuple[staff_auth.StaffMember, str]:
    """The signed-in member and their access token (the cookie set at sign-in; 401 without)."""
    request = bp.current_request
    staff = require_staff(request)
    return staff, staff_auth.verify_access(cookies(request).get(staff_auth.COOKIE_ACCESS, ""), staff)


@bp.route("/api/staff/login", methods=["POST"])
def staff_login():
    body = validate(json_body(bp.current_request), STAFF_LOGIN)
    return _step_response(staff_signin.login(body["username"].strip(), body["password"]))


@bp.route("/api/staff/login/challenge", methods=["POST"])
def staff_login_challenge():
    body = validate(json_body(bp.current_request), STAFF_CHALLENGE_ANSWER)
    answer = {k: body[k] for k in ("new_password", "code") if k in body}
    return _step_response(staff_signin.answer(body["username"], body["session"], body["challenge"], **answer))


@bp.route("/api/staff/refresh", methods=["POST"])
def staff_refresh():
    token = cookies(bp.current_request).get(staff_auth.COOKIE_REFRESH)
    if not token:
        raise Unauthorized("No staff session to renew.", code="not_signed_in")
    return _step_response(staff_signin.refresh(token))


@bp.route("/api/staff/logout", methods=["POST"])
def staff_logout():
    request = bp.current_request
    staff_signin.logout(cookies(request).get(staff_auth.COOKIE_ACCESS), staff_of(request))
    return Response(body={"signed_out": True}, status_code=200, headers={"Set-Cookie": staff_signed_out_cookies()})


@bp.route("/api/staff/me", methods=["GET"])
def staff_me():
    return require_staff(bp.current_request).public()


@bp.route("/api/staff/password/forgot", methods=["POST"])
def staff_password_forgot():
    return staff_password.forgot(validate(json_body(bp.current_request), PASSWORD_FORGOT)["username"].strip())


@bp.route("/api/staff/password/reset", methods=["POST"])
def staff_password_reset():
    body = validate(json_body(bp.current_request), PASSWORD_RESET)
    staff_password.reset(body["username"].strip(), body["code"], body["new_password"])
    return {"done": True}


@bp.route("/api/staff/account/security", methods=["GET"])
def staff_security():
    staff, access = _account()
    return staff_mfa.status(access, staff)


@bp.route("/api/staff/account/totp", methods=["POST"])
def staff_totp_start():
    staff, access = _account()
    return staff_mfa.enrolment(staff_mfa.associate(access_token=access)[0], staff.username)


@bp.route("/api/staff/account/totp/verify", methods=["POST"])
def staff_totp_verify():
    code = validate(json_body(bp.current_request), TOTP_CODE)["code"]
    staff, access = _account()
    return staff_mfa.turn_on(access, staff, code)


@bp.route("/api/staff/account/totp", methods=["DELETE"])
def staff_totp_off():
    staff, access = _account()
    return staff_mfa.turn_off(access, staff)


@bp.route("/api/staff/account/password", methods=["POST"])
def staff_password_change():
    body = validate(json_body(bp.current_request), PASSWORD_CHANGE)
    staff, access = _account()
    staff_password.change(access, staff, body["current_password"], body["new_password"])
    return {"done": True}


_SESSION = json_response(STAFF_SESSION)
_SIGNIN = json_response(STAFF_SIGNIN, "The session (tokens set as cookies), or the next step to answer")
_ACCOUNT = "; needs the access-token cookie of a sign-in on this site (401 reauthenticate without)"

OPENAPI = {
    "/api/staff/login": {
        "post": op("Staff sign-in (Cognito): the session, or a challenge to answer", "staff auth",
                   body=STAFF_LOGIN, responses={"200": _SIGNIN}, errors=(401, 403, 429, 502))
    },
    "/api/staff/login/challenge": {
        "post": op("Answer a sign-in challenge: a new password, an authenticator code, or the first "
                   "code of a new authenticator (MFA_SETUP)", "staff auth", body=STAFF_CHALLENGE_ANSWER,
                   responses={"200": _SIGNIN}, errors=(401, 403, 429, 502))
    },
    "/api/staff/refresh": {
        "post": op("Renew the staff session from the refresh cookie", "staff auth",
                   responses={"200": _SESSION}, errors=(401, 403, 429, 502))
    },
    "/api/staff/logout": {
        "post": op("Staff sign-out: everywhere, and every token issued so far stops working within a minute",
                   "staff auth", responses={"200": json_response(SIGNED_OUT)}, errors=(429, 502))
    },
    "/api/staff/me": {
        "get": op("The signed-in staff member", "staff auth", auth="staff",
                  responses={"200": json_response(STAFF_MEMBER)})
    },
    "/api/staff/password/forgot": {
        "post": op("Forgotten password: the pool e-mails a code (same answer for any user name)",
                   "staff auth", body=PASSWORD_FORGOT, responses={"200": json_response(PASSWORD_FORGOT_SENT)},
                   errors=(429, 502))
    },
    "/api/staff/password/reset": {
        "post": op("Set a new password with the e-mailed code", "staff auth", body=PASSWORD_RESET,
                   responses={"200": json_response(DONE)}, errors=(401, 429, 502))
    },
    "/api/staff/account/security": {
        "get": op("My authenticator: enabled, and whether my role requires one" + _ACCOUNT, "staff auth",
                  auth="staff", responses={"200": json_response(SECURITY)}, errors=(429, 502))
    },
    "/api/staff/account/totp": {
        "post": op("Start enrolling an authenticator app: its secret and QR code" + _ACCOUNT, "staff auth",
                   auth="staff", responses={"200": json_response(ENROLMENT)}, errors=(429, 502)),
        "delete": op("Turn my authenticator off (409 mfa_required when my role needs one)" + _ACCOUNT,
                     "staff auth", auth="staff", responses={"200": json_response(SECURITY)}, errors=(409, 429, 502)),
    },
    "/api/staff/account/totp/verify": {
        "post": op("Finish enrolling: the first code from the app turns the authenticator on" + _ACCOUNT,
                   "staff auth", auth="staff", body=TOTP_CODE, responses={"200": json_response(SECURITY)},
                   errors=(429, 502))
    },
    "/api/staff/account/password": {
        "post": op("Change my password" + _ACCOUNT, "staff auth", auth="staff", body=PASSWORD_CHANGE,
                   responses={"200": json_response(DONE)}, errors=(429, 502))
    },
}
