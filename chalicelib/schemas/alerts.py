"""Request and response schemas of the broadcast alerts (``handlers/alerts.py``), and the topics a
citizen may subscribe to, which the alerts service serves and the schema enumerates.

Example::

    from chalicelib.schemas.alerts import ALERT_CREATE
    body = validate(json_body(request), ALERT_CREATE)

Limitation: a new topic is added here (key and names); the citizen and staff pages read the list
from ``GET /api/alerts/topics``.
"""

ALERT_TOPICS = {
    "heatwave": ("Καύσωνας", "Heatwave"),
    "snowfall": ("Χιονόπτωση", "Snowfall"),
    "waste_collection": ("Αλλαγές στην αποκομιδή απορριμμάτων", "Waste collection changes"),
    "water_outage": ("Διακοπή νερού", "Water outage"),
    "roadworks": ("Έργα και κυκλοφορία", "Roadworks and traffic"),
    "civil_protection": ("Πολιτική προστασία", "Civil protection"),
}
ALERT_MAX_HOURS = 24 * 14


def _bilingual(max_length: int) -> dict:
    return {
        "type": "object",
        "required": ["el", "en"],
        "additionalProperties": False,
        "properties": {
            "el": {"type": "string", "minLength": 3, "maxLength": max_length},
            "en": {"type": "string", "minLength": 3, "maxLength": max_length},
        },
    }


ALERT_CREATE = {
    "type": "object",
    "required": ["topic", "title", "text", "channels"],
    "additionalProperties": False,
    "properties": {
        "topic": {"enum": list(ALERT_TOPICS)},
        "severity": {"enum": ["info", "warning", "danger"], "default": "warning"},
        "title": _bilingual(120),
        "text": _bilingual(600),
        "channels": {
            "type": "array",
            "uniqueItems": True,
            "maxItems": 2,
            "items": {"enum": ["email", "sms"]},
        },
        "hours": {"type": "integer", "minimum": 1, "maximum": ALERT_MAX_HOURS, "default": 24},
    },
}

_TEXT = {"type": "object", "properties": {"el": {"type": "string"}, "en": {"type": "string"}}}
PUBLIC_ALERT = {
    "type": "object",
    "required": ["alert_id", "topic", "title", "text", "until"],
    "properties": {
        "alert_id": {"type": "string"},
        "topic": {"type": "string"},
        "severity": {"type": "string"},
        "title": _TEXT,
        "text": _TEXT,
        "starts": {"type": "string"},
        "until": {"type": "string"},
    },
}
ALERT_LIST = {
    "type": "object",
    "required": ["alerts"],
    "properties": {"alerts": {"type": "array", "items": PUBLIC_ALERT}},
}
