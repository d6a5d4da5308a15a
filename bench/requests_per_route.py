"""DynamoDB requests per route: every operation of the OpenAPI document, called once, as its caller.

    .venv/bin/python bench/requests_per_route.py            # markdown table
    .venv/bin/python bench/requests_per_route.py --json
    .venv/bin/python bench/requests_per_route.py --rounds 3

In one process under moto (``mock_aws``), with the local stack's environment, provisioning and demo
data (``devstack.stack``, ``devstack.demo``), each operation of ``chalicelib.openapi.document()`` is
called through Chalice's test client with a valid request, as the right caller (a citizen session,
or the Cognito ID token of a demo staff member of the right role and department), in an order that
creates what later calls need: ``SCENARIO`` below, one entry per documented operation.

The whole scenario runs ``--rounds`` times (default 3), each round with its own citizens, day and
objects; the first round warms the container (clients, caches), the last one is reported. Per call,
every DynamoDB request is recorded with botocore event hooks on the per-thread session that every
PynamoDB connection shares (``chalicelib/botocore_session.py``) and on the boto3 DynamoDB client of
``chalicelib/aws.py``: operation, tables, items returned and items read (``ScannedCount``). A Scan
is flagged; reads that grow between the last two rounds (more data, same call) are flagged too.
The per-container caches (services, service points and the municipality's settings 30 s, table
list 10 s) are held for the whole run, so the figures are those of a warm container within those
lifetimes and do not depend on how long a round takes.

Exit status 1 when an operation of the document has no entry here (or an entry names an operation
that is gone), or when a call did not answer a documented success status: a new route without a
bench entry is noticed. ``tests/unit/test_bench_routes.py`` checks the entries without running.
"""

from __future__ import annotations

import argparse
import email.message
import io
import json
import os
import re
import sys
import urllib.parse
import urllib.request
import urllib.response
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Values = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One call of an operation. ``path`` (default: the documented path) is formatted with the
    run's values; ``body`` is JSON (a dict), a form (a str) or a function of the values;
    ``prepare`` runs first and is not counted (data the call needs that no earlier call made);
    ``keep`` saves from the response what later calls need."""

    path: str | None = None
    who: str | None = None
    body: Any = None
    cookie: Callable[[Values], str] | None = None
    prepare: Callable[[Values], None] | None = None
    keep: Callable[[Values, Any], None] | None = None
    note: str = ""


def _set(**names: Callable[[Any], Any]) -> Callable[[Values, Any], None]:
    """``keep=_set(a1=lambda body: body["appointment_id"])``: values from the JSON body."""

    def keep(v: Values, resp: Any) -> None:
        body = resp.json_body
        v.update({name: get(body) for name, get in names.items()})

    return keep


def _cookies(resp: Any) -> dict[str, str]:
    raw = resp.headers.get("Set-Cookie") or resp.headers.get("set-cookie") or []
    out = {}
    for line in [raw] if isinstance(raw, str) else raw:
        name, _, rest = line.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


# -- what each call needs that no earlier call made (not counted) ----------------------------------
def _book(service_id: str, start: str, taxid: str) -> str:
    from types import SimpleNamespace

    from chalicelib.services import appointments

    appointment, _ = appointments.book(SimpleNamespace(taxid=taxid, name="BENCH"), service_id, start)
    return appointment.appointment_id


def _staff_appointments(v: Values) -> None:
    """Three booked appointments for the staff to complete, mark no-show and cancel."""
    for n, name in enumerate(("to_complete", "to_no_show", "to_cancel")):
        v[name] = _book("kep-signature", v["sig"][2 + n], f"92{v['round']}{n:06d}")


def _overbook(v: Values) -> None:
    """Two appointments in each of three slots on the day whose capacity the next absence lowers."""
    for n in range(6):
        _book("kep-certificates", v["cert"][n // 2], f"93{v['round']}{n:06d}")


def _todays_reference(v: Values, name: str) -> None:
    """An appointment today at the KEP (as the demo's), its reference for a queue check-in."""
    from chalicelib.services.appointments import reference_for
    from devstack.demo.appointments import todays_appointment

    appointment = todays_appointment()
    appointment.appointment_id = f"bench-today-{v['round']}-{name}"
    appointment.reference = reference_for(appointment.appointment_id)
    appointment.save()
    v[name] = appointment.reference


def _walk_ins(v: Values) -> None:
    from chalicelib.services import live_queue

    for prefix in "ABC":
        live_queue.issue_walk_in("kep-dimarxeio", f"kep-dimarxeio-{prefix}")


def _call_next(v: Values) -> None:
    """The counter's next ticket, called without being counted (for no-show and transfer)."""
    from chalicelib.services import live_queue
    from chalicelib.services.platform import audit, staff_auth

    with audit.recording(source="bench"):
        ticket = live_queue.call_next(staff_auth.verify(v["tokens"]["clerk.kep"]), v["counter"])
    v["other_queue"] = next(q for q in v["counter_queues"] if q != ticket.queue_id)


def _taxisnet_code(v: Values) -> None:
    """The stand-in Taxisnet's answer to the citizen choosing a test taxpayer."""
    from chalicelib.services.platform import taxisnet

    _, headers, _ = STAND_IN.handle(
        "POST",
        "/dev/taxisnet/oauth/authorize",
        {},
        {
            "client_id": STAND_IN.client_id,
            "redirect_uri": taxisnet.redirect_uri(),
            "state": v["oauth_state"],
            "taxid": "123456789",
        },
        {},
    )
    query = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)
    v["oauth_code"] = query["code"][0]


def _keep_oauth(v: Values, resp: Any) -> None:
    location = urllib.parse.urlparse(resp.headers["Location"])
    v["oauth_state"] = urllib.parse.parse_qs(location.query)["state"][0]
    v["oauth_cookie"] = _cookies(resp)["dimotis_oauth"]


def _keep_flags(v: Values, resp: Any) -> None:
    flags = sorted(resp.json_body["flags"], key=lambda f: f["start"])
    v["flags"] = [f["appointment_id"] for f in flags]
    v["move_to"] = flags[0]["suggestions"]["slots"][0]


def _window(hours_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _incident(v: Values, slot: int) -> dict[str, str]:
    """An incident at the Δημαρχείο in a window of its own (one per building and window): an hour,
    ``slot`` of the round's."""
    hours_ago = 3 + 24 * v["round"] + 2 * slot
    return {
        "building_id": "dimarxeio",
        "window_start": _window(hours_ago),
        "window_end": _window(hours_ago - 1),
        "message_el": "Πιθανή έκθεση (bench)",
    }


def _pending_incident(v: Values) -> None:
    """A second incident, declared and waiting for the second key (to be rejected)."""
    from chalicelib.services import visits
    from chalicelib.services.platform import audit, staff_auth

    with audit.recording(source="bench"):
        officer = staff_auth.verify(v["tokens"]["health.officer"])
        v["incident2"] = visits.declare(officer, _incident(v, 1))["incident_id"]


def _hr_export(v: Values) -> dict[str, Any]:
    from devstack.demo.backoffice import HR_EXPORT

    return {"content": HR_EXPORT.read_text(encoding="utf-8"), "format": "csv", "dry_run": False}


def _bench_mobile(v: Values) -> str:
    return f"+3069{v['round']:08d}"


def _sent(recipient: str, pattern: str) -> str:
    """What ``pattern`` finds in the newest contact confirmation message to ``recipient``."""
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform import contacts

    rows = [m for m in OutboxMessage.scan() if m.recipient == recipient and m.kind == contacts.KIND]
    return re.search(pattern, max(rows, key=lambda m: m.created_key).body).group(1)


def _email_link(v: Values) -> None:
    """A confirmation e-mail to the citizen: the link in it."""
    from chalicelib.services.platform import contacts, sessions

    address = f"bench.link.{v['round']}@example.gr"
    contacts.start(sessions.verify(v["tokens"]["citizen"]).taxid, email=address)
    v["link"] = _sent(address, r"/verify\.html#(\S+)")


def _first_sign_in(v: Values) -> None:
    """The invited colleague's first sign-in with the temporary password the pool e-mailed."""
    from chalicelib.services.platform import staff_signin
    from devstack.cognito import mails

    username = f"bench.new{v['round']}"
    temporary = mails(username, "invitation")[0]["body"].split("Temporary password: ", 1)[1].split()[0]
    step = staff_signin.login(username, temporary).challenge
    v["challenge"] = {k: step[k] for k in ("username", "session", "challenge")}


def _staff_account(v: Values) -> str:
    """The cookies of this round's staff sign-in: the account's routes need its access token."""
    cookies = v["staff_cookies"]
    return f"dimotis_staff={cookies['dimotis_staff']}; dimotis_staff_access={cookies['dimotis_staff_access']}"


def _totp(v: Values) -> str:
    from tests.totp import fresh_code

    return fresh_code(v["totp_secret"])


def _reset_code() -> str:
    from devstack.cognito import mails

    return mails("clerk.planning", "password_reset")[0]["body"].split("είναι ", 1)[1][:6]


POTHOLE = {"type_code": "pothole", "attributes": {"SIZE": "small"}, "lat": 37.92812, "lon": 23.70139}
OPEN311_FORM = {
    "service_code": "pothole",
    "lat": "37.9282",
    "long": "23.7015",
    "attribute[SIZE]": "large",
    "description": "Λακκούβα (bench)",
}


def _municipality() -> dict[str, Any]:
    from devstack.demo.catalogue import MUNICIPALITY

    return MUNICIPALITY


def _bench_point(v: Values) -> dict[str, Any]:
    return {
        "service_point_id": f"bench-point-{v['round']}",
        "department_id": "kep",
        "name_el": "Γραφείο (bench)",
        "name_en": "Bench office",
        "address_el": "Τερψιχόρης 51",
        "lat": 37.9281,
        "lng": 23.7014,
        "hours": {d: [["08:00", "15:00"]] for d in "12345"},
    }


def _bench_service(v: Values) -> dict[str, Any]:
    return {
        "service_id": f"bench-service-{v['round']}",
        "department_id": "kep",
        "service_point_id": f"bench-point-{v['round']}",
        "name_el": "Υπηρεσία (bench)",
        "name_en": "Bench service",
        "documents": [{"name_el": "Ταυτότητα", "name_en": "Identity card"}],
        "hours": {d: [["08:00", "14:00"]] for d in "12345"},
        "periods": [
            {
                "id": "summer",
                "name_el": "Θερινό ωράριο",
                "from": "2026-07-01",
                "to": "2026-08-31",
                "hours": {d: [["08:00", "13:00"]] for d in "12345"},
            }
        ],
    }


def _password() -> str:
    from devstack.demo.org import STAFF_PASSWORD

    return STAFF_PASSWORD


def _open311_form(v: Values) -> str:
    from devstack.demo.requests import DEMO_OPEN311_KEY

    return urllib.parse.urlencode({"api_key": DEMO_OPEN311_KEY, **OPEN311_FORM})


def _open311_filed(v: Values, *, media: bool = False, token: bool = False) -> Any:
    """A pothole filed by the demo Open311 app, with a picture it sent or a token of the old POST."""
    from chalicelib.services import requests
    from chalicelib.services.requests.open311 import media as open311_media
    from devstack.demo.requests import DEMO_OPEN311_KEY_ID

    photo = b"\x89PNG\r\n\x1a\n" + bytes(1024)
    stored = [open311_media.store(open311_media.Media(photo, "image/png"), DEMO_OPEN311_KEY_ID)] if media else []
    return requests.submit(
        requests.get_type("pothole"),
        requester=requests.Requester(),
        actor=requests.Actor("open311", DEMO_OPEN311_KEY_ID, "Demo app"),
        channel="open311",
        description="Λακκούβα (bench)",
        attributes={"SIZE": "large"},
        lat=37.9282,
        lon=23.7015,
        photos=stored,
        api_key_id=DEMO_OPEN311_KEY_ID,
        with_token=token,
    )


def _open311_media(v: Values) -> None:
    v["media"] = f"{_open311_filed(v, media=True).request_id}.png"


def _open311_token(v: Values) -> None:
    v["token"] = _open311_filed(v, token=True).token


# -- the scenario: every documented operation, in the order the calls need each other -------------
G, P, U, D = "GET", "POST", "PUT", "DELETE"
SCENARIO: dict[tuple[str, str], Call] = {
    # health, alerts
    (G, "/api/health"): Call(note="ListTables, cached 10 s per container"),
    (G, "/api/openapi.json"): Call(),
    (G, "/api/alerts"): Call(),
    (G, "/api/alerts/topics"): Call(),
    # citizen sign-in (the stand-in Taxisnet answers in-process) and profile
    (G, "/api/auth/taxisnet/login"): Call(keep=_keep_oauth),
    (G, "/api/auth/taxisnet/callback"): Call(
        "/api/auth/taxisnet/callback?state={oauth_state}&code={oauth_code}",
        prepare=_taxisnet_code,
        cookie=lambda v: f"dimotis_oauth={v['oauth_cookie']}",
        keep=lambda v, r: v["tokens"].update({"new session": _cookies(r)["dimotis_session"]}),
    ),
    (G, "/api/me"): Call(who="citizen"),
    (U, "/api/me"): Call(
        who="citizen", body={"email": "bench@example.gr", "mobile": "+306900000000", "topics": ["heatwave"]}
    ),
    # contacts: the citizen confirms a mobile by the code sent, and an e-mail by its link
    (P, "/api/me/contacts/verifications"): Call(who="citizen", body=lambda v: {"mobile": _bench_mobile(v)}),
    (P, "/api/me/contacts/verifications/confirm"): Call(
        who="citizen", body=lambda v: {"channel": "sms", "code": _sent(_bench_mobile(v), r"\b(\d{6})\b")}
    ),
    (P, "/api/contacts/confirm-link"): Call(prepare=_email_link, body=lambda v: {"link": v["link"]}),
    # appointments: the citizen books, looks, moves, cancels
    (G, "/api/services"): Call(),
    (G, "/api/services/{service_id}"): Call("/api/services/kep-signature"),
    (G, "/api/services/{service_id}/availability"): Call(
        "/api/services/kep-signature/availability?from={day}&to={day}"
    ),
    (P, "/api/appointments"): Call(
        who="citizen",
        body=lambda v: {"service_id": "kep-signature", "start": v["sig"][0]},
        keep=_set(mine=lambda b: b["appointment_id"]),
    ),
    (G, "/api/appointments"): Call(who="citizen"),
    (G, "/api/appointments/{appointment_id}"): Call("/api/appointments/{mine}", who="citizen"),
    (G, "/api/appointments/{appointment_id}/proof"): Call("/api/appointments/{mine}/proof", who="citizen"),
    (G, "/api/appointments/{appointment_id}/calendar.ics"): Call(
        "/api/appointments/{mine}/calendar.ics", who="citizen"
    ),
    (P, "/api/appointments/{appointment_id}/reschedule"): Call(
        "/api/appointments/{mine}/reschedule", who="citizen", body=lambda v: {"start": v["sig"][1]}
    ),
    (P, "/api/appointments/{appointment_id}/cancel"): Call("/api/appointments/{mine}/cancel", who="citizen"),
    # appointments: the KEP's clerk and the admin (the KEP has no manager)
    (G, "/api/staff/appointments"): Call(
        "/api/staff/appointments?from={day}&to={day}", who="clerk.kep", prepare=_staff_appointments
    ),
    (G, "/api/staff/appointments/day-list"): Call(
        "/api/staff/appointments/day-list?date={day}", who="clerk.kep"
    ),
    (G, "/api/staff/appointments/{appointment_id}"): Call(
        "/api/staff/appointments/{to_complete}", who="clerk.kep"
    ),
    (P, "/api/staff/appointments/{appointment_id}/complete"): Call(
        "/api/staff/appointments/{to_complete}/complete", who="clerk.kep", body={"comment": "ok"}
    ),
    (P, "/api/staff/appointments/{appointment_id}/no-show"): Call(
        "/api/staff/appointments/{to_no_show}/no-show", who="clerk.kep"
    ),
    (P, "/api/staff/appointments/{appointment_id}/cancel"): Call(
        "/api/staff/appointments/{to_cancel}/cancel", who="clerk.kep", body={"reason": "Η υπηρεσία κλείνει"}
    ),
    (G, "/api/staff/services"): Call(who="clerk.kep"),
    (G, "/api/staff/services/{service_id}"): Call("/api/staff/services/kep-signature", who="clerk.kep"),
    (U, "/api/staff/services/{service_id}"): Call(
        "/api/staff/services/kep-signature",
        who="admin",
        body=lambda v: {"max_per_day": 2 + v["round"] % 2},
        note="a change each round (an edit that changes nothing writes nothing)",
    ),
    # the municipality's catalogue: the admin adds a point, a service there and a queue; the settings
    (G, "/api/municipality"): Call(note="cached 30 s per container"),
    (U, "/api/admin/municipality"): Call(who="admin", body=lambda v: _municipality()),
    (P, "/api/staff/catalogue/service-points"): Call(
        who="admin", body=lambda v: _bench_point(v), note="PutItem if absent"
    ),
    (G, "/api/staff/catalogue/service-points"): Call(who="admin"),
    (G, "/api/staff/catalogue/service-points/{service_point_id}"): Call(
        "/api/staff/catalogue/service-points/bench-point-{round}", who="admin"
    ),
    (U, "/api/staff/catalogue/service-points/{service_point_id}"): Call(
        "/api/staff/catalogue/service-points/bench-point-{round}",
        who="admin",
        body={"name_en": "Bench office (renamed)", "phone": "2109999999"},
        note="one transaction: the point and its queues' copies of its names",
    ),
    (P, "/api/staff/services"): Call(
        who="admin", body=lambda v: _bench_service(v), note="one transaction: the service and the point's check"
    ),
    (P, "/api/staff/catalogue/queues"): Call(
        who="admin",
        body=lambda v: {
            "service_point_id": f"bench-point-{v['round']}",
            "prefix": "A",
            "department_id": "kep",
            "name_el": "Πάγκος",
            "service_ids": [f"bench-service-{v['round']}"],
            "kinds": ["walk_in"],
        },
    ),
    (G, "/api/staff/catalogue/queues"): Call(who="admin", note="the admin's own department (kep)"),
    (U, "/api/staff/catalogue/queues/{queue_id}"): Call(
        "/api/staff/catalogue/queues/bench-point-{round}-A", who="admin", body={"name_en": "Desk"}
    ),
    # staffing: absences lower a day's capacity, the appointments beyond it are flagged and resolved
    (G, "/api/staff/staffing/services/{service_id}"): Call(
        "/api/staff/staffing/services/kep-certificates", who="admin"
    ),
    (U, "/api/staff/staffing/services/{service_id}"): Call(
        "/api/staff/staffing/services/kep-certificates",
        who="admin",
        body={"employee_numbers": ["E004", "E005", "E013"]},
    ),
    (P, "/api/staff/absences/import"): Call(
        who="admin",
        body=lambda v: {
            "content": f"employee_number,kind,start_day,end_day,note\nE005,leave,{v['day']},{v['day']},\n"
        },
    ),
    (P, "/api/staff/absences"): Call(
        who="admin",
        prepare=_overbook,
        body=lambda v: {
            "employee_number": "E004",
            "kind": "sickness",
            "start_day": v["day"],
            "end_day": v["day"],
        },
        keep=_set(absence=lambda b: b["absence"]["absence_id"]),
        note="flags 3 slots",
    ),
    (G, "/api/staff/absences"): Call(who="admin"),
    (G, "/api/staff/staffing/availability/{service_id}"): Call(
        "/api/staff/staffing/availability/kep-certificates?from={day}&to={day}", who="clerk.kep"
    ),
    (G, "/api/staff/capacity-flags"): Call(who="clerk.kep", keep=_keep_flags, note="3 open flags"),
    (P, "/api/staff/capacity-flags/{appointment_id}/move"): Call(
        "/api/staff/capacity-flags/{flags[0]}/move", who="clerk.kep", body=lambda v: {"start": v["move_to"]}
    ),
    (P, "/api/staff/capacity-flags/{appointment_id}/cover"): Call(
        "/api/staff/capacity-flags/{flags[1]}/cover", who="admin", body={"employee_number": "E001"}
    ),
    (P, "/api/staff/capacity-flags/{appointment_id}/dismiss"): Call(
        "/api/staff/capacity-flags/{flags[2]}/dismiss", who="clerk.kep"
    ),
    (D, "/api/staff/absences/{absence_id}"): Call("/api/staff/absences/{absence}", who="admin"),
    # live queue: kiosk, check-ins, a counter through every step
    (G, "/api/queue/points/{service_point_id}"): Call("/api/queue/points/kep-dimarxeio"),
    (P, "/api/queue/points/{service_point_id}/tickets"): Call(
        "/api/queue/points/kep-dimarxeio/tickets",
        body={"queue_id": "kep-dimarxeio-A"},
        keep=_set(ticket=lambda b: b["ticket_id"]),
    ),
    (P, "/api/queue/points/{service_point_id}/check-in"): Call(
        "/api/queue/points/kep-dimarxeio/check-in",
        prepare=lambda v: _todays_reference(v, "kiosk_ref"),
        body=lambda v: {"reference": v["kiosk_ref"]},
    ),
    (G, "/api/queue/tickets/{ticket_id}"): Call("/api/queue/tickets/{ticket}"),
    (G, "/api/queue/points/{service_point_id}/board"): Call("/api/queue/points/kep-dimarxeio/board"),
    (G, "/api/staff/queue/points"): Call(who="clerk.kep"),
    (G, "/api/staff/queue/points/{service_point_id}"): Call(
        "/api/staff/queue/points/kep-dimarxeio", who="clerk.kep"
    ),
    (P, "/api/staff/queue/points/{service_point_id}/check-in"): Call(
        "/api/staff/queue/points/kep-dimarxeio/check-in",
        who="clerk.kep",
        prepare=lambda v: _todays_reference(v, "desk_ref"),
        body=lambda v: {"reference": v["desk_ref"]},
    ),
    (P, "/api/staff/queue/points/{service_point_id}/counters"): Call(
        "/api/staff/queue/points/kep-dimarxeio/counters",
        who="clerk.kep",
        prepare=_walk_ins,
        body={"label": "9", "queue_ids": ["kep-dimarxeio-A", "kep-dimarxeio-B", "kep-dimarxeio-C"]},
        keep=_set(counter=lambda b: b["counter_id"], counter_queues=lambda b: b["queue_ids"]),
    ),
    (P, "/api/staff/queue/counters/{counter_id}/next"): Call(
        "/api/staff/queue/counters/{counter}/next", who="clerk.kep", note="counter free (no ticket to finish)"
    ),
    (P, "/api/staff/queue/counters/{counter_id}/recall"): Call(
        "/api/staff/queue/counters/{counter}/recall", who="clerk.kep"
    ),
    (P, "/api/staff/queue/counters/{counter_id}/start"): Call(
        "/api/staff/queue/counters/{counter}/start", who="clerk.kep"
    ),
    (P, "/api/staff/queue/counters/{counter_id}/served"): Call(
        "/api/staff/queue/counters/{counter}/served", who="clerk.kep"
    ),
    (P, "/api/staff/queue/counters/{counter_id}/no-show"): Call(
        "/api/staff/queue/counters/{counter}/no-show", who="clerk.kep", prepare=_call_next
    ),
    (P, "/api/staff/queue/counters/{counter_id}/transfer"): Call(
        "/api/staff/queue/counters/{counter}/transfer",
        who="clerk.kep",
        prepare=_call_next,
        body=lambda v: {"queue_id": v["other_queue"]},
    ),
    (P, "/api/staff/queue/counters/{counter_id}/close"): Call(
        "/api/staff/queue/counters/{counter}/close", who="clerk.kep"
    ),
    (G, "/api/staff/queue/stats"): Call(who="clerk.kep"),
    # requests: a citizen reports, another follows, the roads department works it
    (G, "/api/request-types"): Call(),
    (G, "/api/request-types/{code}"): Call("/api/request-types/pothole"),
    (P, "/api/requests/photos"): Call(who="citizen", body={"content_type": "image/jpeg"}),
    (P, "/api/requests"): Call(
        who="citizen",
        body={**POTHOLE, "description": "Λακκούβα (bench)"},
        keep=_set(request=lambda b: b["request"]["request_id"]),
    ),
    (G, "/api/requests/mine"): Call(who="citizen"),
    (G, "/api/requests/mine/{request_id}"): Call("/api/requests/mine/{request}", who="citizen"),
    (G, "/api/requests/follow"): Call("/api/requests/follow?protocol={request}"),
    (P, "/api/requests/follow"): Call(who="follower", body=lambda v: {"protocol": v["request"]}),
    (P, "/api/requests/unfollow"): Call(who="follower", body=lambda v: {"protocol": v["request"]}),
    (G, "/api/requests/nearby"): Call("/api/requests/nearby?type_code=pothole&lat=37.9281&lon=23.7014"),
    (G, "/api/staff/requests"): Call(who="clerk.roads"),
    (G, "/api/staff/requests-map"): Call(who="clerk.roads"),
    (G, "/api/staff/requests/{request_id}"): Call("/api/staff/requests/{request}", who="clerk.roads"),
    (P, "/api/staff/requests/{request_id}/assign"): Call(
        "/api/staff/requests/{request}/assign", who="clerk.roads", body={"username": "clerk.roads"}
    ),
    (P, "/api/staff/requests/{request_id}/notes"): Call(
        "/api/staff/requests/{request}/notes",
        who="clerk.roads",
        body={"note": "Αυτοψία αύριο", "public": True},
    ),
    (P, "/api/staff/requests/{request_id}/status"): Call(
        "/api/staff/requests/{request}/status", who="clerk.roads", body={"status": "in_progress"}
    ),
    (P, "/api/staff/requests"): Call(
        who="clerk.roads",
        body={**POTHOLE, "channel": "phone", "citizen": {"name": "Κάτοικος (τηλέφωνο)"}},
        keep=_set(by_phone=lambda b: b["request"]["request_id"]),
    ),
    (P, "/api/staff/requests-bulk-assign"): Call(
        who="clerk.roads", body=lambda v: {"request_ids": [v["by_phone"]], "username": "manager.roads"}
    ),
    (P, "/api/staff/requests/{request_id}/route"): Call(
        "/api/staff/requests/{request}/route",
        who="clerk.roads",
        body={"department_id": "cleaning", "note": "Μπάζα, όχι λακκούβα"},
    ),
    (G, "/api/staff/request-colleagues"): Call(who="clerk.roads"),
    (G, "/api/staff/request-types"): Call(who="clerk.roads"),
    (P, "/api/staff/request-photos"): Call(who="clerk.roads", body={"content_type": "image/png"}),
    (U, "/api/admin/request-types/{code}"): Call(
        "/api/admin/request-types/bench-graffiti",
        who="admin",
        body={
            "code": "bench-graffiti",
            "name_el": "Γκράφιτι",
            "name_en": "Graffiti",
            "group": "cleaning",
            "group_el": "Καθαριότητα",
            "group_en": "Cleaning",
            "department_id": "cleaning",
        },
    ),
    (G, "/api/admin/open311/keys"): Call(who="admin"),
    (P, "/api/admin/open311/keys"): Call(
        who="admin", body={"name": "bench"}, keep=_set(key=lambda b: b["key_id"])
    ),
    (P, "/api/admin/open311/keys/{key_id}/revoke"): Call("/api/admin/open311/keys/{key}/revoke", who="admin"),
    # Open311 GeoReport v2
    (G, "/open311/v2/discovery.json"): Call(),
    (G, "/open311/v2/discovery.xml"): Call(),
    (G, "/open311/v2/services.json"): Call(),
    (G, "/open311/v2/services.xml"): Call(),
    (G, "/open311/v2/services/{code}"): Call("/open311/v2/services/pothole.json"),
    (P, "/open311/v2/requests.json"): Call(
        body=_open311_form, keep=_set(geo=lambda b: b[0]["service_request_id"]), note="+ the key's token bucket"
    ),
    (P, "/open311/v2/requests.xml"): Call(body=_open311_form),
    (G, "/open311/v2/requests.json"): Call(note="default: the last 90 days"),
    (G, "/open311/v2/requests.xml"): Call(note="default: the last 90 days"),
    (G, "/open311/v2/requests/{request_id}"): Call("/open311/v2/requests/{geo}.json"),
    (G, "/open311/v2/tokens/{token}"): Call("/open311/v2/tokens/{token}.json", prepare=_open311_token),
    (G, "/open311/v2/media/{media_id}"): Call("/open311/v2/media/{media}", prepare=_open311_media),
    # visit log
    (G, "/api/visits/buildings"): Call(),
    (G, "/api/visits/buildings/{building_id}"): Call("/api/visits/buildings/dimarxeio"),
    (P, "/api/visits/registrations"): Call(
        body={"name": "Επισκέπτρια", "email": "visitor@example.gr", "consent": True},
        keep=_set(pass_id=lambda b: b["pass_id"], code=lambda b: b["code"]),
    ),
    (G, "/api/visits/passes/{pass_id}"): Call("/api/visits/passes/{pass_id}"),
    (G, "/api/visits/passes/{pass_id}/qr"): Call("/api/visits/passes/{pass_id}/qr"),
    (P, "/api/visits/buildings/{building_id}/scans"): Call(
        "/api/visits/buildings/dimarxeio/scans", body=lambda v: {"code": v["code"], "entrance_id": "kentriki"}
    ),
    (P, "/api/staff/visits/registrations"): Call(
        who="clerk.kep", body={"name": "Επισκέπτης", "mobile": "+306900000001", "consent": True}
    ),
    (U, "/api/staff/visits/buildings/{building_id}"): Call(
        "/api/staff/visits/buildings/bench-annex",
        who="admin",
        body={
            "name_el": "Παράρτημα",
            "closing_time": "20:00",
            "entrances": [{"entrance_id": "main", "name_el": "Κύρια"}],
        },
    ),
    (P, "/api/staff/visits/incidents"): Call(
        who="health.officer", body=lambda v: _incident(v, 0), keep=_set(incident=lambda b: b["incident_id"])
    ),
    (P, "/api/staff/visits/incidents/{incident_id}/approve"): Call(
        "/api/staff/visits/incidents/{incident}/approve", who="admin", note="the second key"
    ),
    (P, "/api/staff/visits/incidents/{incident_id}/reject"): Call(
        "/api/staff/visits/incidents/{incident2}/reject",
        who="admin",
        prepare=_pending_incident,
        body={"reason": "bench"},
    ),
    (G, "/api/staff/visits/incidents"): Call(who="health.officer"),
    (G, "/api/staff/visits/incidents/{incident_id}"): Call(
        "/api/staff/visits/incidents/{incident}", who="health.officer"
    ),
    (D, "/api/visits/passes/{pass_id}"): Call("/api/visits/passes/{pass_id}"),
    # back office
    (G, "/api/staff/org"): Call(who="clerk.roads"),
    (G, "/api/staff/employees"): Call(who="manager.roads"),
    (G, "/api/staff/audit"): Call(who="manager.roads", note="default: the last 7 days"),
    (G, "/api/staff/audit/export"): Call(who="manager.roads", note="default: the last 7 days"),
    (G, "/api/staff/stats/{dashboard}"): Call("/api/staff/stats/requests", who="manager.roads"),
    (G, "/api/staff/stats/{dashboard}/export"): Call("/api/staff/stats/requests/export", who="manager.roads"),
    (P, "/api/admin/org/import"): Call(
        who="admin", body=_hr_export,
        note="the demo HR export again: deactivates only the member POST /api/admin/staff invited (not in it)"
    ),
    (G, "/api/admin/alerts"): Call(who="admin"),
    (P, "/api/admin/alerts"): Call(
        who="admin",
        body={
            "topic": "heatwave",
            "title": {"el": "Καύσωνας", "en": "Heatwave"},
            "text": {"el": "Κλιματιζόμενες αίθουσες", "en": "Cooled halls"},
            "channels": [],
        },
        keep=_set(alert=lambda b: b["alert_id"]),
    ),
    (P, "/api/admin/alerts/{alert_id}/withdraw"): Call("/api/admin/alerts/{alert}/withdraw", who="admin"),
    (G, "/api/admin/messages"): Call(who="admin"),
    # staff: an administrator invites a colleague, who sets a password at the first sign-in
    (P, "/api/admin/staff"): Call(
        who="admin",
        body=lambda v: {"username": f"bench.new{v['round']}", "email": f"new{v['round']}@example.gr",
                        "name": "BENCH", "role": "clerk", "department_id": "kep"},
    ),
    (P, "/api/staff/login/challenge"): Call(
        prepare=_first_sign_in,
        body=lambda v: {**v["challenge"], "new_password": f"Bench-Password-{v['round']}!"},
        note="new password; the session's token verified (the revocation read, cached per container)",
    ),
    # staff sign-in (Cognito), the account's security, a forgotten password, sign-out
    (P, "/api/staff/login"): Call(
        body=lambda v: {"username": "clerk.planning", "password": _password()},
        keep=lambda v, r: v.update(staff_cookies=_cookies(r)),
    ),
    (P, "/api/staff/refresh"): Call(
        cookie=lambda v: f"dimotis_staff_refresh={v['staff_cookies']['dimotis_staff_refresh']}"
    ),
    (G, "/api/staff/me"): Call(cookie=lambda v: f"dimotis_staff={v['staff_cookies']['dimotis_staff']}"),
    (G, "/api/staff/account/security"): Call(cookie=_staff_account),
    (P, "/api/staff/account/totp"): Call(cookie=_staff_account, keep=_set(totp_secret=lambda b: b["secret"])),
    (P, "/api/staff/account/totp/verify"): Call(cookie=_staff_account, body=lambda v: {"code": _totp(v)}),
    (D, "/api/staff/account/totp"): Call(cookie=_staff_account),
    (P, "/api/staff/account/password"): Call(
        cookie=_staff_account, body=lambda v: {"current_password": _password(), "new_password": _password()}
    ),
    # a citizen's own data: the round's citizen downloads it (an appointment, a report); the follower
    # closes the account
    (G, "/api/me/data"): Call(who="citizen", note="1 appointment, 1 request: grows with the citizen's data"),
    (P, "/api/me/close"): Call(who="follower", body={"confirm": True}),
    (P, "/api/staff/password/forgot"): Call(body={"username": "clerk.planning"}),
    (P, "/api/staff/password/reset"): Call(
        body=lambda v: {"username": "clerk.planning", "code": _reset_code(), "new_password": _password()}
    ),
    (P, "/api/staff/logout"): Call(
        cookie=lambda v: f"dimotis_staff_access={v['staff_cookies']['dimotis_staff_access']}",
        note="the revocation written",
    ),
    # the citizen signs out last, here and at Taxisnet
    (P, "/api/auth/logout"): Call(who="new session"),
    (G, "/api/auth/taxisnet/logout"): Call(),
}

STAFF = ("admin", "clerk.kep", "clerk.roads", "manager.roads", "health.officer")


def documented() -> dict[tuple[str, str], list[int]]:
    """Every operation of the OpenAPI document and its success statuses."""
    from chalicelib.openapi import document

    return {
        (method.upper(), path): sorted(int(c) for c in op["responses"] if c[0] in "23")
        for path, methods in document()["paths"].items()
        for method, op in methods.items()
    }


# -- counting --------------------------------------------------------------------------------------
READS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")


class Requests:
    """botocore hooks: every DynamoDB request while ``on``, with its tables and the items it read."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.on = False
        self.seen: list[dict[str, Any]] = []

    def install(self, events: Any) -> None:
        events.register("before-parameter-build.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def _tables(self, params: dict[str, Any]) -> list[str]:
        names = [params.get("TableName")] + list(params.get("RequestItems") or {})
        for item in params.get("TransactItems") or []:
            names += [part.get("TableName") for part in item.values()]
        return sorted({n.removeprefix(self.prefix) for n in names if n})

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.on:
            self.seen.append({"op": model.name, "tables": self._tables(params), "returned": 0, "read": 0})

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if not self.on or not self.seen or model.name not in READS:
            return
        if model.name == "GetItem":
            returned = 1 if parsed.get("Item") else 0
            read = returned
        elif model.name in ("BatchGetItem", "TransactGetItems"):
            returned = read = sum(len(v) for v in (parsed.get("Responses") or {}).values())
        else:
            returned = parsed.get("Count", 0)
            read = parsed.get("ScannedCount", returned)
        self.seen[-1].update(returned=returned, read=read)

    def take(self) -> list[dict[str, Any]]:
        out, self.seen = self.seen, []
        return out


def summary(seen: list[dict[str, Any]]) -> dict[str, Any]:
    ops = Counter(r["op"] for r in seen)
    by_table = Counter(f"{r['op']} {','.join(r['tables'])}" for r in seen)
    reads = [r for r in seen if r["op"] in READS]
    return {
        "requests": len(seen),
        "by_operation": dict(sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_table": dict(sorted(by_table.items())),
        "items_returned": sum(r["returned"] for r in reads),
        "items_read": sum(r["read"] for r in reads),
        "scans": sorted({t for r in seen if r["op"] == "Scan" for t in r["tables"]}),
    }


def spelled(ops: dict[str, int]) -> str:
    return " + ".join(f"{n} {op}" for op, n in ops.items()) or "0"


# -- the run ---------------------------------------------------------------------------------------
class _TaxisnetHandler(urllib.request.BaseHandler):
    """urllib answers for the stand-in Taxisnet's URLs from the stand-in itself (no socket)."""

    handler_order = 100

    def http_open(self, req: urllib.request.Request) -> Any:
        from devstack.taxisnet import PREFIX

        url = urllib.parse.urlparse(req.full_url)
        if not url.path.startswith(PREFIX):
            return None
        form = dict(urllib.parse.parse_qsl((req.data or b"").decode()))
        query = dict(urllib.parse.parse_qsl(url.query))
        headers = {k.lower(): v for k, v in req.header_items()}
        status, out, body = STAND_IN.handle(req.get_method(), url.path, query, form, headers)
        message = email.message.Message()
        for name, value in out.items():
            message[name] = value
        resp = urllib.response.addinfourl(io.BytesIO(body), message, req.full_url, status)
        resp.msg = "stand-in"
        return resp


STAND_IN: Any = None
ORIGIN = ""


def setup() -> tuple[Requests, dict[str, str]]:
    """The local stack's environment, provisioning and demo data, under moto in this process."""
    global STAND_IN, ORIGIN
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    from moto import mock_aws  # first: botocore sessions made after this carry moto's hook

    from chalicelib.botocore_session import thread_session
    from devstack import cognito
    from devstack.stack import DEMO_ENVIRONMENT, apply_environment, base_environment, provision
    from devstack.taxisnet import TaxisnetStandIn
    from tests.conftest import _moto_jwks  # noqa: F401 - also the tests' environment: no network

    env = base_environment("http://unused", 0)
    del env["AWS_ENDPOINT_URL"]  # moto in this process, not an endpoint
    os.environ.pop("AWS_ENDPOINT_URL", None)
    apply_environment({**env, **DEMO_ENVIRONMENT, "DIMOTIS_QUEUE_NO_SHOW_MINUTES": "0"})
    from chalicelib.settings import get_settings

    ORIGIN = get_settings().public_base_url
    cognito.apply()  # the local stack's Cognito: reset codes, invitations, TOTP checked

    counter = Requests(get_settings().table_prefix)
    STAND_IN = TaxisnetStandIn()
    urllib.request.install_opener(urllib.request.build_opener(_TaxisnetHandler()))

    mock_aws().start()
    # after moto set its credentials (a thread's session lives as long as its AWS_* environment)
    # and before any client exists: every client of the session, PynamoDB's and
    # chalicelib.aws's alike, copies the hooks
    counter.install(thread_session())
    from chalicelib.models import create_all_tables
    from chalicelib.services.appointments import catalogue
    from chalicelib.services.platform import (
        health,
        municipality,
        service_points,
        staff_auth,
        staff_revocation,
        staff_signin,
    )

    create_all_tables()
    apply_environment(provision("http://unused"))
    staff_auth.set_jwks(staff_auth.Jwks(document=_moto_jwks("public")))
    from devstack.demo import seed_all

    seed_all()
    # a warm container: its service cache, its points and settings, what it remembers of revocations
    catalogue.SERVICE_TTL_SECONDS = health.CACHE_SECONDS = staff_revocation.CACHE_SECONDS = 24 * 3600
    service_points.POINT_TTL_SECONDS = municipality.SETTINGS_TTL_SECONDS = 24 * 3600
    tokens = {name: staff_signin.login(name, _password()).tokens["id_token"] for name in STAFF}
    return counter, tokens


def round_values(r: int, tokens: dict[str, str]) -> Values:
    """This round's citizens (sessions), day and slots (the r-th open day after the next)."""
    from chalicelib.models.citizens import Citizen
    from chalicelib.services import appointments
    from chalicelib.services.platform import sessions

    v: Values = {"round": r, "tokens": dict(tokens)}
    for who, taxid in (("citizen", f"90000000{r}"), ("follower", f"91000000{r}")):
        Citizen(taxid, first_name="BENCH", last_name=who.upper(), email=f"{who}{r}@example.gr").save()
        v["tokens"][who] = sessions.issue(taxid, f"BENCH {who}")[0]
    start = date.today()
    until = (start + timedelta(days=30)).isoformat()
    window = appointments.availability("kep-certificates", start.isoformat(), until)
    days = [d for d in window["days"] if d["slots"]]
    day = days[1 + r]["date"]
    v["day"] = day
    for key, service in (("sig", "kep-signature"), ("cert", "kep-certificates")):
        found = appointments.availability(service, day, day)["days"][0]["slots"]
        v[key] = [s["start"] for s in found]
    return v


def run_call(client: Any, counter: Requests, method: str, path: str, call: Call, v: Values) -> dict:
    try:
        if call.prepare:
            call.prepare(v)
        url = (call.path or path).format(**v)
        headers: dict[str, str] = {}
        if call.who:
            headers["Authorization"] = f"Bearer {v['tokens'][call.who]}"
        if call.cookie:
            headers["Cookie"] = call.cookie(v)
            headers["Origin"] = ORIGIN  # a browser's call from this site (middleware.guard)
        body = call.body(v) if callable(call.body) else call.body
    except (KeyError, IndexError) as exc:  # an earlier call failed to make what this one needs
        return {"status": None, "error": f"not called: no {exc}", **summary([])}
    raw = None
    if isinstance(body, str):
        headers["Content-Type"], raw = "application/x-www-form-urlencoded", body.encode()
    elif body is not None:
        headers["Content-Type"], raw = "application/json", json.dumps(body).encode()
    counter.take()
    counter.on = True
    try:
        resp = client.http.request(method, url, headers=headers, body=raw or b"")
    finally:
        counter.on = False
    result = {"status": resp.status_code, **summary(counter.take())}
    if resp.status_code < 400 and call.keep:
        call.keep(v, resp)
    elif resp.status_code >= 400:
        result["error"] = resp.body[:300].decode(errors="replace")
    return result


def run(rounds: int) -> dict[str, Any]:
    counter, tokens = setup()
    from chalice.test import Client

    from app import app

    ops = documented()
    results: dict[tuple[str, str], list[dict]] = {key: [] for key in SCENARIO}
    with Client(app) as client:
        for r in range(1, rounds + 1):
            v = round_values(r, tokens)
            for (method, path), call in SCENARIO.items():
                if (method, path) in ops:
                    results[(method, path)].append(run_call(client, counter, method, path, call, v))
    return {"ops": ops, "results": results}


def report(ops: dict, results: dict) -> dict[str, Any]:
    rows, failed = [], []
    for (method, path), call in sorted(SCENARIO.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (method, path) not in ops or not results[(method, path)]:
            continue
        runs = results[(method, path)]
        last = runs[-1]
        ok = all(x["status"] in ops[(method, path)] for x in runs)
        if not ok:
            failed.append(f"{method} {path}: {[x['status'] for x in runs]} {runs[-1].get('error', '')}")
        notes = [call.note] if call.note else []
        if last["scans"]:
            notes.append(f"**Scan** of {', '.join(last['scans'])}")
        if last["items_read"] > last["items_returned"]:
            notes.append(f"{last['items_returned']} of {last['items_read']} items read pass the filter")
        if len(runs) > 1 and last["items_read"] > runs[-2]["items_read"]:
            notes.append(f"grows with the data: {runs[-2]['items_read']} → {last['items_read']} items read")
        rows.append(
            {
                "method": method,
                "path": path,
                "as": call.who or ("cookie" if call.cookie else "anyone"),
                "status": last["status"],
                "ok": ok,
                "requests": last["requests"],
                "operations": spelled(last["by_operation"]),
                "items_read": last["items_read"],
                "note": "; ".join(notes),
                "last_round": last,
                "first_round": runs[0],
            }
        )
    missing = sorted(f"{m} {p}" for m, p in set(ops) - set(SCENARIO))
    gone = sorted(f"{m} {p}" for m, p in set(SCENARIO) - set(ops))
    return {"rows": rows, "missing": missing, "gone": gone, "failed": failed}


def markdown(out: dict[str, Any]) -> str:
    lines = [
        "| method | route | as | status | DynamoDB requests | items read | note |",
        "| --- | --- | --- | ---: | --- | ---: | --- |",
    ]
    for row in out["rows"]:
        lines.append(
            f"| {row['method']} | `{row['path']}` | {row['as']} | {row['status']} | {row['operations']} "
            f"| {row['items_read']} | {row['note']} |"
        )
    counts = [row["requests"] for row in out["rows"]]
    lines.append("")
    lines.append(
        f"{len(counts)} operations, {sum(counts)} DynamoDB requests in all; "
        f"{sum(1 for c in counts if c == 0)} with none, {max(counts, default=0)} at most; "
        f"{sum(1 for row in out['rows'] if row['last_round']['scans'])} with a Scan."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="the last one is reported (default 3)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    done = run(max(args.rounds, 1))
    out = report(done["ops"], done["results"])
    if args.json:
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(markdown(out))
    problems = [
        *(f"not covered by the bench: {x}" for x in out["missing"]),
        *(f"no longer documented: {x}" for x in out["gone"]),
        *(f"no documented success: {x}" for x in out["failed"]),
    ]
    for line in problems:
        print(line, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
