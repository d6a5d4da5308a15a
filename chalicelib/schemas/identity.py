"""Schemas of sign-in and profiles: the citizen's profile and its changes, the staff sign-in (its
challenges, forgotten password, the account's security) and the staff member it answers with, the
invitation of a staff member (``handlers/citizen_auth.py``, ``handlers/staff_auth.py``,
``handlers/staff_accounts.py``)."""

from __future__ import annotations

from chalicelib.services.platform.staff_auth import ROLES
from chalicelib.validation import EMAIL

PROFILE_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "email": {"type": ["string", "null"], "format": "email", "maxLength": 254},
        "mobile": {"type": ["string", "null"], "pattern": r"^\+?[0-9]{10,15}$"},
        "language": {"enum": ["el", "en"]},
        "notify_email": {"type": "boolean"},
        "notify_sms": {"type": "boolean"},
        "topics": {
            "type": "array",
            "maxItems": 20,
            "items": {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"},
        },
    },
}

PROFILE = {
    "type": "object",
    "required": ["taxid", "first_name", "last_name", "language"],
    "properties": {
        "taxid": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "father_name": {"type": ["string", "null"]},
        "birth_year": {"type": ["integer", "null"]},
        "email": {"type": ["string", "null"]},
        "mobile": {"type": ["string", "null"]},
        "email_verified": {"type": "boolean", "description": "The email is confirmed: messages may use it"},
        "mobile_verified": {"type": "boolean", "description": "The mobile is confirmed: messages may use it"},
        "language": {"enum": ["el", "en"]},
        "notify_email": {"type": "boolean"},
        "notify_sms": {"type": "boolean"},
        "topics": {"type": "array", "items": {"type": "string"}},
        "suppressed": {
            "type": "array",
            "description": "The citizen's addresses no message is sent to any more, and why (SES feedback)",
            "items": {
                "type": "object",
                "required": ["channel", "reason", "since"],
                "properties": {
                    "channel": {"enum": ["email", "sms"]},
                    "reason": {"enum": ["bounce", "complaint"]},
                    "detail": {"type": ["string", "null"]},
                    "since": {"type": "string"},
                },
            },
        },
    },
}

STAFF_LOGIN = {
    "type": "object",
    "required": ["username", "password"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 128},
        "password": {"type": "string", "minLength": 1, "maxLength": 256},
    },
}

STAFF_MEMBER = {
    "type": "object",
    "required": ["username", "roles"],
    "properties": {
        "username": {"type": "string"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "roles": {"type": "array", "items": {"enum": list(ROLES)}},
        "department_id": {"type": ["string", "null"]},
        "expires_at": {"type": "integer"},
    },
}

STAFF_SESSION = {
    "type": "object",
    "required": ["staff", "id_token", "expires_in"],
    "properties": {"staff": STAFF_MEMBER, "id_token": {"type": "string"}, "expires_in": {"type": "integer"}},
}

_USERNAME = {"type": "string", "minLength": 1, "maxLength": 128}
_PASSWORD = {"type": "string", "minLength": 1, "maxLength": 256}
_CODE = {"type": "string", "pattern": "^[0-9]{6}$"}
_SESSION = {"type": "string", "minLength": 1, "maxLength": 16384}
ENROLMENT = {
    "type": "object",
    "required": ["secret", "otpauth_uri", "qr"],
    "properties": {
        "secret": {"type": "string", "description": "the TOTP secret in groups of four, to type"},
        "otpauth_uri": {"type": "string"},
        "qr": {"type": "string", "description": "the QR code of otpauth_uri, an SVG data URI"},
    },
}
STAFF_CHALLENGE = {
    "type": "object",
    "required": ["challenge", "session", "username"],
    "properties": {
        "challenge": {"enum": ["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"]},
        "session": {"type": "string"},
        "username": {"type": "string"},
        **ENROLMENT["properties"],
    },
}
STAFF_SIGNIN = {"anyOf": [STAFF_SESSION, STAFF_CHALLENGE]}


def _answer(challenge: str, field: str, schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["username", "session", "challenge", field],
        "additionalProperties": False,
        "properties": {"username": _USERNAME, "session": _SESSION, "challenge": {"const": challenge}, field: schema},
    }


STAFF_CHALLENGE_ANSWER = {
    "oneOf": [
        _answer("NEW_PASSWORD_REQUIRED", "new_password", _PASSWORD),
        _answer("SOFTWARE_TOKEN_MFA", "code", _CODE),
        _answer("MFA_SETUP", "code", _CODE),
    ]
}
PASSWORD_FORGOT = {
    "type": "object",
    "required": ["username"],
    "additionalProperties": False,
    "properties": {"username": _USERNAME},
}
PASSWORD_FORGOT_SENT = {"type": "object", "required": ["sent"], "properties": {"sent": {"const": True}}}
PASSWORD_RESET = {
    "type": "object",
    "required": ["username", "code", "new_password"],
    "additionalProperties": False,
    "properties": {"username": _USERNAME, "code": _CODE, "new_password": _PASSWORD},
}
PASSWORD_CHANGE = {
    "type": "object",
    "required": ["current_password", "new_password"],
    "additionalProperties": False,
    "properties": {"current_password": _PASSWORD, "new_password": _PASSWORD},
}
TOTP_CODE = {"type": "object", "required": ["code"], "additionalProperties": False, "properties": {"code": _CODE}}
SECURITY = {
    "type": "object",
    "required": ["totp_enabled", "mfa_required"],
    "properties": {"totp_enabled": {"type": "boolean"}, "mfa_required": {"type": "boolean"}},
}
DONE = {"type": "object", "required": ["done"], "properties": {"done": {"const": True}}}

STAFF_INVITE = {
    "type": "object",
    "required": ["username", "email", "name", "role"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{1,63}$"},
        "email": EMAIL,
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "department_id": {"type": ["string", "null"], "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"},
        "role": {"enum": list(ROLES)},
        "employee_number": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"},
    },
    # everyone but an administrator works in a department
    "if": {"properties": {"role": {"not": {"const": "admin"}}}},
    "then": {"required": ["department_id"], "properties": {"department_id": {"type": "string"}}},
}
STAFF_INVITED = {
    "type": "object",
    "required": ["employee_number", "username", "role", "department_id", "invitation"],
    "properties": {
        "employee_number": {"type": "string"},
        "username": {"type": "string"},
        "role": {"enum": list(ROLES)},
        "department_id": {"type": ["string", "null"]},
        "invitation": {"const": "email", "description": "the pool e-mailed the temporary password"},
    },
}

REDIRECT = {"302": {"description": "Redirect", "headers": {"Location": {"schema": {"type": "string"}}}}}
SIGNED_OUT = {
    "type": "object",
    "required": ["signed_out"],
    "properties": {
        "signed_out": {"const": True},
        "taxisnet_logout": {"type": "string", "description": "where the browser goes to end the Taxisnet session"},
    },
}
