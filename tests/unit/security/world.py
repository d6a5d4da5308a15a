"""What the security tests share: the routes by audience, one call helper, a snapshot of every
table (to show a refused call wrote nothing), and the world they run in: citizens A and B, staff
of three departments, the demo data and citizen A's objects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from app import app
from chalicelib import clock, openapi
from chalicelib.aws import client as aws_client
from chalicelib.models import all_models
from chalicelib.models.appointments import Appointment
from chalicelib.models.audit import AuditEntry
from chalicelib.models.citizens import Citizen
from chalicelib.models.limits import LimitCounter
from chalicelib.models.requests import CitizenRequest, RequestFollower
from chalicelib.models.staffing import Absence, CapacityFlag
from chalicelib.services import appointments, requests
from chalicelib.settings import get_settings
from tests.conftest import bearer

A, B = "123456789", "987654321"
OWNER_ROLES = ("clerk", "manager")
REFUSED = (403, 404)
ERROR_SHAPE = re.compile(r"^[a-z_]+$")


# -- routes -------------------------------------------------------------------------------------
def citizen_routes() -> set[tuple[str, str]]:
    return _routes(lambda path, op: any("citizenCookie" in s for s in op.get("security", [])))


def staff_routes() -> set[tuple[str, str]]:
    """Every (method, path) of a staff route: under ``/api/staff/`` or ``/api/admin/``, or with
    staff security in its OpenAPI operation."""
    return _routes(
        lambda path, op: path.startswith(("/api/staff/", "/api/admin/"))
        or any("staffCookie" in s for s in op.get("security", []))
    )


def all_routes() -> set[tuple[str, str]]:
    return _routes(lambda path, op: True)


def _routes(keep: Callable[[str, dict], bool]) -> set[tuple[str, str]]:
    paths = openapi.document()["paths"]
    return {
        (method, path)
        for path, methods in app.routes.items()
        for method in methods
        if keep(path, paths.get(path, {}).get(method.lower(), {}))
    }


REFUSAL_ENTRY = '"action": {"S": "refused"}'


def _hex(value: Any) -> str:
    return value.hex() if isinstance(value, bytes) else repr(value)  # binary attributes (sealed contacts)


def snapshot() -> dict[str, list[str]]:
    """Every item of every table (moto), to show that a refused call wrote nothing but what a
    refusal itself writes: its audit entry (``refused``), and the limits' counters (token buckets
    and allowances, which are no one's data)."""
    ddb = aws_client("dynamodb")
    out = {}
    for model in all_models():
        if model is LimitCounter:
            continue
        items = []
        for page in ddb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            items.extend(json.dumps(i, sort_keys=True, default=_hex) for i in page["Items"])
        out[model.Meta.table_name] = sorted(i for i in items if REFUSAL_ENTRY not in i)
    return out


def refusals() -> list[AuditEntry]:
    """The audit log's entries of refused calls, oldest first."""
    return sorted((e for e in AuditEntry.scan() if e.action == "refused"), key=lambda e: e.at_key)


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
    today = clock.today()
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
            # a colleague of the kep clerk (same department, another person)
            "colleague.kep": make_staff("clerk", "kep", username="sec.clerk2.kep"),
            # staff whose department is not set (a new account, or one whose department was removed)
            ("manager", None): make_staff("manager", None, username="sec.manager.none"),
            ("clerk", None): make_staff("clerk", None, username="sec.clerk.none"),
        }


class World(People):
    """Demo data plus citizen A's objects; ``make(name)`` makes a fresh object of a department."""

    def __init__(self, people: People):
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
        s3 = aws_client("s3")
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
        who = SimpleNamespace(taxid=self._taxid(), name="ΔΟΚΙΜΗ")
        appointment, _ = appointments.book(who, service_id, self.free_slot(service_id))
        return appointment

    def new_request(self, type_code: str = "pothole", taxid: str | None = None):
        return requests.submit(
            requests.get_type(type_code),
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
        return [
            A,
            self.values["a_appointment"],
            self.appointment["reference"],
            self.values["a_request"],
            self.values["a_protocol"],
            requests.owner_prefix("citizen", A),
            "ΠΑΠΑΔΟΠΟΥΛΟΥ",
            "maria@example.gr",
            "Ιδιωτικό αίτημα",
        ]
