"""Every route of the catalogue's staff side refuses a caller who is not signed in (401) and a
clerk (403), before reading the body: the role matrix (``tests/unit/security``) holds the other
roles, the staff matrix the other departments."""

from __future__ import annotations

import pytest

from tests.unit.catalogue.support import call

ROUTES = [
    ("GET", "/api/staff/catalogue/service-points"),
    ("POST", "/api/staff/catalogue/service-points"),
    ("GET", "/api/staff/catalogue/service-points/kep-dimarxeio"),
    ("PUT", "/api/staff/catalogue/service-points/kep-dimarxeio"),
    ("GET", "/api/staff/catalogue/queues"),
    ("POST", "/api/staff/catalogue/queues"),
    ("PUT", "/api/staff/catalogue/queues/kep-dimarxeio-A"),
    ("POST", "/api/staff/services"),
    ("PUT", "/api/staff/services/kep-certificates"),
    ("PUT", "/api/admin/request-types/pothole"),
    ("PUT", "/api/admin/municipality"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_anonymous_and_clerks_are_refused(catalogue, method, path):
    body = {} if method in ("POST", "PUT") else None
    # WHEN no one signed in calls THEN 401; WHEN a clerk of the KEP calls THEN 403
    assert call(catalogue.client, method, path, None, body).status_code == 401
    refused = call(catalogue.client, method, path, catalogue.clerk, body)
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "role_forbidden"
