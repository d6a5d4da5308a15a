"""Schemas of a citizen's own data: the download of everything held about them and closing the
account (``handlers/citizen_data.py``)."""

from __future__ import annotations

_LIST = {"type": "array", "items": {"type": "object"}}

MY_DATA = {
    "type": "object",
    "required": [
        "exported_at",
        "taxid",
        "profile",
        "consents",
        "appointments",
        "queue_tickets",
        "requests",
        "follows",
        "truncated",
    ],
    "properties": {
        "exported_at": {"type": "string"},
        "taxid": {"type": "string"},
        "profile": {"type": ["object", "null"]},
        "consents": {
            "type": ["object", "null"],
            "properties": {
                "notify_email": {"type": "boolean"},
                "notify_sms": {"type": "boolean"},
                "alert_topics": {"type": "array", "items": {"type": "string"}},
                "language": {"enum": ["el", "en"]},
            },
        },
        "appointments": _LIST,
        "queue_tickets": _LIST,
        "requests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["request", "timeline"],
                "properties": {"request": {"type": "object"}, "timeline": _LIST},
            },
        },
        "follows": _LIST,
        "truncated": {"type": "array", "items": {"enum": ["appointments", "requests", "follows"]}},
    },
}

CLOSE = {
    "type": "object",
    "required": ["confirm"],
    "additionalProperties": False,
    "properties": {"confirm": {"const": True, "description": "true: the citizen confirmed the closing"}},
}

CLOSED = {
    "type": "object",
    "required": [
        "closed",
        "appointments_cancelled",
        "appointments_anonymised",
        "requests_kept_without_you",
        "follows_removed",
    ],
    "properties": {
        "closed": {"const": True},
        "appointments_cancelled": {"type": "integer"},
        "appointments_anonymised": {"type": "integer"},
        "requests_kept_without_you": {"type": "integer"},
        "follows_removed": {"type": "integer"},
    },
}
