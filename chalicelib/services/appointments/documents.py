"""What a citizen takes away from an appointment: the printable proof (HTML with a print
stylesheet and a QR code of the reference, ``segno``) and the calendar entry (RFC 5545,
``icalendar``, with the Europe/Athens time zone, the service point as location and an alarm).

Example::

    ics(appointment, service, "el")          # "BEGIN:VCALENDAR..." text
    proof_html(appointment, service, "en")   # a complete HTML page

Limitation: the proof is HTML to print from the browser (a PDF renderer would add megabytes to the
Lambda package); its stylesheet hides everything but the proof when printed.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

from chalicelib.clock import TZ, local, utcnow
from chalicelib.models.appointments import CANCELLED
from chalicelib.services.appointments.booking import get_own
from chalicelib.services.appointments.catalogue import find_service, get_service, point_of
from chalicelib.settings import get_settings

STATUS_TEXT = {
    "booked": ("Κλεισμένο", "Booked"),
    "rescheduled": ("Κλεισμένο (άλλαξε ώρα)", "Booked (rescheduled)"),
    "cancelled_by_citizen": ("Ακυρώθηκε από εσάς", "Cancelled by you"),
    "cancelled_by_staff": ("Ακυρώθηκε από την υπηρεσία", "Cancelled by the service"),
    "completed": ("Ολοκληρώθηκε", "Completed"),
    "no_show": ("Δεν προσήλθατε", "Did not attend"),
}
GREEK_DAYS = ("Δευτέρα", "Τρίτη", "Τετάρτη", "Πέμπτη", "Παρασκευή", "Σάββατο", "Κυριακή")
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _lang(language: str | None) -> str:
    return "en" if language == "en" else "el"


def pick(item: dict[str, Any] | Any, field: str, language: str) -> str:
    """``item[field_el]`` or ``item[field_en]`` (falling back to Greek)."""
    get = item.get if isinstance(item, dict) else (lambda k, d=None: getattr(item, k, d))
    return get(f"{field}_{language}") or get(f"{field}_el") or ""


def when_text(appointment: Any, language: str) -> str:
    """``Τρίτη 24/11/2026, 09:30`` / ``Tuesday 24/11/2026, 09:30`` (Athens time)."""
    at = local(appointment.slot_start)
    days = GREEK_DAYS if _lang(language) == "el" else ENGLISH_DAYS
    return f"{days[at.weekday()]} {at:%d/%m/%Y, %H:%M}"


def address(service: Any, language: str) -> str:
    point = point_of(service)
    return ", ".join(x for x in (pick(point, "name", language), pick(point, "address", language)) if x)


def ics(appointment: Any, service: Any, language: str = "el") -> str:
    """The appointment as a VCALENDAR with a VTIMEZONE for Europe/Athens and a VALARM."""
    from icalendar import Alarm, Calendar, Event, Timezone, vGeo

    language = _lang(language)
    cal = Calendar()
    cal.add("prodid", "-//Dimotis//Appointments//EL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add_component(Timezone.from_tzid(TZ.key))
    event = Event()
    host = get_settings().public_base_url.split("//", 1)[-1].split("/", 1)[0] or "dimotis"
    event.add("uid", f"{appointment.appointment_id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("sequence", int(appointment.version) - 1)
    event.add("dtstart", local(appointment.slot_start))
    event.add("dtend", local(appointment.slot_end))
    label = "Ραντεβού" if language == "el" else "Appointment"
    event.add("summary", f"{label}: {pick(service, 'name', language)} ({appointment.reference})")
    event.add("location", address(service, language))
    point = point_of(service)
    if point.get("lat") is not None and point.get("lng") is not None:
        event.add("geo", vGeo((float(point["lat"]), float(point["lng"]))))
    docs = [pick(d, "name", language) for d in (service.documents or [])]
    heading = "Δικαιολογητικά" if language == "el" else "Documents to bring"
    ref_label = "Κωδικός" if language == "el" else "Reference"
    lines = [f"{ref_label}: {appointment.reference}"]
    if docs:
        lines.append(f"{heading}: " + "; ".join(docs))
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
    event.add(
        "url", f"{get_settings().public_base_url}/appointments.html#appointment-{appointment.appointment_id}"
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["summary"])
    alarm.add("trigger", timedelta(hours=-2))
    event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def ics_filename(appointment: Any) -> str:
    return f"appointment-{appointment.reference}.ics"


def qr_svg(reference: str) -> str:
    import segno

    return segno.make(reference, error="m", micro=False).svg_inline(scale=5, dark="#000", light="#fff")


PROOF_CSS = """
body { font-family: Arial, "Helvetica Neue", sans-serif; color: #0b0c0c; margin: 2rem auto; max-width: 44rem;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
.ref { font-size: 2rem; font-weight: bold; letter-spacing: .15em; font-family: monospace; }
.grid { display: flex; gap: 2rem; align-items: flex-start; flex-wrap: wrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 1rem 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.status { display: inline-block; padding: .1rem .5rem; border: 2px solid #0b0c0c; }
.actions { margin-top: 1.5rem; }
button { font-size: 1rem; padding: .5rem 1rem; cursor: pointer; }
@media print { .actions { display: none; } body { margin: 0; max-width: none; } @page { margin: 15mm; } }
"""


def proof_html(appointment: Any, service: Any, language: str = "el") -> str:
    """A complete, printable HTML page (no scripts) with the QR code of the reference."""
    lang = _lang(language)
    el = lang == "el"
    t = {
        "title": "Αποδεικτικό ραντεβού" if el else "Appointment confirmation",
        "reference": "Κωδικός ραντεβού" if el else "Reference",
        "service": "Υπηρεσία" if el else "Service",
        "when": "Ημερομηνία και ώρα" if el else "Date and time",
        "where": "Τόπος" if el else "Place",
        "status": "Κατάσταση" if el else "Status",
        "subject": "Θέμα" if el else "Subject",
        "documents": "Τι να φέρετε" if el else "What to bring",
        "where_get": "Πού θα το βρείτε" if el else "Where to get it",
        "qr": "Δείξτε τον κωδικό QR στο περίπτερο ή στο γκισέ για check-in."
        if el
        else "Show the QR code at the kiosk or the counter to check in.",
        "print": "Εκτύπωση" if el else "Print",
        "name": "Ονοματεπώνυμο" if el else "Name",
    }
    status = STATUS_TEXT.get(appointment.status, (appointment.status, appointment.status))[0 if el else 1]
    docs = []
    for doc in service.documents or []:
        where = pick(doc, "where", lang)
        docs.append(
            f"<li>{escape(pick(doc, 'name', lang))}"
            + (f" <small>({escape(t['where_get'])}: {escape(where)})</small>" if where else "")
            + "</li>"
        )
    point = point_of(service)
    phone = point.get("phone")
    rows = [
        (t["service"], pick(service, "name", lang)),
        (t["when"], when_text(appointment, lang)),
        (t["where"], address(service, lang) + (f" · {phone}" if phone else "")),
        (t["status"], status),
    ]
    if appointment.citizen_name:
        rows.insert(0, (t["name"], appointment.citizen_name))
    if appointment.subject:
        rows.append((t["subject"], appointment.subject))
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t["title"])} {escape(appointment.reference)}</title><style>{PROOF_CSS}</style></head>
<body><main>
<h1>{escape(t["title"])}</h1>
<div class="grid">
<div><p>{escape(t["reference"])}</p><p class="ref" data-testid="proof-reference">{escape(appointment.reference)}</p>
<dl>{dl}</dl></div>
<figure><div role="img" aria-label="QR {escape(appointment.reference)}">{qr_svg(appointment.reference)}</div>
<figcaption><small>{escape(t["qr"])}</small></figcaption></figure>
</div>
<h2>{escape(t["documents"])}</h2><ul>{"".join(docs)}</ul>
<p class="actions"><button type="button" onclick="window.print()">{escape(t["print"])}</button></p>
</main></body></html>"""


def day_list_html(rows: list[Any], day: str, language: str = "el") -> str:
    """The day's appointments of a department as a printable table (staff)."""
    lang = _lang(language)
    el = lang == "el"
    heads = (
        ("Ώρα", "Κωδικός", "Υπηρεσία", "Πολίτης", "ΑΦΜ", "Θέμα", "Κατάσταση")
        if el
        else ("Time", "Reference", "Service", "Citizen", "Tax id", "Subject", "Status")
    )
    title = ("Ραντεβού της ημέρας" if el else "Appointments of the day") + f" {day}"
    body = []
    for row in sorted(rows, key=lambda r: r.start):
        service = find_service(row.service_id)  # a removed service still lists its appointments
        service_name = pick(service, "name", lang) if service is not None else row.service_id
        status = STATUS_TEXT.get(row.status, (row.status, row.status))[0 if el else 1]
        cells = (
            row.start[11:16],
            row.reference,
            service_name,
            row.citizen_name or "",
            row.taxid,
            row.subject or "",
            status,
        )
        body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    empty = "Κανένα ραντεβού." if el else "No appointments."
    table = (
        "<table><thead><tr>"
        + "".join(f"<th scope=col>{escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
        if body
        else f"<p>{escape(empty)}</p>"
    )
    css = (
        PROOF_CSS + "table{border-collapse:collapse;width:100%}th,td{border:1px solid #b1b4b6;padding:.3rem;"
        "text-align:left;font-size:.9rem}body{max-width:none}"
    )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{css}</style></head>
<body><main><h1>{escape(title)}</h1>{table}
<p class="actions"><button type="button" onclick="window.print()">{"Εκτύπωση" if el else "Print"}</button></p>
</main></body></html>"""


# -- the citizen's own documents ------------------------------------------------------------------
def language_of(wanted: str | None, accept_language: str | None) -> str:
    """``el`` or ``en``: the ``lang`` asked for, else the browser's first language."""
    if wanted in ("el", "en"):
        return wanted
    return "en" if (accept_language or "").lower().startswith("en") else "el"


def own_proof(session: Any, appointment_id: str, language: str) -> str:
    """The printable proof of the citizen's own appointment (404 for anyone else's)."""
    appointment = get_own(session, appointment_id)
    return proof_html(appointment, get_service(appointment.service_id, include_inactive=True), language)


def own_calendar(session: Any, appointment_id: str, language: str) -> tuple[str, str]:
    """(file name, ``.ics`` text) of the citizen's own appointment (404 for anyone else's)."""
    appointment = get_own(session, appointment_id)
    text = ics(appointment, get_service(appointment.service_id, include_inactive=True), language)
    return ics_filename(appointment), text
