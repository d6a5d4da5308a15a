"""Schemas of sign-in and profiles: the citizen's profile and its changes, the staff sign-in and
the staff member it answers with (``handlers/citizen_auth.py``, ``handlers/staff_auth.py``)."""

from __future__ import annotations

from chalicelib.services.platform.staff_auth import ROLES

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

REDIRECT = {"302": {"description": "Redirect", "headers": {"Location": {"schema": {"type": "string"}}}}}
