"""SMS parts per message kind, before and after the GSM 03.38 templates (issue 14).

    .venv/bin/python bench/sms_parts.py            # markdown table
    .venv/bin/python bench/sms_parts.py --json

Each kind's SMS is made twice, from typical data (the demo's names, a short note) and from the
longest data the system allows (names, reasons, notes and messages at their schemas' maxLength),
with a production-like site address of 31 characters (``https://dimotis.palaiofaliro.gr``):

- **before**: the templates as they were before issue 14 (commit ``b957d6f``, copied below in
  ``BEFORE``: Greek as typed, so UCS-2 at 70 characters a part, and the old cuts: an alert at 320
  characters, a request update at 300, an exposure notice whole);
- **after**: the code's own templates (``appointments/notices.py``, ``requests/notices.py``,
  ``live_queue/events.py``, ``visits/passes.py``, ``visits/sender.py``, ``backoffice/alerts.py``),
  which write GSM 03.38 and shorten names to fit one part.

Parts are counted as the operators bill them (``platform/gsm7.py`` ``parts``: GSM-7 160, then 153
a part; UCS-2 70, then 67). No AWS call is made: the texts are built in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "https://dimotis.palaiofaliro.gr"
GREEK = "Πιστοποιητικό οικογενειακής κατάστασης με ΐ ώ ή ύ έ ά ό ί "

TYPICAL = {
    "service": "Έκδοση πιστοποιητικού οικογενειακής κατάστασης",
    "reason": "Η υπάλληλος απουσιάζει",
    "type": "Λακκούβα στο οδόστρωμα",
    "note": "Το συνεργείο θα περάσει την Πέμπτη.",
    "building": "Δημαρχείο",
    "message": "Πιθανή έκθεση σε κρούσμα ιλαράς. Παρακολουθήστε τα συμπτώματά σας και καλέστε τον γιατρό σας.",
    "title": "Καύσωνας",
    "text": "Αύριο η θερμοκρασία θα φτάσει τους 42°C. Τα κλιματιζόμενα κέντρα του δήμου είναι ανοιχτά "
    "09:00-21:00. Αποφύγετε τις μετακινήσεις τις μεσημεριανές ώρες και πίνετε άφθονο νερό.",
}


def long(n: int) -> str:
    return (GREEK * (n // len(GREEK) + 1))[:n]


LONGEST = {
    "service": long(200), "reason": long(500), "type": long(120), "note": long(2000),
    "building": long(200), "message": long(600), "title": long(120), "text": long(600),
}
WHEN = "Τρίτη 24/11/2026, 09:30"
REF, PROTOCOL, REQUEST_ID = "ABCD2345", "2026/000123", "2026-000123"
TICKET_ID, PASS_CODE, PASS_ID = "R70aJWrV41OSTtM6", "K3F0-ABCD-EFGH-JKMN", "K3F0ABCDEFGHJKMN"
WINDOW = ("24/11/2026 09:00", "24/11/2026 12:00")

# -- before (commit b957d6f): the texts as the code made them ------------------------------------
BEFORE = {
    "appointment.booked": lambda d: f"Το ραντεβού σας κλείστηκε. {d['service']}, {WHEN}. Κωδ. {REF}",
    "appointment.reminder": lambda d: f"Σας υπενθυμίζουμε το ραντεβού σας. {d['service']}, {WHEN}. Κωδ. {REF}",
    "appointment.cancelled (by staff)": lambda d: (
        f"Το ραντεβού σας ακυρώθηκε. {d['service']}, {WHEN}. Κωδ. {REF}. Αιτία: {d['reason']}"
    ),
    "request.update (registered)": lambda d: (
        f"Το αίτημά σας «{d['type']}» καταχωρίστηκε με αριθμό πρωτοκόλλου {PROTOCOL}."[:300]
    ),
    "request.update (status, note)": lambda d: (
        f"Το αίτημά σας {PROTOCOL} («{d['type']}») είναι τώρα: Σε εξέλιξη.\n\nΣημείωμα: {d['note']}"[:300]
    ),
    "queue.soon": lambda d: (
        f"Δήμος: το εισιτήριό σας A012 είναι 3ο στη σειρά. Εκτιμώμενη αναμονή 12 λεπτά. Παρακαλούμε να "
        f"βρίσκεστε κοντά. {BASE}/ticket/{TICKET_ID}"
    ),
    "queue.called": lambda d: "Δήμος: A012, παρακαλούμε προσέλθετε στο γκισέ 4.",
    "visits.pass": lambda d: f"Κάρτα επισκέπτη {PASS_CODE}: {BASE}/pass/{PASS_ID}",
    "visits.exposure": lambda d: (
        d["message"] + f"\n\nΛάβατε αυτό το μήνυμα επειδή η επίσκεψή σας στο κτίριο «{d['building']}» "
        f"συνέπεσε με το διάστημα {WINDOW[0]} – {WINDOW[1]}."
    ),
    "alert.broadcast": lambda d: f"{d['title']}: {d['text']}"[:320],
}


# -- after: the code's own templates -------------------------------------------------------------
def after(data: dict[str, str]) -> dict[str, str]:
    from chalicelib.services.appointments import notices as appointment_notices
    from chalicelib.services.backoffice import alerts
    from chalicelib.services.live_queue import events
    from chalicelib.services.platform import gsm7
    from chalicelib.services.requests import notices as request_notices
    from chalicelib.services.visits import passes, sender

    service = SimpleNamespace(name_el=data["service"], name_en=data["service"], documents=[], point={})
    appointment = SimpleNamespace(reference=REF, slot_start=datetime(2026, 11, 24, 7, 30, tzinfo=UTC),
                                  status="cancelled_by_staff", cancel_reason=data["reason"])
    out = {}
    for kind, label in (("appointment.booked", None), ("appointment.reminder", None),
                        ("appointment.cancelled", "appointment.cancelled (by staff)")):
        out[label or kind] = appointment_notices.texts(kind, appointment, service)["sms"]["el"]
    req = SimpleNamespace(protocol=PROTOCOL, request_id=REQUEST_ID, status="in_progress")
    names = {"el": data["type"], "en": data["type"]}
    out["request.update (registered)"] = request_notices._texts(req, names, {"action": {"S": "submitted"}})["sms"]["el"]
    image = {"action": {"S": "status_changed"}, "status": {"S": "in_progress"}, "note": {"S": data["note"]},
             "note_public": {"BOOL": True}}
    out["request.update (status, note)"] = request_notices._texts(req, names, image)["sms"]["el"]
    out["queue.soon"] = events._text(events.SOON, "el", code="A012", position=3, minutes=12,
                                     url=f"{BASE}/ticket/{TICKET_ID}")
    out["queue.called"] = events._text(events.CALLED_TO_COUNTER, "el", code="A012", counter="4")
    out["visits.pass"] = gsm7.fit(passes.PASS_SMS["el"], {"code": PASS_CODE, "url": f"{BASE}/pass/{PASS_ID}"})
    out["visits.exposure"] = gsm7.fit(
        sender.SMS["el"],
        {"building": data["building"], "start": WINDOW[0], "end": WINDOW[1], "message": data["message"]},
        shrink=("message", "building"),
    )
    out["alert.broadcast"] = gsm7.fit(alerts.SMS, {"title": data["title"], "text": data["text"], "link": f"{BASE}/"},
                                      shrink=alerts.SHRINK)
    return out


def measure() -> list[dict[str, Any]]:
    from chalicelib.services.platform import gsm7
    from chalicelib.settings import reset_settings

    os.environ["DIMOTIS_PUBLIC_BASE_URL"] = BASE
    reset_settings()
    rows = []
    for name, data in (("typical", TYPICAL), ("longest", LONGEST)):
        now = after(data)
        for kind, make in BEFORE.items():
            old = make(data)
            rows.append({
                "kind": kind, "data": name,
                "before_chars": len(old), "before_parts": gsm7.parts(old), "before_encoding":
                    "GSM-7" if gsm7.is_gsm(old) else "UCS-2",
                "after_chars": len(now[kind]), "after_parts": gsm7.parts(now[kind]),
                "after_encoding": "GSM-7" if gsm7.is_gsm(now[kind]) else "UCS-2",
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure()
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    print("| kind | data | before: chars, parts | after: chars, parts |")
    print("| --- | --- | ---: | ---: |")
    for r in rows:
        print(f"| {r['kind']} | {r['data']} | {r['before_chars']} {r['before_encoding']}, **{r['before_parts']}** "
              f"| {r['after_chars']} {r['after_encoding']}, **{r['after_parts']}** |")
    for name in ("typical", "longest"):
        mine = [r for r in rows if r["data"] == name]
        print(f"\n{name}: {sum(r['before_parts'] for r in mine)} parts before, "
              f"{sum(r['after_parts'] for r in mine)} after, for one SMS of each of {len(mine)} kinds")


if __name__ == "__main__":
    main()
