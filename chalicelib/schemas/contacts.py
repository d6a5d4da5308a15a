"""Contacts: how a citizen wants to be told of a booking, a request or a follow (``NOTIFY``, an
optional field of those bodies), and confirming an e-mail address or a mobile number
(``handlers/citizen_contacts.py``).

Example::

    body = validate(json_body(request), START)     # {"mobile": "6912345678"}
"""

from chalicelib.validation import EMAIL

CHANNEL = {"enum": ["email", "sms"]}
MOBILE = {"type": "string", "pattern": r"^\+?[0-9]{10,15}$"}
NOTIFY = {
    "type": "array",
    "items": CHANNEL,
    "uniqueItems": True,
    "maxItems": 2,
    "description": "How to be told: messages go to the chosen channels whose contact on the profile is "
    "verified when they are sent; [] for none; left out, the profile's notify_email/notify_sms",
}
START = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
    "properties": {"email": EMAIL, "mobile": MOBILE},
    "description": "The one address to confirm: an e-mail address (a link and a code are sent to it) or a "
    "mobile number (a code by SMS)",
}
STARTED = {
    "type": "object",
    "required": ["channel", "address", "verified", "sent"],
    "properties": {
        "channel": CHANNEL,
        "address": {"type": "string"},
        "verified": {"type": "boolean"},
        "sent": {"type": "boolean"},
        "expires_at": {"type": "string", "description": "Until when the code (and the link) can be used"},
    },
}
CONFIRM = {
    "type": "object",
    "required": ["channel", "code"],
    "additionalProperties": False,
    "properties": {"channel": CHANNEL, "code": {"type": "string", "pattern": "^[0-9]{6}$"}},
}
LINK = {
    "type": "object",
    "required": ["link"],
    "additionalProperties": False,
    "properties": {
        "link": {
            "type": "string",
            "pattern": r"^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$",
            "description": "What follows '#' in the e-mail's link",
        }
    },
}
LINK_CONFIRMED = {
    "type": "object",
    "required": ["channel", "address", "verified"],
    "properties": {
        "channel": {"const": "email"},
        "address": {"type": "string", "description": "The address, masked"},
        "verified": {"const": True},
    },
}
