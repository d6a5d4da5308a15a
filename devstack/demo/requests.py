"""Demo request and report types (24, in 7 groups, each routed to a department of ``org.py``), a few
demo requests (located public reports, private requests) and one Open311 key for trying the API.

Idempotent: types are saved by code; demo requests are filed only when the demo citizens have none;
the Open311 key has a fixed id.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.models.base import utcnow
from chalicelib.models.citizens import Citizen
from chalicelib.models.requests import CitizenRequest, Open311Key, RequestType
from chalicelib.services import requests

# The demo Open311 key (local stage only): api_key = DEMO_OPEN311_KEY
DEMO_OPEN311_KEY_ID = "0123456789abcdef"
DEMO_OPEN311_SECRET = "demo-open311-secret"
DEMO_OPEN311_KEY = f"{DEMO_OPEN311_KEY_ID}.{DEMO_OPEN311_SECRET}"

GROUPS = {
    "roads": ("Οδοποιία και ηλεκτροφωτισμός", "Roads and street lighting"),
    "cleaning": ("Καθαριότητα", "Cleaning"),
    "green": ("Πράσινο", "Green spaces"),
    "planning": ("Πολεοδομία", "Town planning"),
    "certificates": ("Πιστοποιητικά", "Certificates"),
    "social": ("Κοινωνική προστασία", "Social services"),
    "revenue": ("Οικονομικά", "Revenue"),
    "general": ("Γενικά", "General"),
}


def _values(*pairs: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"key": k, "name_el": el, "name_en": en} for k, el, en in pairs]


def _attr(code, datatype, el, en, *, required=False, order=1, values=None, hint=""):
    out = {
        "code": code,
        "datatype": datatype,
        "required": required,
        "order": order,
        "variable": True,
        "description_el": el,
        "description_en": en,
    }
    if hint:
        out["datatype_description"] = hint
    if values:
        out["values"] = values
    return out


def _tpl(tid, title, el, en):
    return {"id": tid, "title": title, "text_el": el, "text_en": en}


SCHEDULED = _tpl(
    "scheduled",
    "Προγραμματίστηκε / Scheduled",
    "Η εργασία προγραμματίστηκε και θα γίνει τις επόμενες ημέρες.",
    "The work is scheduled for the next few days.",
)
FIXED = _tpl(
    "fixed",
    "Αποκαταστάθηκε / Fixed",
    "Η βλάβη αποκαταστάθηκε. Ευχαριστούμε για την αναφορά.",
    "The fault was fixed. Thank you for reporting it.",
)
NOT_OURS = _tpl(
    "not-ours",
    "Άλλος φορέας / Another body",
    "Το θέμα ανήκει σε άλλο φορέα, στον οποίο διαβιβάστηκε.",
    "This belongs to another public body; we forwarded it.",
)
READY = _tpl(
    "ready",
    "Έτοιμο / Ready",
    "Το έγγραφο είναι έτοιμο και σας στάλθηκε ηλεκτρονικά.",
    "The document is ready and was sent to you electronically.",
)

# code, group, department, el, en, public, location, photo, days, attributes, templates
TYPES = [
    (
        "pothole",
        "roads",
        "roads",
        "Λακκούβα στο οδόστρωμα",
        "Pothole in the road",
        True,
        "required",
        "optional",
        10,
        [
            _attr(
                "SIZE",
                "singlevaluelist",
                "Μέγεθος",
                "Size",
                required=True,
                values=_values(
                    ("small", "Μικρή", "Small"), ("medium", "Μεσαία", "Medium"), ("large", "Μεγάλη", "Large")
                ),
            )
        ],
        [SCHEDULED, FIXED],
    ),
    (
        "streetlight",
        "roads",
        "roads",
        "Σβηστός φανοστάτης",
        "Street light out",
        True,
        "required",
        "optional",
        5,
        [
            _attr("POLE_NUMBER", "string", "Αριθμός στύλου", "Pole number", hint="Γραμμένος στον στύλο"),
            _attr(
                "LIGHT_STATE",
                "singlevaluelist",
                "Τι συμβαίνει",
                "What happens",
                required=True,
                order=2,
                values=_values(
                    ("off", "Σβηστός", "Off"),
                    ("flickering", "Αναβοσβήνει", "Flickering"),
                    ("day", "Ανάβει τη μέρα", "On during the day"),
                ),
            ),
        ],
        [SCHEDULED, FIXED],
    ),
    (
        "sidewalk",
        "roads",
        "roads",
        "Φθαρμένο πεζοδρόμιο",
        "Damaged pavement",
        True,
        "required",
        "optional",
        20,
        [],
        [SCHEDULED, FIXED],
    ),
    (
        "road-sign",
        "roads",
        "roads",
        "Κατεστραμμένη πινακίδα",
        "Damaged road sign",
        True,
        "required",
        "optional",
        10,
        [_attr("SIGN", "string", "Ποια πινακίδα", "Which sign")],
        [FIXED, NOT_OURS],
    ),
    (
        "traffic-light",
        "roads",
        "roads",
        "Βλάβη φαναριού",
        "Traffic light fault",
        True,
        "required",
        "none",
        2,
        [],
        [FIXED, NOT_OURS],
    ),
    (
        "overflowing-bin",
        "cleaning",
        "cleaning",
        "Γεμάτος κάδος",
        "Overflowing bin",
        True,
        "required",
        "optional",
        2,
        [
            _attr(
                "BIN",
                "singlevaluelist",
                "Είδος κάδου",
                "Kind of bin",
                required=True,
                values=_values(
                    ("general", "Γενικά απορρίμματα", "General waste"),
                    ("recycling", "Ανακύκλωση", "Recycling"),
                    ("organic", "Βιοαπόβλητα", "Organic"),
                ),
            )
        ],
        [SCHEDULED, FIXED],
    ),
    (
        "illegal-dumping",
        "cleaning",
        "cleaning",
        "Παράνομη απόρριψη",
        "Illegal dumping",
        True,
        "required",
        "optional",
        5,
        [],
        [SCHEDULED, FIXED],
    ),
    (
        "bulky-waste",
        "cleaning",
        "cleaning",
        "Αποκομιδή ογκωδών",
        "Bulky waste pick-up",
        False,
        "required",
        "none",
        7,
        [
            _attr(
                "ITEMS",
                "multivaluelist",
                "Τι θα παραλάβουμε",
                "What we collect",
                required=True,
                values=_values(
                    ("furniture", "Έπιπλα", "Furniture"),
                    ("mattress", "Στρώμα", "Mattress"),
                    ("appliance", "Ηλεκτρική συσκευή", "Appliance"),
                    ("branches", "Κλαδιά", "Branches"),
                ),
            ),
            _attr("DATE", "datetime", "Προτιμώμενη ημέρα", "Preferred day", order=2),
        ],
        [SCHEDULED],
    ),
    (
        "street-cleaning",
        "cleaning",
        "cleaning",
        "Καθαρισμός δρόμου",
        "Street cleaning",
        True,
        "required",
        "optional",
        5,
        [],
        [SCHEDULED, FIXED],
    ),
    (
        "dead-animal",
        "cleaning",
        "cleaning",
        "Νεκρό ζώο",
        "Dead animal",
        True,
        "required",
        "none",
        1,
        [],
        [FIXED],
    ),
    (
        "tree-pruning",
        "green",
        "green",
        "Κλάδεμα δέντρου",
        "Tree pruning",
        True,
        "required",
        "optional",
        30,
        [_attr("TREES", "number", "Πόσα δέντρα", "How many trees")],
        [SCHEDULED, FIXED],
    ),
    (
        "fallen-tree",
        "green",
        "green",
        "Πεσμένο δέντρο",
        "Fallen tree",
        True,
        "required",
        "optional",
        2,
        [],
        [FIXED],
    ),
    (
        "park-damage",
        "green",
        "green",
        "Ζημιά σε πάρκο",
        "Damage in a park",
        True,
        "required",
        "optional",
        15,
        [_attr("WHAT", "text", "Τι έχει χαλάσει", "What is broken")],
        [SCHEDULED, FIXED],
    ),
    (
        "playground",
        "green",
        "green",
        "Παιδική χαρά",
        "Playground",
        True,
        "required",
        "optional",
        10,
        [],
        [SCHEDULED, FIXED],
    ),
    (
        "illegal-building",
        "planning",
        "planning",
        "Αυθαίρετη κατασκευή",
        "Unauthorised building",
        False,
        "required",
        "optional",
        30,
        [],
        [NOT_OURS],
    ),
    (
        "planning-info",
        "planning",
        "planning",
        "Πληροφορίες όρων δόμησης",
        "Building terms information",
        False,
        "optional",
        "none",
        15,
        [_attr("KAEK", "string", "ΚΑΕΚ ακινήτου", "Land registry code (KAEK)")],
        [READY],
    ),
    (
        "birth-certificate",
        "certificates",
        "civil-registry",
        "Πιστοποιητικό γέννησης",
        "Birth certificate",
        False,
        "none",
        "none",
        3,
        [
            _attr("PERSON", "string", "Ονοματεπώνυμο", "Full name", required=True),
            _attr("COPIES", "number", "Αντίγραφα", "Copies", order=2),
        ],
        [READY],
    ),
    (
        "family-status",
        "certificates",
        "civil-registry",
        "Πιστοποιητικό οικογενειακής κατάστασης",
        "Family status certificate",
        False,
        "none",
        "none",
        3,
        [
            _attr(
                "PURPOSE",
                "singlevaluelist",
                "Για ποιο σκοπό",
                "Purpose",
                required=True,
                values=_values(
                    ("tax", "Εφορία", "Tax office"),
                    ("school", "Σχολείο", "School"),
                    ("other", "Άλλο", "Other"),
                ),
            )
        ],
        [READY],
    ),
    (
        "residence-certificate",
        "certificates",
        "civil-registry",
        "Βεβαίωση μόνιμης κατοικίας",
        "Certificate of residence",
        False,
        "none",
        "none",
        5,
        [],
        [READY],
    ),
    (
        "home-help",
        "social",
        "social",
        "Βοήθεια στο σπίτι",
        "Help at home",
        False,
        "optional",
        "none",
        10,
        [
            _attr("HOUSEHOLD", "number", "Μέλη νοικοκυριού", "Household members"),
            _attr("NEEDS", "text", "Τι χρειάζεστε", "What you need", required=True, order=2),
        ],
        [],
    ),
    (
        "social-grocery",
        "social",
        "social",
        "Κοινωνικό παντοπωλείο",
        "Social grocery",
        False,
        "none",
        "none",
        15,
        [],
        [],
    ),
    (
        "tax-refund",
        "revenue",
        "revenue",
        "Επιστροφή αχρεωστήτως",
        "Refund of an overpayment",
        False,
        "none",
        "none",
        30,
        [_attr("PAYMENT", "string", "Κωδικός πληρωμής", "Payment code", required=True)],
        [],
    ),
    (
        "parking-permit",
        "revenue",
        "revenue",
        "Κάρτα στάθμευσης κατοίκου",
        "Resident parking permit",
        False,
        "none",
        "none",
        10,
        [_attr("PLATE", "string", "Αριθμός κυκλοφορίας", "Number plate", required=True)],
        [READY],
    ),
    (
        "general",
        "general",
        "kep",
        "Γενικό αίτημα ή παράπονο",
        "General request or complaint",
        False,
        "optional",
        "optional",
        15,
        [],
        [],
    ),
]

# taxid, type, description, attributes, location (lat, lon, address) or None
DEMO_REQUESTS = [
    (
        "987654321",
        "pothole",
        "Μεγάλη λακκούβα μπροστά στο περίπτερο.",
        {"SIZE": "large"},
        (37.97550, 23.73480, "Πλατεία Συντάγματος"),
    ),
    (
        "987654321",
        "streetlight",
        "Ο φανοστάτης δεν ανάβει εδώ και μια εβδομάδα.",
        {"LIGHT_STATE": "off"},
        (37.97700, 23.73200, "Οδός Ερμού 10"),
    ),
    (
        "111222333",
        "overflowing-bin",
        "Ο κάδος ανακύκλωσης ξεχειλίζει.",
        {"BIN": "recycling"},
        (37.97420, 23.73650, "Λεωφόρος Αμαλίας 20"),
    ),
    (
        "111222333",
        "fallen-tree",
        "Πεσμένο κλαδί κλείνει το πεζοδρόμιο.",
        {},
        (37.97300, 23.73800, "Εθνικός Κήπος"),
    ),
    (
        "987654321",
        "birth-certificate",
        "Για την εγγραφή στο σχολείο.",
        {"PERSON": "ΓΙΑΝΝΗΣ ΝΙΚΟΛΑΟΥ", "COPIES": 2},
        None,
    ),
    (
        "111222333",
        "bulky-waste",
        "Παλιός καναπές.",
        {"ITEMS": ["furniture"]},
        (37.98000, 23.72900, "Οδός Αθηνάς 5"),
    ),
]


def seed() -> dict[str, int]:
    for code, group, department, el, en, public, location, photo, days, attributes, templates in TYPES:
        group_el, group_en = GROUPS[group]
        RequestType(
            code,
            name_el=el,
            name_en=en,
            group=group,
            group_el=group_el,
            group_en=group_en,
            description_el=el,
            description_en=en,
            keywords=f"{el}, {en}",
            department_id=department,
            attributes=attributes,
            location=location,
            photo=photo,
            expected_days=days,
            public=public,
            templates=templates,
            active=True,
            updated_at=utcnow(),
        ).save()
    Open311Key(
        DEMO_OPEN311_KEY_ID,
        secret_hash=_sha(DEMO_OPEN311_SECRET),
        name="Demo app",
        contact="dev@demo.dimotis.gr",
        created_by="admin",
    ).save()
    filed = 0
    owners = {taxid for taxid, *_ in DEMO_REQUESTS}
    if not any(list(CitizenRequest.by_citizen.query(t, limit=1)) for t in owners):
        for taxid, code, text, attributes, place in DEMO_REQUESTS:
            kind = RequestType.get(code)
            try:
                citizen = Citizen.get(taxid)
                name = f"{citizen.first_name} {citizen.last_name}"
            except Citizen.DoesNotExist:
                name = None
            lat, lon, address = place if place else (None, None, None)
            requests.submit(
                kind,
                requester=requests.Requester(taxid=taxid, name=name),
                actor=requests.Actor("citizen", "citizen"),
                channel="web",
                description=text,
                attributes=attributes,
                lat=lat,
                lon=lon,
                address=address,
                now=utcnow() - timedelta(days=3 - filed % 3),
            )
            filed += 1
    return {"request_types": len(TYPES), "demo_requests": filed}


def _sha(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()
