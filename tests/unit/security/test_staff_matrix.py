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
