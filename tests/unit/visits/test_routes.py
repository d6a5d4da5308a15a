"""Every route of the visit log, called once: none returns a name, a mobile or an email."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import clock
from chalicelib.handlers import visits_public, visits_staff
from chalicelib.services.visits import fanout, sender
from tests.conftest import bearer
from tests.unit.visits.support import CONTACTS, EMAIL, KEP, MOBILE, NAME, OTHER_EMAIL, drain


def test_no_route_of_the_visit_log_returns_a_contact(visit_env, client, make_staff):
    json_headers = {"Content-Type": "application/json", "Accept": "*/*"}
    admin = make_staff("admin", None)
    officer = make_staff("health_officer", None)
    clerk = make_staff("clerk", "kep")
    bodies = []
    called = set()

    def call(method, path, body=None, token=None, route=None):
        headers = {**json_headers, **(bearer(token) if token else {})}
        resp = getattr(client.http, method)(
            path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        assert resp.status_code < 300, (method, path, resp.status_code, resp.body)
        bodies.append(resp.body if isinstance(resp.body, bytes) else str(resp.body).encode())
        called.add((route or path.split("?")[0], method))
        return (
            json.loads(resp.body)
            if resp.headers.get("Content-Type", "").startswith("application/json")
            else None
        )

    # GIVEN a visitor who registers (the pass sent by email and SMS) and one registered by a clerk
    registration = {
        "name": NAME,
        "email": EMAIL,
        "mobile": MOBILE,
        "consent": True,
        "send_pass": ["email", "sms"],
    }
    mine = call("post", "/api/visits/registrations", registration)
    theirs = call(
        "post",
        "/api/staff/visits/registrations",
        {"name": "Άλλος Επισκέπτης", "email": OTHER_EMAIL, "consent": True},
        clerk,
    )
    assert mine["sent"] == ["email", "sms"] and theirs["channels"] == ["email"]
    # WHEN every other route is called: buildings, the pass, its QR, scans, incidents, delete
    pass_path = "/api/visits/passes/{pass_id}"
    call(
        "put",
        "/api/staff/visits/buildings/kep",
        KEP,
        admin,
        route="/api/staff/visits/buildings/{building_id}",
    )
    call("get", "/api/visits/buildings")
    call("get", "/api/visits/buildings/dimarxeio", route="/api/visits/buildings/{building_id}")
    call("get", f"/api/visits/passes/{mine['pass_id']}", route=pass_path)
    call("get", f"/api/visits/passes/{mine['pass_id']}/qr?format=svg", route=pass_path + "/qr")
    call("get", f"/api/visits/passes/{mine['pass_id']}/qr?format=png", route=pass_path + "/qr")
    scans = "/api/visits/buildings/{building_id}/scans"
    call(
        "post",
        "/api/visits/buildings/dimarxeio/scans",
        {"code": mine["code"], "entrance_id": "main"},
        route=scans,
    )
    call("post", "/api/visits/buildings/dimarxeio/scans", {"code": theirs["pass_id"]}, route=scans)
    now = clock.utcnow()
    incident = call(
        "post",
        "/api/staff/visits/incidents",
        {
            "building_id": "dimarxeio",
            "window_start": (now - timedelta(hours=1)).isoformat(),
            "window_end": now.isoformat(),
            "message_el": "Πιθανή έκθεση.",
        },
        admin,
    )
    incident_path = f"/api/staff/visits/incidents/{incident['incident_id']}"
    incident_route = "/api/staff/visits/incidents/{incident_id}"
    call("post", incident_path + "/approve", {}, officer, route=incident_route + "/approve")
    withdrawn = call(
        "post",
        "/api/staff/visits/incidents",
        {
            "building_id": "kep",
            "window_start": (now - timedelta(hours=1)).isoformat(),
            "window_end": now.isoformat(),
            "message_el": "Λάθος κτίριο.",
        },
        admin,
    )
    withdraw = f"/api/staff/visits/incidents/{withdrawn['incident_id']}/reject"
    call("post", withdraw, {"reason": "Λάθος κτίριο"}, admin, route=incident_route + "/reject")
    fanout.fan_out(incident["incident_id"])
    for r in drain(visit_env["queue_url"]):
        sender.send_one(incident["incident_id"], json.loads(r["body"])["pass_id"])
    done = call("get", incident_path, token=admin, route=incident_route)
    assert done["counts"]["sent"] == 2
    call("get", "/api/staff/visits/incidents", token=admin)
    call("delete", f"/api/visits/passes/{theirs['pass_id']}", route=pass_path)

    # THEN every route of the feature was called ...
    documented = {
        (p, m) for mod in (visits_public, visits_staff) for p, ms in mod.OPENAPI.items() for m in ms
    }
    assert len(documented) == 14  # the 14 operations called above
    assert called == documented
    # ... and no body holds a name, mobile or email
    for body in bodies:
        text = body.decode("utf-8", "replace")
        for secret in CONTACTS:
            assert secret not in text
    # AND the QR holds only the pass id
    assert b"<svg" in bodies[6] and bodies[7][:8] == b"\x89PNG\r\n\x1a\n"
