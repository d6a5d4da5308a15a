"""Schemas of messages: the administrators' delivery page (``handlers/messages_admin.py``) and the
``not_sent`` part of an answer whose message will not go (a visitor pass, a walk-in ticket)."""

from chalicelib.models.outbox import FINAL, STATUSES

NOT_SENT_REASONS = ["daily_limit", "country_not_allowed", "sms_budget_spent", "suppressed"]
NOT_SENT = {
    "type": "array",
    "description": "Messages this action would have sent that will not go, and why",
    "items": {
        "type": "object",
        "required": ["channel", "reason"],
        "properties": {"channel": {"enum": ["email", "sms"]}, "reason": {"enum": NOT_SENT_REASONS}},
    },
}

DELIVERIES_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"status": {"enum": list(STATUSES)}},
}
COUNTS = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
    "required": ["queued", "waiting", *FINAL],
}
MESSAGE = {
    "type": "object",
    "required": ["message_id", "kind", "channel", "recipient", "status", "attempts", "created_at"],
    "properties": {
        "message_id": {"type": "string"},
        "kind": {"type": "string"},
        "channel": {"enum": ["email", "sms"]},
        "recipient": {"type": "string", "description": "masked"},
        "status": {"enum": list(STATUSES)},
        "attempts": {"type": "integer"},
        "parts": {"type": ["integer", "null"]},
        "error": {"type": ["string", "null"]},
        "created_at": {"type": ["string", "null"]},
        "sent_at": {"type": ["string", "null"]},
        "next_attempt_at": {"type": ["string", "null"]},
    },
}
DELIVERIES = {
    "type": "object",
    "required": ["days", "totals", "messages", "sms"],
    "properties": {
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["day", "counts"],
                "properties": {"day": {"type": "string"}, "counts": COUNTS},
            },
        },
        "totals": COUNTS,
        "status": {"type": ["string", "null"]},
        "messages": {"type": "array", "items": MESSAGE},
        "sms": {
            "type": "object",
            "required": ["month", "budget_parts", "used_parts", "near", "spent"],
            "properties": {
                "month": {"type": "string"},
                "budget_parts": {"type": "integer"},
                "used_parts": {"type": "integer"},
                "near": {"type": "boolean"},
                "spent": {"type": "boolean"},
            },
        },
    },
}
