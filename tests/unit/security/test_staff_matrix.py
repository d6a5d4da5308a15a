"""Staff matrix (DESIGN invariants 4 and 6): a clerk and a manager of another department call every
staff route with the ids of a department's objects: refused (403/404) with nothing written; a
manager of the owning department and an admin are let through. ``STAFF`` must have an entry for
every staff route (``Unscoped`` says why a route addresses nothing of a department).

"Let through" is an answer that is neither a refusal (401/403/404) nor a server error: a 500 fails
the test, whoever called.

To add a route: add a line to ``STAFF`` (placeholders in braces are filled from the ``world``
fixture: ``{appointment}`` ... are made afresh for each route).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib import openapi
from tests.unit.security.world import (
    OWNER_ROLES,
    REFUSED,
    call,
    changed_tables,
    is_json_error,
    json_of,
    snapshot,
    staff_routes,
)


def _not_other_department(resp) -> bool:
    """Let through: past the role and department checks, and no server error."""
    return resp.status_code not in (401, 403, 404) and resp.status_code < 500


@dataclass(frozen=True)
class Scoped:
    """Addresses an object (or the lists) of department ``owner``: the clerk and the manager of
    another department are refused (``refused(resp)``, default 403/404) and nothing is written;
    the manager of ``owner`` and an admin get through (``allowed(resp)``, default anything but
    401/403/404 and 5xx)."""

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
# catalogue objects of the KEP (fixed ids: the owner's manager makes each, the admin then gets 409)
NEW_SERVICE = {
    "service_id": "kep-sec-matrix",
    "department_id": "{kep}",
    "service_point_id": "{point}",
    "name_el": "Δοκιμή",
    "name_en": "Test",
}
NEW_POINT = {"service_point_id": "kep-sec-matrix", "department_id": "{kep}", "name_el": "Δοκιμή", "name_en": "Test"}
NEW_QUEUE = {"service_point_id": "{point}", "prefix": "S", "department_id": "{kep}", "name_el": "Δοκιμή"}
DEPT_KEP = "department_id={kep}"
STAFF: dict[tuple[str, str], Scoped | Unscoped] = {
    # sign-in and the caller's own things
    ("POST", "/api/staff/login"): OWN_SESSION,
    ("POST", "/api/staff/refresh"): OWN_SESSION,
    ("POST", "/api/staff/logout"): OWN_SESSION,
    ("GET", "/api/staff/me"): OWN_SESSION,
    ("POST", "/api/staff/login/challenge"): OWN_SESSION,
    ("POST", "/api/staff/password/forgot"): OWN_SESSION,
    ("POST", "/api/staff/password/reset"): OWN_SESSION,
    ("GET", "/api/staff/account/security"): OWN_SESSION,
    ("POST", "/api/staff/account/totp"): OWN_SESSION,
    ("DELETE", "/api/staff/account/totp"): OWN_SESSION,
    ("POST", "/api/staff/account/totp/verify"): OWN_SESSION,
    ("POST", "/api/staff/account/password"): OWN_SESSION,
    ("POST", "/api/admin/staff"): ADMIN_ONLY,
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
    ("GET", "/api/admin/messages"): ADMIN_ONLY,
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
    ("PUT", "/api/admin/request-types/{code}"): Scoped(
        "/api/admin/request-types/pothole",
        {
            "code": "pothole",
            "name_el": "Λακκούβα",
            "name_en": "Pothole",
            "group": "roads",
            "group_el": "Οδοποιία",
            "group_en": "Roads",
            "department_id": "{roads}",
            "attributes": [{"code": "SIZE", "datatype": "string"}],
            "public": True,
        },
        owner="roads",
    ),
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
    ("POST", "/api/staff/visits/incidents/{incident_id}/approve"): MUNICIPALITY,
    ("POST", "/api/staff/visits/incidents/{incident_id}/reject"): MUNICIPALITY,
    ("PUT", "/api/staff/visits/buildings/{building_id}"): ADMIN_ONLY,
    ("POST", "/api/staff/visits/registrations"): MUNICIPALITY,
    # the municipality's catalogue: a department's services, points and queues; the town's settings
    ("POST", "/api/staff/services"): Scoped("/api/staff/services", NEW_SERVICE),
    ("GET", "/api/staff/catalogue/service-points"): Unscoped("every point: a manager puts a service at any"),
    ("POST", "/api/staff/catalogue/service-points"): Scoped("/api/staff/catalogue/service-points", NEW_POINT),
    ("GET", "/api/staff/catalogue/service-points/{service_point_id}"): MUNICIPALITY,
    ("PUT", "/api/staff/catalogue/service-points/{service_point_id}"): Scoped(
        "/api/staff/catalogue/service-points/{point}", {"phone": "2109999102"}
    ),
    ("GET", "/api/staff/catalogue/queues"): Scoped(f"/api/staff/catalogue/queues?{DEPT_KEP}"),
    ("POST", "/api/staff/catalogue/queues"): Scoped("/api/staff/catalogue/queues", NEW_QUEUE),
    ("PUT", "/api/staff/catalogue/queues/{queue_id}"): Scoped(
        "/api/staff/catalogue/queues/{queue_b}", {"name_en": "Signatures"}
    ),
    ("PUT", "/api/admin/municipality"): ADMIN_ONLY,
}


def test_every_staff_route_has_an_entry():
    # GIVEN the app's staff routes; THEN each has an entry that says how it is scoped
    missing = sorted(staff_routes() - set(STAFF))
    assert missing == [], f"staff routes without an entry in STAFF: {missing}"


def test_no_staff_entry_names_a_route_that_is_gone():
    # GIVEN the entries; THEN each names a route the app has
    assert sorted(set(STAFF) - staff_routes()) == []


def test_every_staff_route_with_an_id_is_scoped_or_admin_only():
    """A path id, or a ``department_id`` query parameter, is a department's unless said otherwise."""
    # GIVEN every staff route's parameters; THEN a route with an id is scoped, admins' or the town's
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


def test_staff_without_a_department_see_no_one_and_nothing(world):
    """A manager or clerk whose account names no department (``can_act_in`` refuses ``None``): every
    scoped route, with a department named and with none (their own default), is refused."""
    # GIVEN every scoped route, asked as its own default (no department_id) and for kep's objects
    probes = []
    for (method, _path), entry in sorted(STAFF.items()):
        if not isinstance(entry, Scoped):
            continue
        path, body = world.resolve(entry.path, entry.body)
        probes.append((method, path, body, entry))
        bare = re.sub(r"[?&]department_id=[^&]*", "", path).replace("?&", "?").rstrip("?")
        if bare != path:
            probes.append((method, bare, body, entry))
    wrong = []
    before = snapshot()
    # WHEN the manager and the clerk without a department call each
    for method, path, body, entry in probes:
        for role in OWNER_ROLES:
            resp = call(world.client, method, path, world.staff[(role, None)], body)
            if not entry.refused(resp):
                wrong.append(f"{method} {path} as the {role} without a department: {resp.status_code} "
                             f"{resp.body[:200]!r}")
    # THEN each is refused and nothing was written
    for table in changed_tables(before, snapshot()):
        wrong.append(f"{table} changed")
    assert wrong == [], "\n".join(wrong)


# Routes whose rule is per person, not per department: a colleague of the same department and role
# is refused. Everything else a clerk does is department-wide by design (appointments, requests and
# their assignment: any clerk of the department may pick up a colleague's work; absences and
# staffing are managers' own); DEPARTMENT_WIDE pins a few of those so a change to either is a decision.
COUNTER_ACTIONS = ("close", "next", "no-show", "recall", "served", "start", "transfer")
PER_PERSON: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", f"/api/staff/queue/counters/{{counter_id}}/{action}"): (
        f"/api/staff/queue/counters/{{counter}}/{action}",
        {"queue_id": "{queue_b}"} if action == "transfer" else None,
    )
    for action in COUNTER_ACTIONS
}
DEPARTMENT_WIDE: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", "/api/staff/appointments/{appointment_id}/complete"): (
        "/api/staff/appointments/{appointment}/complete",
        None,
    ),
    ("GET", "/api/staff/queue/points/{service_point_id}"): ("/api/staff/queue/points/{point}", None),
}


def test_a_clerk_cannot_operate_a_counter_a_colleague_opened(world):
    # GIVEN the counter the kep clerk opened (with a ticket called to it, so every action applies)
    ticket = call(world.client, "POST", "/api/queue/points/kep-dimarxeio/tickets", None,
                  {"queue_id": "kep-dimarxeio-A"})
    assert ticket.status_code == 200, ticket.body
    owner = world.staff[("clerk", "kep")]
    assert call(world.client, "POST", f"/api/staff/queue/counters/{world.counter}/next", owner).status_code == 200
    wrong = []
    before = snapshot()
    # WHEN a colleague of the same department and role tries every action on it
    for (method, _route), (path, body) in sorted(PER_PERSON.items()):
        path, body = world.resolve(path, body)
        resp = call(world.client, method, path, world.staff["colleague.kep"], body)
        if resp.status_code != 403 or resp.json_body["error"]["code"] != "counter_not_yours":
            wrong.append(f"{method} {path} as a colleague: {resp.status_code} {resp.body[:200]!r}")
    # THEN each is refused and nothing but the audit of the refusals was written
    wrong += [f"{table} changed" for table in changed_tables(before, snapshot())]
    # AND the clerk who opened it still may (recall the ticket called to it)
    recall = call(world.client, "POST", f"/api/staff/queue/counters/{world.counter}/recall", owner)
    if recall.status_code != 200:
        wrong.append(f"recall as the owner: {recall.status_code} {recall.body[:200]!r}")
    # AND where the rule is department-wide the colleague is let through
    for (method, _route), (path, body) in sorted(DEPARTMENT_WIDE.items()):
        path, body = world.resolve(path, body)
        resp = call(world.client, method, path, world.staff["colleague.kep"], body)
        if not _not_other_department(resp):
            wrong.append(f"{method} {path} as a colleague (department-wide): {resp.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_every_per_person_entry_names_a_staff_route():
    assert sorted((set(PER_PERSON) | set(DEPARTMENT_WIDE)) - staff_routes()) == []
