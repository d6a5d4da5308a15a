"""Security (DESIGN invariants 1, 4 and 6): who may touch what, forged tokens, size limits, the
per-citizen quota.

(a) Citizen matrix: citizen B calls every citizen route (OpenAPI security ``citizenCookie``) with
    citizen A's ids: refused (403/404) with nothing written, or answered with B's own data only;
    A's objects are unchanged either way. ``CITIZEN`` must have an entry for every citizen route;
    ``CITIZEN_PUBLIC`` holds the public routes that take a citizen's id or reference, and queue
    tickets and visit passes, reached by id alone, must have unguessable ids.
(b) Staff matrix: a clerk and a manager of another department call every staff route with the ids
    of a department's objects: refused (403/404) with nothing written; a manager of the owning
    department and an admin are let through. ``STAFF`` must have an entry for every staff route
    (``Unscoped`` says why a route addresses nothing of a department).
(c) Token attacks on both kinds of session: all 401 with the JSON error shape.
(d) Limits: request bodies (413 JSON on every route), and how lists are bounded: no route takes a
    page size; date ranges are either cut (and the answer says which days it covers) or refused.
(e) The per-citizen quota of upcoming appointments (``DIMOTIS_MAX_UPCOMING_APPOINTMENTS``).

"Nothing written" is checked by scanning every table before and after the refused calls.

To add a route: add a line to ``CITIZEN`` or ``STAFF`` (placeholders in braces are filled from the
``world`` fixture: ``{appointment}`` ... are made afresh for each route).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import jwt
import pytest

from tests.conftest import bearer

A, B = "123456789", "987654321"
OWNER_ROLES = ("clerk", "manager")
REFUSED = (403, 404)
ERROR_SHAPE = re.compile(r"^[a-z_]+$")


# -- helpers ------------------------------------------------------------------------------------
def citizen_routes() -> set[tuple[str, str]]:
    return _routes(lambda path, op: any("citizenCookie" in s for s in op.get("security", [])))


def staff_routes() -> set[tuple[str, str]]:
    from tests.unit.test_role_matrix import staff_routes as role_matrix_routes

    return role_matrix_routes()


def _routes(keep: Callable[[str, dict], bool]) -> set[tuple[str, str]]:
    from app import app
    from chalicelib import openapi

    paths = openapi.document()["paths"]
    return {
        (method, path)
        for path, methods in app.routes.items()
        for method in methods
        if keep(path, paths.get(path, {}).get(method.lower(), {}))
    }


def snapshot() -> dict[str, list[str]]:
    """Every item of every table (moto), to show that a refused call wrote nothing."""
    from chalicelib.aws import client
    from chalicelib.models import all_models

    ddb = client("dynamodb")
    out = {}
    for model in all_models():
        items = []
        for page in ddb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            items.extend(json.dumps(i, sort_keys=True) for i in page["Items"])
        out[model.Meta.table_name] = sorted(items)
    return out


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def json_of(resp) -> Any:
    try:
        return json.loads(resp.body)
    except ValueError:
        return None


def is_json_error(resp) -> bool:
    body = json_of(resp)
    return (
        isinstance(body, dict)
        and isinstance(body.get("error"), dict)
        and bool(ERROR_SHAPE.match(str(body["error"].get("code", ""))))
        and isinstance(body["error"].get("message"), str)
    )


def call(client, method: str, path: str, token: str | None = None, body: Any = None, headers=None):
    hdrs = {"Content-Type": "application/json", **(bearer(token) if token else {}), **(headers or {})}
    raw = json.dumps(body).encode() if body is not None else (b"{}" if method in ("POST", "PUT") else None)
    return client.http.request(method, path, headers=hdrs, body=raw)


def fill(value: Any, values: dict[str, str]) -> Any:
    """``value`` with every ``{name}`` replaced (strings inside dicts and lists too)."""
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], value)
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


def availability(client, service_id: str, days: int = 30) -> list[dict]:
    """The days of ``GET /api/services/{service_id}/availability`` from today on."""
    from chalicelib.models.base import utcnow

    today = utcnow().date()
    url = f"/api/services/{service_id}/availability?from={today}&to={today + timedelta(days=days)}"
    resp = client.http.request("GET", url)
    assert resp.status_code == 200, resp.body
    return resp.json_body["days"]


def placeholders(*parts: Any) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", json.dumps(parts)))


# -- the world: demo data, two citizens, staff of three departments -----------------------------
class People:
    """Citizens A and B, and staff of three departments (tokens), with the test client."""

    def __init__(self, client, make_staff, make_citizen):
        self.client = client
        self.citizen = {
            A: make_citizen(A, first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ", email="maria@example.gr"),
            B: make_citizen(B, first_name="ΓΙΑΝΝΗΣ", last_name="ΝΙΚΟΛΑΟΥ", email="giannis@example.gr"),
        }
        self.staff = {
            "admin": make_staff("admin", "kep", username="sec.admin"),
            ("clerk", "kep"): make_staff("clerk", "kep", username="sec.clerk.kep"),
            ("manager", "kep"): make_staff("manager", "kep", username="sec.manager.kep"),
            ("manager", "roads"): make_staff("manager", "roads", username="sec.manager.roads"),
            ("clerk", "cleaning"): make_staff("clerk", "cleaning", username="sec.clerk.cleaning"),
            ("manager", "cleaning"): make_staff("manager", "cleaning", username="sec.manager.cleaning"),
        }


class World(People):
    """Demo data plus citizen A's objects; ``make(name)`` makes a fresh object of a department."""

    def __init__(self, people: People):
        from chalicelib import clock

        self.__dict__.update(people.__dict__)
        client = self.client
        self.n = 0
        # citizen A: an appointment (booked with an Idempotency-Key), a private request, a photo,
        # and a public report of someone else that A follows
        slot = self.free_slot("kep-certificates")
        resp = call(
            client,
            "POST",
            "/api/appointments",
            self.citizen[A],
            {"service_id": "kep-certificates", "start": slot, "subject": "Πιστοποιητικό"},
            headers={"Idempotency-Key": "a-key"},
        )
        assert resp.status_code == 201, resp.json_body
        self.appointment = resp.json_body
        resp = call(
            client,
            "POST",
            "/api/requests",
            self.citizen[A],
            {"type_code": "general", "description": "Ιδιωτικό αίτημα της Μαρίας"},
        )
        assert resp.status_code == 200, resp.json_body
        self.request = resp.json_body["request"]
        photo = call(client, "POST", "/api/requests/photos", self.citizen[A], {"content_type": "image/png"})
        assert photo.status_code == 200, photo.json_body
        self.photo_key = photo.json_body["key"]
        self._put_photo(self.photo_key)
        report = self.new_request("pothole", taxid="111222333")
        resp = call(client, "POST", "/api/requests/follow", self.citizen[A], {"protocol": report.protocol})
        assert resp.status_code == 200, resp.json_body
        # a counter of the KEP open by one of its clerks
        resp = call(
            client,
            "POST",
            "/api/staff/queue/points/kep-dimarxeio/counters",
            self.staff[("clerk", "kep")],
            {"label": "7", "queue_ids": ["kep-dimarxeio-A"]},
        )
        assert resp.status_code == 200, resp.json_body
        self.counter = resp.json_body["counter_id"]
        self.values = {
            "a_appointment": self.appointment["appointment_id"],
            "a_request": self.request["request_id"],
            "a_protocol": self.request["protocol"],
            "a_photo": self.photo_key,
            "followed_protocol": report.protocol,
            "free_slot": self.free_slot("kep-certificates", skip=1),
            "counter": self.counter,
            "service": "kep-certificates",
            "point": "kep-dimarxeio",
            "queue_b": "kep-dimarxeio-B",
            "kep": "kep",
            "roads": "roads",
            "clerk_roads": "clerk.roads",
            "kep_employee": "E004",
            "today": clock.today().isoformat(),
        }

    # -- fresh objects ---------------------------------------------------------------------------
    def free_slot(self, service_id: str, skip: int = 0) -> str:
        """The ``skip``-th slot with room, as the citizens' availability shows it."""
        days = availability(self.client, service_id)
        return [s["start"] for d in days for s in d["slots"] if s["remaining"] > 0][skip]

    def _put_photo(self, key: str) -> None:
        from chalicelib.aws import client
        from chalicelib.settings import get_settings

        s3 = client("s3")
        bucket = get_settings().uploads_bucket
        try:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass
        s3.put_object(
            Bucket=bucket, Key=key, Body=b"\x89PNG\r\n\x1a\n" + b"0" * 2048, ContentType="image/png"
        )

    def _taxid(self) -> str:
        self.n += 1
        return f"7{self.n:08d}"

    def new_appointment(self, service_id: str = "kep-certificates"):
        from chalicelib.services.appointments import booking as appointments

        who = SimpleNamespace(taxid=self._taxid(), name="ΔΟΚΙΜΗ")
        appointment, _ = appointments.book(who, service_id, self.free_slot(service_id))
        return appointment

    def new_request(self, type_code: str = "pothole", taxid: str | None = None):
        from chalicelib.services import requests
        from chalicelib.services.requests import catalogue as request_types

        return requests.submit(
            request_types.get_type(type_code),
            requester=requests.Requester(taxid=taxid or self._taxid(), name="ΔΟΚΙΜΗ"),
            actor=requests.Actor("citizen", "citizen"),
            channel="web",
            description="Λακκούβα",
            attributes={"SIZE": "small"} if type_code == "pothole" else None,
            lat=37.9755,
            lon=23.7348,
        )

    def make(self, name: str) -> str:
        """A fresh object for ``{name}`` in a path or body, or a fixed value."""
        from chalicelib.models.staffing import Absence, CapacityFlag

        if name == "appointment":
            return self.new_appointment().appointment_id
        if name == "reference":
            return self.new_appointment().reference
        if name == "flag":
            a = self.new_appointment()
            CapacityFlag(
                a.appointment_id,
                service_id=a.service_id,
                department_id="kep",
                start=a.start,
                day=a.start[:10],
                capacity=0,
                booked=1,
                status="open",
                department_status="kep#open",
            ).save()
            return a.appointment_id
        if name == "request":
            return self.new_request().request_id
        if name == "absence":
            absence_id = f"sec{self._taxid()}"
            day = self.values["today"]
            Absence(
                absence_id,
                employee_number="E004",
                department_id="kep",
                kind="leave",
                start_day=day,
                end_day=day,
                created_by="sec",
            ).save()
            return absence_id
        return self.values[name]

    def resolve(self, *parts: Any) -> list[Any]:
        values = {name: self.make(name) for name in placeholders(*parts)}
        return [fill(p, values) for p in parts]

    # -- citizen A's state -----------------------------------------------------------------------
    def a_state(self) -> dict[str, Any]:
        from chalicelib.models.appointments import Appointment
        from chalicelib.models.citizens import Citizen
        from chalicelib.models.requests import CitizenRequest, RequestFollower
        from chalicelib.services import requests

        return {
            "citizen": Citizen.get(A).attribute_values,
            "appointment": Appointment.get(self.values["a_appointment"]).attribute_values,
            "request": CitizenRequest.get(self.values["a_request"]).attribute_values,
            "timeline": [
                e.attribute_values for e in requests.timeline(self.values["a_request"], public_only=False)
            ],
            "follows": sorted(f.request_id for f in RequestFollower.by_citizen.query(A)),
        }

    def a_secrets(self) -> list[str]:
        """Strings that must never appear in an answer to B."""
        from chalicelib.services.requests import photos as request_photos

        return [
            A,
            self.values["a_appointment"],
            self.appointment["reference"],
            self.values["a_request"],
            self.values["a_protocol"],
            request_photos.owner_prefix("citizen", A),
            "ΠΑΠΑΔΟΠΟΥΛΟΥ",
            "maria@example.gr",
            "Ιδιωτικό αίτημα",
        ]


@pytest.fixture
def people(cognito, client, make_staff, make_citizen):
    return People(client, make_staff, make_citizen)


@pytest.fixture
def world(people):
    from devstack.demo import seed_all

    seed_all()
    return World(people)


# == (a) citizen matrix ===========================================================================
@dataclass(frozen=True)
class Refused:
    """B's call with A's ids is refused (403/404, an id in the body too) and writes nothing; A's
    own call of a read gets through (so the id is real)."""

    path: str
    body: Any = None
    anonymous_too: bool = False


@dataclass(frozen=True)
class OwnOnly:
    """Acts on or answers with the caller's own data: B gets a 2xx with none of A's ids in it."""

    path: str
    body: Any = None


@dataclass(frozen=True)
class Probe:
    """A route whose attack is not an id in the path: ``check(world) -> problems``."""

    check: Callable[[World], list[str]]


def _idempotency_key_is_per_citizen(world: World) -> list[str]:
    """B reusing A's Idempotency-Key books B's own appointment, never answers with A's."""
    body = {"service_id": "kep-certificates", "start": world.values["free_slot"]}
    resp = call(
        world.client, "POST", "/api/appointments", world.citizen[B], body, {"Idempotency-Key": "a-key"}
    )
    if resp.status_code != 201 or resp.json_body["appointment_id"] == world.values["a_appointment"]:
        return [f"B with A's Idempotency-Key: {resp.status_code} {resp.json_body}"]
    return []


def _logout_ends_only_the_callers_session(world: World) -> list[str]:
    from chalicelib.services.platform import sessions

    resp = call(world.client, "POST", "/api/auth/logout", sessions.issue(B)[0])  # a second session of B
    still = call(world.client, "GET", "/api/me", world.citizen[A])
    if resp.status_code != 200 or still.status_code != 200:
        return [f"B's sign-out: {resp.status_code}; A afterwards: {still.status_code}"]
    return []


CITIZEN: dict[tuple[str, str], Refused | OwnOnly | Probe] = {
    ("POST", "/api/appointments"): Probe(_idempotency_key_is_per_citizen),
    ("GET", "/api/appointments"): OwnOnly("/api/appointments"),
    ("GET", "/api/appointments/{appointment_id}"): Refused("/api/appointments/{a_appointment}"),
    ("GET", "/api/appointments/{appointment_id}/calendar.ics"): Refused(
        "/api/appointments/{a_appointment}/calendar.ics"
    ),
    ("GET", "/api/appointments/{appointment_id}/proof"): Refused("/api/appointments/{a_appointment}/proof"),
    ("POST", "/api/appointments/{appointment_id}/cancel"): Refused(
        "/api/appointments/{a_appointment}/cancel", {}
    ),
    ("POST", "/api/appointments/{appointment_id}/reschedule"): Refused(
        "/api/appointments/{a_appointment}/reschedule", {"start": "{free_slot}"}
    ),
    ("POST", "/api/auth/logout"): Probe(_logout_ends_only_the_callers_session),
    ("GET", "/api/me"): OwnOnly("/api/me"),
    ("PUT", "/api/me"): OwnOnly("/api/me", {"email": "giannis.new@example.gr"}),
    ("POST", "/api/requests"): Refused(
        "/api/requests",
        {"type_code": "general", "description": "με τη φωτογραφία της Α", "photos": ["{a_photo}"]},
    ),
    ("POST", "/api/requests/photos"): OwnOnly("/api/requests/photos", {"content_type": "image/png"}),
    ("GET", "/api/requests/mine"): OwnOnly("/api/requests/mine"),
    ("GET", "/api/requests/mine/{request_id}"): Refused("/api/requests/mine/{a_request}"),
    ("POST", "/api/requests/follow"): Refused("/api/requests/follow", {"protocol": "{a_protocol}"}),
    ("POST", "/api/requests/unfollow"): OwnOnly(
        "/api/requests/unfollow", {"protocol": "{followed_protocol}"}
    ),
}


# public routes that take an id of a citizen's object (an optional session)
def _kiosk_check_in_tells_nothing_of_the_holder(world: World) -> list[str]:
    """Anyone at the kiosk may check in with a reference (by design); the ticket it gives, and the
    ticket's public page, carry nothing of the appointment holder."""
    from devstack.demo.appointments import TODAY_HOLDER, todays_appointment

    reference = todays_appointment().reference
    resp = call(
        world.client, "POST", "/api/queue/points/kep-dimarxeio/check-in", None, {"reference": reference}
    )
    if resp.status_code != 200:
        return [f"kiosk check-in with the demo reference: {resp.status_code} {resp.body[:200]!r}"]
    page = world.client.http.request("GET", f"/api/queue/tickets/{resp.json_body['ticket_id']}")
    taxid, name = TODAY_HOLDER
    leaked = [s for s in (taxid, name, *name.split()) if s.encode() in resp.body + page.body]
    return [f"the kiosk ticket shows {leaked}"] if leaked else []


CITIZEN_PUBLIC: dict[tuple[str, str], Refused | Probe] = {
    ("GET", "/api/requests/follow"): Refused(
        "/api/requests/follow?protocol={a_protocol}", anonymous_too=True
    ),
    ("POST", "/api/queue/points/{service_point_id}/check-in"): Probe(
        _kiosk_check_in_tells_nothing_of_the_holder
    ),
}


def test_every_citizen_route_has_an_entry():
    missing = sorted(citizen_routes() - set(CITIZEN))
    assert missing == [], f"citizen routes without an entry in CITIZEN: {missing}"


def test_no_citizen_entry_names_a_route_that_is_gone():
    everything = _routes(lambda path, op: True)
    assert sorted((set(CITIZEN) | set(CITIZEN_PUBLIC)) - everything) == []
    assert sorted(set(CITIZEN) - citizen_routes()) == []


def _refused(world: World, method: str, entry: Refused) -> list[str]:
    path, body = fill(entry.path, world.values), fill(entry.body, world.values)
    callers = [("B", world.citizen[B])] + ([("anonymous", None)] if entry.anonymous_too else [])
    wrong = []
    for who, token in callers:
        resp = call(world.client, method, path, token, body)
        if not is_json_error(resp) or resp.status_code not in REFUSED:
            wrong.append(f"{method} {path} as {who}: {resp.status_code} {resp.body[:200]!r}")
    if method == "GET":  # the control: A herself gets it (so the id is real)
        if (mine := call(world.client, method, path, world.citizen[A])).status_code != 200:
            wrong.append(f"{method} {path} as A herself: {mine.status_code} (the probe's id is not real)")
    return wrong


def _own_only(world: World, method: str, entry: OwnOnly) -> list[str]:
    path = fill(entry.path, world.values)
    resp = call(world.client, method, path, world.citizen[B], fill(entry.body, world.values))
    text = resp.body.decode("utf-8", "replace")
    leaked = [s for s in world.a_secrets() if s in text]
    if resp.status_code >= 300 or leaked:
        return [f"{method} {path} as B: {resp.status_code} leaked {leaked} {text[:200]}"]
    return []


def test_citizen_b_never_reaches_citizen_a_objects(world):
    # GIVEN citizen A's appointment, request, photo and follow
    entries = sorted({**CITIZEN, **CITIZEN_PUBLIC}.items())
    state, before = world.a_state(), snapshot()
    # WHEN citizen B (and no one, where a route is public) calls with A's ids
    wrong = [p for (method, _), e in entries if isinstance(e, Refused) for p in _refused(world, method, e)]
    # THEN every call is refused and nothing at all was written
    wrong += [f"{table} changed" for table in changed_tables(before, snapshot())]
    # AND the routes that act on the caller's own data answer B with nothing of A's
    wrong += [p for (method, _), e in entries if isinstance(e, OwnOnly) for p in _own_only(world, method, e)]
    wrong += [
        f"{method} {path}: {p}"
        for (method, path), e in entries
        if isinstance(e, Probe)
        for p in e.check(world)
    ]
    assert wrong == [], "\n".join(wrong)
    assert world.a_state() == state


def test_public_capability_ids_are_unguessable():
    """Queue tickets and visit passes are reached by id alone (kiosk, QR): the id is the secret."""
    from chalicelib.services.live_queue import tickets as queue
    from chalicelib.services.visits import passes as visits

    ticket_ids = {queue.new_ticket_id() for _ in range(200)}
    pass_ids = {visits.new_pass_id() for _ in range(200)}
    assert len(ticket_ids) == 200 and min(len(t) for t in ticket_ids) >= 16  # 96 random bits
    assert len(pass_ids) == 200
    assert len(visits.PASS_ALPHABET) ** visits.PASS_LENGTH >= 2**80


# == (b) staff matrix =============================================================================
def _not_other_department(resp) -> bool:
    return resp.status_code not in (401, 403, 404)


@dataclass(frozen=True)
class Scoped:
    """Addresses an object (or the lists) of department ``owner``: the clerk and the manager of
    another department are refused (``refused(resp)``, default 403/404) and nothing is written;
    the manager of ``owner`` and an admin get through (``allowed(resp)``, default anything but
    401/403/404)."""

    path: str
    body: Any = None
    owner: str = "kep"
    refused: Callable[[Any], bool] = field(default=lambda r: r.status_code in REFUSED and is_json_error(r))
    allowed: Callable[[Any], bool] = field(default=_not_other_department)


@dataclass(frozen=True)
class Unscoped:
    """The route addresses nothing that belongs to a department; ``reason`` says why."""

    reason: str


ADMIN_ONLY = Unscoped("admins only (the role matrix checks that)")
MUNICIPALITY = Unscoped("municipality-wide by design (see the role matrix for who may call it)")
OWN_SESSION = Unscoped("the caller's own sign-in or profile")


def _bulk_refused(resp) -> bool:
    results = (resp.json_body or {}).get("results", [])
    return resp.status_code == 200 and bool(results) and all(r["code"] == "other_department" for r in results)


def _bulk_allowed(resp) -> bool:
    return resp.status_code == 200 and all(r["ok"] for r in resp.json_body["results"])


def _import_refused(resp) -> bool:
    """Refused by role (403), or every row refused as another department's (409, nothing imported)."""
    errors = ((json_of(resp) or {}).get("error") or {}).get("details", {}).get("errors", [])
    rows_refused = bool(errors) and all("another department" in e["message"] for e in errors)
    return is_json_error(resp) and (resp.status_code == 403 or (resp.status_code == 409 and rows_refused))


ABSENCE = {"employee_number": "{kep_employee}", "kind": "leave", "start_day": "{today}", "end_day": "{today}"}
DEPT_KEP = "department_id={kep}"
STAFF: dict[tuple[str, str], Scoped | Unscoped] = {
    # sign-in and the caller's own things
    ("POST", "/api/staff/login"): OWN_SESSION,
    ("POST", "/api/staff/refresh"): OWN_SESSION,
    ("POST", "/api/staff/logout"): OWN_SESSION,
    ("GET", "/api/staff/me"): OWN_SESSION,
    ("POST", "/api/staff/request-photos"): Unscoped("upload form under the caller's own prefix"),
    # back office
    ("POST", "/api/admin/org/import"): ADMIN_ONLY,
    ("GET", "/api/staff/org"): Unscoped("the org chart is shown to every staff member"),
    ("GET", "/api/staff/employees"): Scoped(f"/api/staff/employees?{DEPT_KEP}"),
    ("GET", "/api/staff/audit"): Scoped(f"/api/staff/audit?{DEPT_KEP}"),
    ("GET", "/api/staff/audit/export"): Scoped(f"/api/staff/audit/export?{DEPT_KEP}"),
    ("GET", "/api/staff/stats/{dashboard}"): Scoped(f"/api/staff/stats/appointments?{DEPT_KEP}"),
    ("GET", "/api/staff/stats/{dashboard}/export"): Scoped(f"/api/staff/stats/requests/export?{DEPT_KEP}"),
    ("GET", "/api/admin/alerts"): ADMIN_ONLY,
    ("POST", "/api/admin/alerts"): ADMIN_ONLY,
    ("POST", "/api/admin/alerts/{alert_id}/withdraw"): ADMIN_ONLY,
    # staffing
    ("GET", "/api/staff/absences"): Scoped(f"/api/staff/absences?{DEPT_KEP}"),
    ("POST", "/api/staff/absences"): Scoped("/api/staff/absences", ABSENCE),
    ("POST", "/api/staff/absences/import"): Scoped(
        "/api/staff/absences/import",
        {"content": "employee_number,kind,start_day,end_day\n{kep_employee},leave,{today},{today}\n"},
        refused=_import_refused,
    ),
    ("DELETE", "/api/staff/absences/{absence_id}"): Scoped("/api/staff/absences/{absence}"),
    ("GET", "/api/staff/staffing/services/{service_id}"): Scoped("/api/staff/staffing/services/{service}"),
    ("PUT", "/api/staff/staffing/services/{service_id}"): Scoped(
        "/api/staff/staffing/services/{service}", {"employee_numbers": ["{kep_employee}"]}
    ),
    ("GET", "/api/staff/staffing/availability/{service_id}"): Scoped(
        "/api/staff/staffing/availability/{service}"
    ),
    ("GET", "/api/staff/capacity-flags"): Scoped(f"/api/staff/capacity-flags?{DEPT_KEP}"),
    ("POST", "/api/staff/capacity-flags/{appointment_id}/move"): Scoped(
        "/api/staff/capacity-flags/{flag}/move", {"start": "{free_slot}"}
    ),
    ("POST", "/api/staff/capacity-flags/{appointment_id}/cover"): Scoped(
        "/api/staff/capacity-flags/{flag}/cover", {"employee_number": "{kep_employee}"}
    ),
    ("POST", "/api/staff/capacity-flags/{appointment_id}/dismiss"): Scoped(
        "/api/staff/capacity-flags/{flag}/dismiss"
    ),
    # appointments
    ("GET", "/api/staff/appointments"): Scoped(f"/api/staff/appointments?{DEPT_KEP}"),
    ("GET", "/api/staff/appointments/day-list"): Scoped(f"/api/staff/appointments/day-list?{DEPT_KEP}"),
    ("GET", "/api/staff/appointments/{appointment_id}"): Scoped("/api/staff/appointments/{appointment}"),
    ("POST", "/api/staff/appointments/{appointment_id}/cancel"): Scoped(
        "/api/staff/appointments/{appointment}/cancel", {"reason": "δοκιμή"}
    ),
    ("POST", "/api/staff/appointments/{appointment_id}/complete"): Scoped(
        "/api/staff/appointments/{appointment}/complete"
    ),
    ("POST", "/api/staff/appointments/{appointment_id}/no-show"): Scoped(
        "/api/staff/appointments/{appointment}/no-show"
    ),
    ("GET", "/api/staff/services"): Scoped(f"/api/staff/services?{DEPT_KEP}"),
    ("GET", "/api/staff/services/{service_id}"): Scoped("/api/staff/services/{service}"),
    ("PUT", "/api/staff/services/{service_id}"): Scoped("/api/staff/services/{service}", {"capacity": 3}),
    # requests
    ("GET", "/api/staff/requests"): Scoped("/api/staff/requests?department_id={roads}", owner="roads"),
    ("POST", "/api/staff/requests"): Unscoped("taken by phone or at a desk for any type: routed by its type"),
    ("POST", "/api/staff/requests-bulk-assign"): Scoped(
        "/api/staff/requests-bulk-assign",
        {"request_ids": ["{request}"], "username": "{clerk_roads}"},
        owner="roads",
        refused=_bulk_refused,
        allowed=_bulk_allowed,
    ),
    ("GET", "/api/staff/requests-map"): Scoped(
        "/api/staff/requests-map?department_id={roads}", owner="roads"
    ),
    ("GET", "/api/staff/requests/{request_id}"): Scoped("/api/staff/requests/{request}", owner="roads"),
    ("POST", "/api/staff/requests/{request_id}/assign"): Scoped(
        "/api/staff/requests/{request}/assign", {"username": "{clerk_roads}"}, owner="roads"
    ),
    ("POST", "/api/staff/requests/{request_id}/notes"): Scoped(
        "/api/staff/requests/{request}/notes", {"note": "σημείωση", "public": False}, owner="roads"
    ),
    ("POST", "/api/staff/requests/{request_id}/route"): Scoped(
        "/api/staff/requests/{request}/route",
        {"department_id": "planning", "note": "λάθος τμήμα"},
        owner="roads",
    ),
    ("POST", "/api/staff/requests/{request_id}/status"): Scoped(
        "/api/staff/requests/{request}/status", {"status": "received"}, owner="roads"
    ),
    ("GET", "/api/staff/request-colleagues"): Scoped(
        "/api/staff/request-colleagues?department_id={roads}", owner="roads"
    ),
    ("GET", "/api/staff/request-types"): Unscoped("the catalogue of types"),
    ("PUT", "/api/admin/request-types/{code}"): ADMIN_ONLY,
    ("GET", "/api/admin/open311/keys"): ADMIN_ONLY,
    ("POST", "/api/admin/open311/keys"): ADMIN_ONLY,
    ("POST", "/api/admin/open311/keys/{key_id}/revoke"): ADMIN_ONLY,
    # live queue
    ("GET", "/api/staff/queue/points"): Scoped(f"/api/staff/queue/points?{DEPT_KEP}"),
    ("GET", "/api/staff/queue/points/{service_point_id}"): Scoped("/api/staff/queue/points/{point}"),
    ("POST", "/api/staff/queue/points/{service_point_id}/check-in"): Scoped(
        "/api/staff/queue/points/{point}/check-in", {"reference": "{reference}"}
    ),
    ("POST", "/api/staff/queue/points/{service_point_id}/counters"): Scoped(
        "/api/staff/queue/points/{point}/counters", {"label": "8", "queue_ids": ["kep-dimarxeio-A"]}
    ),
    **{
        ("POST", f"/api/staff/queue/counters/{{counter_id}}/{action}"): Scoped(
            f"/api/staff/queue/counters/{{counter}}/{action}"
        )
        for action in ("close", "next", "no-show", "recall", "served", "start")
    },
    ("POST", "/api/staff/queue/counters/{counter_id}/transfer"): Scoped(
        "/api/staff/queue/counters/{counter}/transfer", {"queue_id": "{queue_b}"}
    ),
    ("GET", "/api/staff/queue/stats"): Scoped(f"/api/staff/queue/stats?{DEPT_KEP}"),
    # visit log: buildings and incidents are the municipality's, not a department's
    ("GET", "/api/staff/visits/incidents"): MUNICIPALITY,
    ("POST", "/api/staff/visits/incidents"): MUNICIPALITY,
    ("GET", "/api/staff/visits/incidents/{incident_id}"): MUNICIPALITY,
    ("PUT", "/api/staff/visits/buildings/{building_id}"): ADMIN_ONLY,
    ("POST", "/api/staff/visits/registrations"): MUNICIPALITY,
}


def test_every_staff_route_has_an_entry():
    missing = sorted(staff_routes() - set(STAFF))
    assert missing == [], f"staff routes without an entry in STAFF: {missing}"


def test_no_staff_entry_names_a_route_that_is_gone():
    assert sorted(set(STAFF) - staff_routes()) == []


def test_every_staff_route_with_an_id_is_scoped_or_admin_only():
    """A path id, or a ``department_id`` query parameter, is a department's unless said otherwise."""
    from chalicelib import openapi

    paths = openapi.document()["paths"]
    loose = []
    for method, path in sorted(staff_routes()):
        params = paths.get(path, {}).get(method.lower(), {}).get("parameters", [])
        has_id = "{" in path or any(p["name"] == "department_id" for p in params)
        entry = STAFF[(method, path)]
        if has_id and isinstance(entry, Unscoped) and entry not in (ADMIN_ONLY, MUNICIPALITY):
            loose.append(f"{method} {path}: {entry.reason}")
    assert loose == []


def test_staff_of_another_department_never_reach_a_departments_objects(world):
    # GIVEN a fresh object of its department for every scoped route
    probes = [
        (method, *world.resolve(entry.path, entry.body), entry)
        for (method, _path), entry in sorted(STAFF.items())
        if isinstance(entry, Scoped)
    ]
    wrong = []
    before = snapshot()
    # WHEN the clerk and the manager of cleaning call each route with it
    for method, path, body, entry in probes:
        for role in OWNER_ROLES:
            resp = call(world.client, method, path, world.staff[(role, "cleaning")], body)
            if not entry.refused(resp):
                wrong.append(
                    f"{method} {path} as the {role} of cleaning: {resp.status_code} {resp.body[:200]!r}"
                )
    # THEN every call was refused and nothing at all was written
    after = snapshot()
    for table in changed_tables(before, after):
        wrong.append(f"{table} changed: {sorted(set(after[table]) ^ set(before[table]))[:3]}")
    # AND the manager of the owning department and an admin get through (so the ids are real)
    for method, _path, _body, entry in probes:
        for who in (("manager", entry.owner), "admin"):
            path, body = world.resolve(entry.path, entry.body)  # fresh: the first may be gone
            resp = call(world.client, method, path, world.staff[who], body)
            if not entry.allowed(resp):
                wrong.append(
                    f"{method} {path} as {who}: {resp.status_code} (not let through) {resp.body[:200]!r}"
                )
    assert wrong == [], "\n".join(wrong)


# == (c) token attacks ============================================================================
def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _citizen_claims(**over) -> dict:
    now = int(time.time())
    claims = {
        "iss": "dimotis",
        "aud": "dimotis-citizen",
        "sub": A,
        "name": "",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 600,
        "jti": f"forged-{now}",
    }
    return {**claims, **over}


def _session_key() -> str:
    from chalicelib.settings import get_settings

    return get_settings().session_key


def _citizen_forgeries(world: People) -> dict[str, str]:
    key = _session_key()
    genuine = world.citizen[A]
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_citizen_claims())}.",
        "alg None, signature kept": f"{_b64({'alg': 'None', 'typ': 'JWT'})}.{payload}.{signature}",
        "signed with another key": jwt.encode(
            _citizen_claims(), "another-key-" + "x" * 40, algorithm="HS256"
        ),
        "HS512 with the right key": jwt.encode(_citizen_claims(), key, algorithm="HS512"),
        "expired": jwt.encode(_citizen_claims(iat=1, nbf=1, exp=2), key, algorithm="HS256"),
        "not yet valid": jwt.encode(_citizen_claims(nbf=int(time.time()) + 3600), key, algorithm="HS256"),
        "taxid swapped in the payload": f"{header}.{_b64({**claims, 'sub': B})}.{signature}",
        "another audience": jwt.encode(_citizen_claims(aud="dimotis-staff"), key, algorithm="HS256"),
        "another issuer": jwt.encode(_citizen_claims(iss="evil"), key, algorithm="HS256"),
        "no jti": jwt.encode(
            {k: v for k, v in _citizen_claims().items() if k != "jti"}, key, algorithm="HS256"
        ),
        "no expiry": jwt.encode(
            {k: v for k, v in _citizen_claims().items() if k != "exp"}, key, algorithm="HS256"
        ),
    }


def _staff_claims(cognito: dict, **over) -> dict:
    from chalicelib.settings import get_settings

    now = int(time.time())
    claims = {
        "sub": "forged-sub",
        "iss": get_settings().cognito_issuer,
        "aud": cognito["client_id"],
        "token_use": "id",
        "cognito:groups": ["admin"],
        "cognito:username": "forger",
        "custom:department": "kep",
        "iat": now,
        "exp": now + 600,
    }
    return {**claims, **over}


def _staff_token(cognito: dict, headers: dict | None = None, **over) -> str:
    private = jwt.PyJWK(cognito["private_jwk"], algorithm="RS256").key
    return jwt.encode(
        _staff_claims(cognito, **over),
        private,
        algorithm="RS256",
        headers={"kid": cognito["private_jwk"]["kid"], **(headers or {})},
    )


def _hs256(header: dict, claims: dict, secret: bytes) -> str:
    """An HS256 token signed by hand (PyJWT rightly refuses a public key as an HMAC secret)."""
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _staff_forgeries(world: People, cognito: dict) -> dict[str, str]:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    genuine = world.staff[("clerk", "cleaning")]
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    kid = cognito["private_jwk"]["kid"]
    public_pem = (
        jwt.PyJWK(cognito["private_jwk"], algorithm="RS256")
        .key.public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    region = cognito["pool_id"].split("_")[0]
    return {
        "alg none": f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(_staff_claims(cognito))}.",
        "HS256 signed with the pool's public key": _hs256(
            {"alg": "HS256", "kid": kid}, _staff_claims(cognito), public_pem
        ),
        "unknown kid": _staff_token(cognito, headers={"kid": "not-a-key-of-the-pool"}),
        "another user pool (issuer)": _staff_token(
            cognito, iss=f"https://cognito-idp.{region}.amazonaws.com/{region}_AnotherPool"
        ),
        "another app client (audience)": _staff_token(cognito, aud="another-client"),
        "an access token": _staff_token(cognito, token_use="access"),
        "expired": _staff_token(cognito, iat=1, exp=2),
        "groups raised in the payload": f"{header}.{_b64({**claims, 'cognito:groups': ['admin']})}.{signature}",
        "department swapped in the payload": f"{header}.{_b64({**claims, 'custom:department': 'kep'})}.{signature}",
    }


GARBAGE = [
    "x",
    "null",
    "undefined",
    "a.b.c",
    "...",
    "eyJhbGciOiJIUzI1NiJ9",
    "é" * 10,
    "x" * 8000,
    "Bearer Bearer",
    f"{_b64(b'[1,2]')}.{_b64(b'[]')}.",
    "e30.e30.e30",
]


def _expect_401(client, path: str, token: str, label: str, carrier: str, cookie: str) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"} if carrier == "header" else {"Cookie": f"{cookie}={token}"}
    resp = client.http.request("GET", path, headers=headers)
    if resp.status_code != 401 or not is_json_error(resp):
        return [f"{path} with {label} ({carrier}): {resp.status_code} {resp.body[:160]!r}"]
    return []


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery
def test_forged_citizen_tokens_are_401(people):
    # GIVEN the genuine token works (so the forgeries differ from it in one way each)
    assert call(people.client, "GET", "/api/me", people.citizen[A]).status_code == 200
    assert (
        call(
            people.client, "GET", "/api/me", jwt.encode(_citizen_claims(), _session_key(), algorithm="HS256")
        ).status_code
        == 200
    )
    wrong = []
    for label, token in {**_citizen_forgeries(people), **{f"garbage {g[:12]!r}": g for g in GARBAGE}}.items():
        for carrier in ("header", "cookie"):
            wrong.extend(_expect_401(people.client, "/api/me", token, label, carrier, "dimotis_session"))
    assert wrong == [], "\n".join(wrong)


def test_forged_staff_tokens_are_401(people, cognito):
    # GIVEN a well-formed token signed with the pool's key is accepted (the control)
    assert call(people.client, "GET", "/api/staff/me", _staff_token(cognito)).status_code == 200
    wrong = []
    for label, token in {
        **_staff_forgeries(people, cognito),
        **{f"garbage {g[:12]!r}": g for g in GARBAGE},
    }.items():
        for carrier in ("header", "cookie"):
            wrong.extend(_expect_401(people.client, "/api/staff/me", token, label, carrier, "dimotis_staff"))
    assert wrong == [], "\n".join(wrong)


def test_forged_key_ids_do_not_make_every_request_fetch_the_pool_keys(cognito, monkeypatch):
    """The pool's keys are fetched once, again after an hour, and on an unknown kid at most once
    a minute: a stream of tokens with made-up kids costs no fetch each (and the keys do renew)."""
    from chalicelib.errors import Unauthorized
    from chalicelib.services.platform import staff_auth
    from tests.conftest import _moto_jwks

    document, fetched = _moto_jwks("public"), []

    class Answer:
        def __init__(self, url):
            fetched.append(url)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return json.dumps(document).encode()

    monkeypatch.setattr(staff_auth.urllib.request, "urlopen", lambda url, timeout: Answer(url))
    known = document["keys"][0]["kid"]
    keys = staff_auth.Jwks()  # as in Lambda: the pool's URL from the settings
    # WHEN 50 tokens with made-up kids arrive after the first fetch
    assert keys.key_for(known) is not None
    for n in range(50):
        with pytest.raises(Unauthorized):
            keys.key_for(f"made-up-{n}")
    # THEN the keys were fetched once
    assert len(fetched) == 1
    # AND a minute later an unknown kid fetches them again (a new key of the pool), and after an
    # hour a known kid does too
    keys._fetched_at -= staff_auth.JWKS_MIN_REFETCH_SECONDS + 1
    with pytest.raises(Unauthorized):
        keys.key_for("made-up-again")
    keys._fetched_at -= staff_auth.JWKS_TTL_SECONDS + 1
    assert keys.key_for(known) is not None
    assert len(fetched) == 3 and set(fetched) == {
        f"{staff_auth.get_settings().cognito_issuer}/.well-known/jwks.json"
    }


def test_a_citizen_token_is_no_staff_token_and_the_other_way_round(people):
    wrong = []
    for carrier in ("header", "cookie"):
        wrong += _expect_401(
            people.client, "/api/staff/me", people.citizen[A], "a citizen token", carrier, "dimotis_staff"
        )
        wrong += _expect_401(
            people.client,
            "/api/staff/appointments",
            people.citizen[A],
            "a citizen token",
            carrier,
            "dimotis_staff",
        )
        wrong += _expect_401(
            people.client, "/api/me", people.staff["admin"], "a staff token", carrier, "dimotis_session"
        )
        wrong += _expect_401(
            people.client,
            "/api/appointments",
            people.staff["admin"],
            "a staff token",
            carrier,
            "dimotis_session",
        )
    assert wrong == [], "\n".join(wrong)


def test_a_signed_out_session_is_refused_everywhere(people):
    # GIVEN A signs out
    token = people.citizen[A]
    assert call(people.client, "POST", "/api/auth/logout", token).status_code == 200
    # THEN the same token is refused on every citizen route, by header and by cookie
    wrong = []
    for method, path in sorted(citizen_routes()):
        concrete = re.sub(r"\{\w+\}", "zz-none", path)
        for headers in (bearer(token), {"Cookie": f"dimotis_session={token}"}):
            resp = people.client.http.request(
                method,
                concrete,
                headers={**headers, "Content-Type": "application/json"},
                body=b"{}" if method in ("POST", "PUT") else None,
            )
            if resp.status_code != 401 or resp.json_body["error"]["code"] != "session_revoked":
                wrong.append(f"{method} {concrete}: {resp.status_code} {resp.body[:120]!r}")
    assert wrong == [], "\n".join(wrong)


# == (d) limits ===================================================================================
def _token_for(world: People, path: str, op: dict) -> str | None:
    security = json.dumps(op.get("security", []))
    if "citizenCookie" in security:
        return world.citizen[A]
    if "staffCookie" in security or path.startswith(("/api/staff/", "/api/admin/")):
        return world.staff["admin"]
    return None


def test_every_body_route_answers_413_over_the_request_limit(people):
    from chalicelib import openapi
    from chalicelib.middleware import MAX_REQUEST_BYTES

    paths = openapi.document()["paths"]
    body = json.dumps({"text": "x" * MAX_REQUEST_BYTES}).encode()
    wrong = []
    for method, path in sorted(_routes(lambda p, op: True)):
        if method not in ("POST", "PUT", "PATCH"):
            continue
        concrete = re.sub(r"\{\w+\}", "zz-none", path)
        token = _token_for(people, path, paths.get(path, {}).get(method.lower(), {}))
        headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
        resp = people.client.http.request(method, concrete, headers=headers, body=body)
        if path.endswith(".xml"):  # the GeoReport error formats
            ok = b"<code>413</code>" in resp.body
        elif path.startswith("/open311/"):
            ok = [e.get("code") for e in json_of(resp) or [{}]] == [413]
        else:
            ok = is_json_error(resp) and resp.json_body["error"]["code"] == "payload_too_large"
        if resp.status_code != 413 or not ok:
            wrong.append(f"{method} {path}: {resp.status_code} {resp.body[:160]!r}")
    assert wrong == [], "\n".join(wrong)


def test_open311_413_is_in_the_georeport_format_of_the_resource(people):
    from chalicelib.middleware import MAX_REQUEST_BYTES

    body = b"description=" + b"x" * MAX_REQUEST_BYTES
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    as_json = people.client.http.request("POST", "/open311/v2/requests.json", headers=form, body=body)
    as_xml = people.client.http.request("POST", "/open311/v2/requests.xml", headers=form, body=body)
    assert as_json.status_code == 413 and as_json.json_body[0]["code"] == 413
    assert as_xml.status_code == 413 and b"<errors>" in as_xml.body and b"<code>413</code>" in as_xml.body


def test_every_json_body_route_answers_413_over_the_json_limit(people):
    """Between the JSON limit (``validation.MAX_BODY_BYTES``) and the request limit: every route that
    documents a JSON body refuses it before reading it further."""
    from chalicelib import openapi
    from chalicelib.validation import MAX_BODY_BYTES

    body = json.dumps({"text": "x" * MAX_BODY_BYTES}).encode()
    wrong = []
    for path, ops in sorted(openapi.document()["paths"].items()):
        for method, op in sorted(ops.items()):
            if "application/json" not in (op.get("requestBody") or {}).get("content", {}):
                continue
            if (method.upper(), path) in FILE_IMPORTS:
                continue  # their limit is the file's (test below)
            concrete = re.sub(r"\{\w+\}", "zz-none", path)
            token = _token_for(people, path, op)
            headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
            resp = people.client.http.request(method.upper(), concrete, headers=headers, body=body)
            if resp.status_code != 413 or not is_json_error(resp):
                wrong.append(f"{method.upper()} {path}: {resp.status_code} {resp.body[:160]!r}")
    assert wrong == [], "\n".join(wrong)


FILE_IMPORTS = {("POST", "/api/admin/org/import"), ("POST", "/api/staff/absences/import")}


def test_a_large_greek_org_chart_fits_the_import_limit(people):
    """A file import's content limit is in characters and Greek takes two bytes each: an HR export
    near the content limit must not be refused as a too-large body (it was: 413 at 256 KiB)."""
    from chalicelib.validation import MAX_BODY_BYTES

    header = "kind,id,name_el,name_en,parent,email,phone,department,role,username\n"
    rows = [
        "directorate,dir-a,Διεύθυνση Διοικητικών Υπηρεσιών,Administration,,,,,,",
        "department,dep-a,Τμήμα Εξυπηρέτησης Πολιτών και Πιστοποιητικών,Citizens,dir-a,,,,,",
    ]
    n = 0
    while sum(len(r) + 1 for r in rows) < 230_000:
        n += 1
        rows.append(
            f"employee,E{n:05d},Αικατερίνη Παπαδοπούλου-Κωνσταντινίδου {n},Aikaterini {n},,"
            f"e{n}@demo.gr,,dep-a,clerk,user{n}"
        )
    content = header + "\n".join(rows)
    body = json.dumps({"content": content, "format": "csv", "dry_run": True}, ensure_ascii=False).encode()
    assert len(body) > MAX_BODY_BYTES
    resp = people.client.http.post(
        "/api/admin/org/import",
        headers={"Content-Type": "application/json", **bearer(people.staff["admin"])},
        body=body,
    )
    assert resp.status_code == 200, resp.body[:300]
    assert resp.json_body["dry_run"] is True and len(resp.json_body["added"]["employees"]) == n


PAGE_SIZE = re.compile(r"^(limit|page_?size|per_page|size|max|max_results|count|top|first)$")


def test_no_list_takes_an_unbounded_page_size():
    """Lists are bounded by the server (e.g. 200 requests in the inbox, 200 audit entries, 1000
    Open311 results); a page-size parameter, if one is ever added, must document its maximum."""
    from chalicelib import openapi

    unbounded = [
        f"{method.upper()} {path}: {p['name']}"
        for path, ops in openapi.document()["paths"].items()
        for method, op in ops.items()
        for p in op.get("parameters", [])
        if p.get("in") == "query" and PAGE_SIZE.match(p["name"]) and "maximum" not in p.get("schema", {})
    ]
    assert unbounded == []


CUT, REFUSE = "cut", "refuse"
# every operation with a range of days: what a too-long range gets
RANGES = {
    ("GET", "/api/services/{service_id}/availability"): (
        CUT,
        "/api/services/kep-certificates/availability",
        None,
    ),
    ("GET", "/api/staff/staffing/availability/{service_id}"): (
        CUT,
        "/api/staff/staffing/availability/kep-certificates",
        "admin",
    ),
    ("GET", "/api/staff/appointments"): (CUT, "/api/staff/appointments?department_id=kep", "admin"),
    ("GET", "/api/staff/audit"): (REFUSE, "/api/staff/audit", "admin"),
    ("GET", "/api/staff/audit/export"): (REFUSE, "/api/staff/audit/export", "admin"),
    ("GET", "/api/staff/queue/stats"): (REFUSE, "/api/staff/queue/stats?department_id=kep", "admin"),
    ("GET", "/api/staff/stats/{dashboard}"): (REFUSE, "/api/staff/stats/appointments", "admin"),
    ("GET", "/api/staff/stats/{dashboard}/export"): (REFUSE, "/api/staff/stats/appointments/export", "admin"),
}


def test_every_range_of_days_is_cut_visibly_or_refused(world):
    """A too-long range is either cut, with the answer's ``from``/``to`` saying which days it
    covers, or refused with 409 ``period_too_long``; never served in full."""
    from chalicelib import openapi

    paths = openapi.document()["paths"]
    ranged = {
        (method.upper(), path)
        for path, ops in paths.items()
        for method, op in ops.items()
        if {"from", "to"} <= {p["name"] for p in op.get("parameters", [])}
        and not path.startswith("/open311/")
    }
    assert sorted(ranged - set(RANGES)) == [] and sorted(set(RANGES) - ranged) == []
    words = {CUT: "cut", REFUSE: "409 period_too_long"}
    undocumented = [
        key for key, (policy, *_) in RANGES.items() if words[policy] not in paths[key[1]]["get"]["summary"]
    ]
    assert undocumented == [], "say in the operation's summary what a long range gets"
    today = world.values["today"]
    far = f"{int(today[:4]) + 5}{today[4:]}"
    wrong = []
    for (method, _path), (policy, url, who) in sorted(RANGES.items()):
        joiner = "&" if "?" in url else "?"
        resp = call(
            world.client, method, f"{url}{joiner}from={today}&to={far}", world.staff[who] if who else None
        )
        if policy == CUT:
            covered = resp.json_body if resp.status_code == 200 else {}
            if not covered.get("to") or covered["to"] >= far or covered.get("from") != today:
                wrong.append(f"{url}: {resp.status_code} covered {covered.get('from')}..{covered.get('to')}")
        elif resp.status_code != 409 or resp.json_body["error"]["code"] != "period_too_long":
            wrong.append(f"{url}: {resp.status_code} {resp.body[:160]!r}")
    assert wrong == [], "\n".join(wrong)


# == (e) the per-citizen quota ====================================================================
LIMIT = 3


@pytest.fixture
def quota(aws, monkeypatch):
    """The demo services, with a limit of 3 upcoming appointments per citizen."""
    from chalicelib.services import appointments
    from chalicelib.settings import reset_settings
    from devstack.demo import appointments as demo_appointments

    monkeypatch.setenv("DIMOTIS_MAX_UPCOMING_APPOINTMENTS", str(LIMIT))
    reset_settings()
    appointments.forget_services()
    demo_appointments.seed()
    yield LIMIT
    appointments.forget_services()


def _open_slots(client, service_id: str, count: int) -> list[str]:
    """The first bookable slot of ``service_id`` on each of ``count`` different days."""
    firsts = [d["slots"][0]["start"] for d in availability(client, service_id, days=40) if d["slots"]]
    assert len(firsts) >= count
    return firsts[:count]


def _book(client, token: str, service_id: str, start: str, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return call(
        client, "POST", "/api/appointments", token, {"service_id": service_id, "start": start}, headers
    )


def test_a_citizen_holds_at_most_the_upcoming_limit_across_services_and_days(quota, client, make_citizen):
    from chalicelib.models.appointments import Appointment

    token = make_citizen(A)
    signature = _open_slots(client, "kep-signature", 4)
    # GIVEN citizen A holds 3 appointments (the limit) at two services on three days
    held = [_book(client, token, "kep-certificates", _open_slots(client, "kep-certificates", 1)[0])]
    held += [_book(client, token, "kep-signature", start) for start in signature[1:3]]
    assert [r.status_code for r in held] == [201, 201, 201], [r.json_body for r in held]
    # WHEN A books a fourth
    fourth = _book(client, token, "kep-signature", signature[3])
    # THEN 409 upcoming_limit_reached, and nothing of it was written
    assert fourth.status_code == 409, fourth.json_body
    assert fourth.json_body["error"]["code"] == "upcoming_limit_reached"
    assert fourth.json_body["error"]["details"] == {"max_upcoming_appointments": quota}
    assert len(list(Appointment.by_citizen.query(A))) == quota
    day = signature[3][:10]
    days = call(client, "GET", f"/api/services/kep-signature/availability?from={day}&to={day}").json_body
    slot = next(s for s in days["days"][0]["slots"] if s["start"] == signature[3])
    assert slot["remaining"] == slot["capacity"]
    # WHEN one is cancelled, a new one fits again, and rescheduling keeps the count (no 409)
    cancelled = call(client, "POST", f"/api/appointments/{held[0].json_body['appointment_id']}/cancel", token)
    assert cancelled.status_code == 200, cancelled.json_body
    again = _book(client, token, "kep-signature", signature[3])
    assert again.status_code == 201, again.json_body
    moved = call(
        client,
        "POST",
        f"/api/appointments/{again.json_body['appointment_id']}/reschedule",
        token,
        {"start": signature[0]},
    )
    assert moved.status_code == 200, moved.json_body


def test_the_limit_is_per_citizen_and_a_repeated_booking_is_not_refused(quota, client, make_citizen):
    starts = _open_slots(client, "kep-signature", 4)
    a, b = make_citizen(A), make_citizen(B)
    # GIVEN A at the limit
    first = [_book(client, a, "kep-signature", start, key=f"k{i}") for i, start in enumerate(starts[:3])]
    assert [r.status_code for r in first] == [201, 201, 201]
    # WHEN A repeats her first booking (same Idempotency-Key) and B books
    repeat = _book(client, a, "kep-signature", starts[0], key="k0")
    other = _book(client, b, "kep-signature", starts[3])
    # THEN the repeat answers the first booking, and B is not held back by A
    assert (
        repeat.status_code == 200
        and repeat.json_body["appointment_id"] == first[0].json_body["appointment_id"]
    )
    assert other.status_code == 201, other.json_body


def test_started_or_finished_appointments_free_their_place(quota, cognito, make_staff, client, make_citizen):
    """A held appointment whose time has passed (still ``booked``) is pruned when the limit is hit;
    a completed one frees its place at once."""
    from chalicelib.models.appointments import Appointment
    from chalicelib.models.base import utcnow
    from chalicelib.models.citizen_bookings import CitizenBookings

    token, clerk = make_citizen(A), make_staff("clerk", "kep")
    starts = _open_slots(client, "kep-signature", 5)
    held = [_book(client, token, "kep-signature", start).json_body["appointment_id"] for start in starts[:3]]
    # GIVEN the first one's time has passed and nobody marked it
    Appointment(held[0]).update(actions=[Appointment.slot_start.set(utcnow() - timedelta(hours=1))])
    # WHEN A books a fourth: the stale one is pruned, and the booking succeeds
    fourth = _book(client, token, "kep-signature", starts[3])
    assert fourth.status_code == 201, fourth.json_body
    assert CitizenBookings.get(A).upcoming == {held[1], held[2], fourth.json_body["appointment_id"]}
    # AND at the limit again, a clerk completing one frees a place
    assert _book(client, token, "kep-signature", starts[4]).status_code == 409
    done = call(client, "POST", f"/api/staff/appointments/{held[1]}/complete", clerk)
    assert done.status_code == 200, done.json_body
    assert _book(client, token, "kep-signature", starts[4]).status_code == 201
