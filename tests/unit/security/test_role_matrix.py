"""Every staff route against every role (DESIGN invariant 4; back office: roles).

A route is a staff route when its path starts with ``/api/staff/`` or ``/api/admin/``, or its
OpenAPI operation has staff security. ``EXPECTED`` says which roles may call each one; a staff
route missing from it fails the test, so a new route cannot land without a decision.

Roles: admin (everything), manager (own department including settings and statistics), clerk (own
department's appointments, requests and queue), health officer (visit-log incidents).

How a call is judged: each role calls the route with a token of its own (department ``kep``),
made-up path parameters and an empty JSON body. *Denied* is a 403; *allowed* is anything but 401
and 403 (usually 404 for the made-up id, or 400 for the empty body), so the role check has passed.
``NO_ROLE`` routes (sign-in renewal by cookie) must simply never answer 403. A server error (5xx)
is neither: it fails the test whatever the role, so a route that crashes cannot pass as allowed.

To add a route: add a line to ``EXPECTED`` with one of the role sets below.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.unit.security.world import staff_routes

ROLES = ("admin", "manager", "clerk", "health_officer")
ANYONE = frozenset(ROLES)  # any signed-in staff member (or a public staff endpoint: login)
ADMIN = frozenset({"admin"})
MANAGER = frozenset({"admin", "manager"})
CLERK = frozenset({"admin", "manager", "clerk"})  # appointments, requests, queue
HEALTH = frozenset({"admin", "health_officer"})  # visit-log incidents
NO_ROLE = frozenset({"(no role check)"})  # authenticated otherwise (refresh or access-token cookie): never a 403

EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    # staff sign-in (public or any staff member)
    ("POST", "/api/staff/login"): ANYONE,
    ("POST", "/api/staff/refresh"): NO_ROLE,
    ("POST", "/api/staff/logout"): ANYONE,
    ("GET", "/api/staff/me"): ANYONE,
    ("POST", "/api/staff/login/challenge"): ANYONE,
    ("POST", "/api/staff/password/forgot"): ANYONE,
    ("POST", "/api/staff/password/reset"): ANYONE,
    # the member's own security: their access-token cookie (a bearer ID token alone gets 401)
    ("GET", "/api/staff/account/security"): NO_ROLE,
    ("POST", "/api/staff/account/totp"): NO_ROLE,
    ("DELETE", "/api/staff/account/totp"): NO_ROLE,
    ("POST", "/api/staff/account/totp/verify"): NO_ROLE,
    ("POST", "/api/staff/account/password"): NO_ROLE,
    ("POST", "/api/admin/staff"): ADMIN,
    # back office
    ("POST", "/api/admin/org/import"): ADMIN,
    ("GET", "/api/staff/org"): ANYONE,
    ("GET", "/api/staff/employees"): MANAGER,
    ("GET", "/api/staff/audit"): MANAGER,
    ("GET", "/api/staff/audit/export"): MANAGER,
    ("GET", "/api/staff/stats/{dashboard}"): MANAGER,
    ("GET", "/api/staff/stats/{dashboard}/export"): MANAGER,
    ("GET", "/api/admin/alerts"): ADMIN,
    ("POST", "/api/admin/alerts"): ADMIN,
    ("POST", "/api/admin/alerts/{alert_id}/withdraw"): ADMIN,
    ("GET", "/api/admin/messages"): ADMIN,
    # staffing: absences, staff of services, capacity flags
    ("GET", "/api/staff/absences"): MANAGER,
    ("POST", "/api/staff/absences"): MANAGER,
    ("POST", "/api/staff/absences/import"): MANAGER,
    ("DELETE", "/api/staff/absences/{absence_id}"): MANAGER,
    ("GET", "/api/staff/staffing/services/{service_id}"): MANAGER,
    ("PUT", "/api/staff/staffing/services/{service_id}"): MANAGER,
    ("GET", "/api/staff/staffing/availability/{service_id}"): CLERK,
    ("GET", "/api/staff/capacity-flags"): CLERK,
    ("POST", "/api/staff/capacity-flags/{appointment_id}/move"): CLERK,
    ("POST", "/api/staff/capacity-flags/{appointment_id}/cover"): MANAGER,
    ("POST", "/api/staff/capacity-flags/{appointment_id}/dismiss"): CLERK,
    # appointments
    ("GET", "/api/staff/appointments"): CLERK,
    ("GET", "/api/staff/appointments/day-list"): CLERK,
    ("GET", "/api/staff/appointments/{appointment_id}"): CLERK,
    ("POST", "/api/staff/appointments/{appointment_id}/cancel"): CLERK,
    ("POST", "/api/staff/appointments/{appointment_id}/complete"): CLERK,
    ("POST", "/api/staff/appointments/{appointment_id}/no-show"): CLERK,
    ("GET", "/api/staff/services"): CLERK,
    ("GET", "/api/staff/services/{service_id}"): CLERK,
    ("PUT", "/api/staff/services/{service_id}"): MANAGER,  # settings: hours, capacity
    # requests
    ("GET", "/api/staff/requests"): CLERK,
    ("POST", "/api/staff/requests"): CLERK,
    ("POST", "/api/staff/requests-bulk-assign"): CLERK,
    ("GET", "/api/staff/requests-map"): CLERK,
    ("GET", "/api/staff/requests/{request_id}"): CLERK,
    ("POST", "/api/staff/requests/{request_id}/assign"): CLERK,
    ("POST", "/api/staff/requests/{request_id}/notes"): CLERK,
    ("POST", "/api/staff/requests/{request_id}/route"): CLERK,
    ("POST", "/api/staff/requests/{request_id}/status"): CLERK,
    ("GET", "/api/staff/request-colleagues"): CLERK,
    ("POST", "/api/staff/request-photos"): CLERK,
    ("GET", "/api/staff/request-types"): CLERK,
    ("PUT", "/api/admin/request-types/{code}"): MANAGER,  # the catalogue: managers for their department
    ("GET", "/api/admin/open311/keys"): ADMIN,
    ("POST", "/api/admin/open311/keys"): ADMIN,
    ("POST", "/api/admin/open311/keys/{key_id}/revoke"): ADMIN,
    # live queue
    ("GET", "/api/staff/queue/points"): CLERK,
    ("GET", "/api/staff/queue/points/{service_point_id}"): CLERK,
    ("POST", "/api/staff/queue/points/{service_point_id}/check-in"): CLERK,
    ("POST", "/api/staff/queue/points/{service_point_id}/counters"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/close"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/next"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/no-show"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/recall"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/served"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/start"): CLERK,
    ("POST", "/api/staff/queue/counters/{counter_id}/transfer"): CLERK,
    ("GET", "/api/staff/queue/stats"): CLERK,
    # visit log
    ("GET", "/api/staff/visits/incidents"): HEALTH,
    ("POST", "/api/staff/visits/incidents"): HEALTH,
    ("GET", "/api/staff/visits/incidents/{incident_id}"): HEALTH,
    ("POST", "/api/staff/visits/incidents/{incident_id}/approve"): HEALTH,  # never the declarer
    ("POST", "/api/staff/visits/incidents/{incident_id}/reject"): HEALTH,
    ("PUT", "/api/staff/visits/buildings/{building_id}"): ADMIN,
    ("POST", "/api/staff/visits/registrations"): ANYONE,  # any staff member at an entrance desk
    # the municipality's catalogue: admins, and managers within their department
    ("POST", "/api/staff/services"): MANAGER,
    ("GET", "/api/staff/catalogue/service-points"): MANAGER,
    ("POST", "/api/staff/catalogue/service-points"): MANAGER,
    ("GET", "/api/staff/catalogue/service-points/{service_point_id}"): MANAGER,
    ("PUT", "/api/staff/catalogue/service-points/{service_point_id}"): MANAGER,
    ("GET", "/api/staff/catalogue/queues"): MANAGER,
    ("POST", "/api/staff/catalogue/queues"): MANAGER,
    ("PUT", "/api/staff/catalogue/queues/{queue_id}"): MANAGER,
    ("PUT", "/api/admin/municipality"): ADMIN,
}


SIGN_OUT = ("POST", "/api/staff/logout")


def test_every_staff_route_has_an_entry():
    # GIVEN the app's staff routes; THEN each has a decision in EXPECTED
    missing = sorted(staff_routes() - set(EXPECTED))
    assert missing == [], f"staff routes without an entry in EXPECTED: {missing}"


def test_no_entry_names_a_route_that_is_gone():
    # GIVEN the entries; THEN each names a route the app has
    assert sorted(set(EXPECTED) - staff_routes()) == []


def _concrete(path: str) -> str:
    parts = []
    for part in path.split("/"):
        parts.append("appointments" if part == "{dashboard}" else "zz-none" if part.startswith("{") else part)
    return "/".join(parts)


@pytest.fixture
def tokens(make_staff):
    return {role: make_staff(role, "kep", username=f"matrix.{role}") for role in ROLES}


def test_every_staff_route_allows_and_denies_each_role_as_expected(client, tokens):
    # GIVEN a staff member of each role (department kep)
    wrong = []
    # WHEN each calls every staff route (signing out last: it ends the caller's token)
    for method, path in sorted(staff_routes() & set(EXPECTED), key=lambda r: (r == SIGN_OUT, r)):
        for role in ROLES:
            headers = {**bearer(tokens[role]), "Content-Type": "application/json"}
            body = b"{}" if method in ("POST", "PUT", "PATCH") else None
            resp = client.http.request(method, _concrete(path), headers=headers, body=body)
            expected = EXPECTED[(method, path)]
            if resp.status_code >= 500:
                wrong.append(f"{method} {path} as {role}: {resp.status_code} (a server error, not a decision)")
                continue
            if expected is NO_ROLE:
                if resp.status_code == 403:
                    wrong.append(f"{method} {path} as {role}: 403 from a route with no role check")
                continue
            allowed = resp.status_code not in (401, 403)
            if allowed != (role in expected):
                wrong.append(
                    f"{method} {path} as {role}: {resp.status_code} "
                    f"({'allowed' if allowed else 'denied'}, expected the opposite)"
                )
    # THEN each role is let through or refused as EXPECTED says, and no call fails on the server
    assert wrong == [], "\n".join(wrong)
