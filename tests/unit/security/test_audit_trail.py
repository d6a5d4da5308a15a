"""The audit log records who read personal data (the day list with tax numbers, an appointment, a
request with the citizen's contacts, the inbox and map, the audit export) and every refused call of
a staff route: who, which route; an anonymous flood of refusals is bounded per client."""

from __future__ import annotations

from chalicelib.models.audit import AuditEntry
from tests.unit.security.world import call, refusals


def _reads() -> list[AuditEntry]:
    return sorted((e for e in AuditEntry.scan() if e.action.startswith("read.")), key=lambda e: e.at_key)


READS = [
    # (who, path, expected action, expected entity)
    (
        ("manager", "kep"),
        "/api/staff/appointments/day-list?department_id={kep}",
        "read.appointments.day_list",
        ("department", "kep"),
    ),
    (
        ("manager", "kep"),
        "/api/staff/appointments?department_id={kep}",
        "read.appointments.list",
        ("department", "kep"),
    ),
    (
        ("manager", "kep"),
        "/api/staff/appointments/{a_appointment}",
        "read.appointment",
        ("appointment", "{a_appointment}"),
    ),
    (("manager", "roads"), "/api/staff/requests/{request}", "read.request", ("citizen_request", "{request}")),
    (
        ("manager", "roads"),
        "/api/staff/requests?department_id={roads}",
        "read.requests.inbox",
        ("department", "roads"),
    ),
    (
        ("manager", "roads"),
        "/api/staff/requests-map?department_id={roads}",
        "read.requests.map",
        ("department", "roads"),
    ),
    (("manager", "kep"), "/api/staff/audit/export", "read.audit.export", ("department", "kep")),
]


def test_each_read_of_personal_data_names_who_read_what(world):
    # GIVEN a department's day list, an appointment, a request with its contacts, lists and an export
    wrong = []
    for who, path, action, (entity_type, entity_id) in READS:
        path, entity_id = world.resolve(path, entity_id)
        before = len(_reads())
        # WHEN a manager of the department reads it
        resp = call(world.client, "GET", path, world.staff[who])
        # THEN one entry says who read it, which, and how many rows where it is a list
        new = _reads()[before:]
        if resp.status_code != 200 or len(new) != 1:
            wrong.append(f"{path}: {resp.status_code}, {len(new)} entries")
            continue
        entry = new[0]
        username = f"sec.{who[0]}.{who[1]}"
        if (entry.actor, entry.action, entry.entity_type, entry.entity_id) != (
            username,
            action,
            entity_type,
            entity_id,
        ):
            wrong.append(f"{path}: {entry.actor} {entry.action} {entry.entity_type} {entry.entity_id}")
        if entry.status != "200" or entry.correlation_id is None:
            wrong.append(f"{path}: status {entry.status}, correlation {entry.correlation_id}")
    assert wrong == [], "\n".join(wrong)


def test_reading_nothing_personal_writes_nothing(world):
    # GIVEN the services list and the queue page (no citizen's data)
    before = len(list(AuditEntry.scan()))
    for path in ("/api/staff/services?department_id=kep", "/api/staff/queue/points/kep-dimarxeio"):
        assert call(world.client, "GET", path, world.staff[("manager", "kep")]).status_code == 200
    # THEN the log is as it was
    assert len(list(AuditEntry.scan())) == before


def test_a_refused_call_of_a_staff_route_names_who_tried_which_route(world):
    # GIVEN a clerk of cleaning, and kep's appointment
    path = world.resolve("/api/staff/appointments/{a_appointment}")[0]
    # WHEN the clerk asks for it
    resp = call(world.client, "GET", path, world.staff[("clerk", "cleaning")])
    # THEN 403, and the log names the clerk, the route, the status and the refusal's code
    assert resp.status_code == 403
    [entry] = refusals()
    assert (entry.actor, entry.role, entry.department_id) == ("sec.clerk.cleaning", "clerk", "cleaning")
    assert entry.entity_id == "GET /api/staff/appointments/{appointment_id}"
    assert entry.after == {"status": 403, "code": "other_department"} and entry.status == "403"
    assert entry.source_ip == "127.0.0.1"
    # AND a role refusal is written the same way
    call(world.client, "PUT", "/api/admin/request-types/pothole", world.staff[("clerk", "cleaning")], {})
    assert refusals()[-1].after == {"status": 403, "code": "role_forbidden"}


def test_a_forged_token_is_an_anonymous_attempt_and_no_token_is_no_attempt(world):
    # WHEN a call carries a token that is not valid THEN it is written, by (anonymous)
    resp = call(world.client, "GET", "/api/staff/audit", "not-a-token")
    assert resp.status_code == 401
    [entry] = refusals()
    assert (entry.actor, entry.department_id, entry.after["code"]) == ("(anonymous)", None, "invalid_token")
    # AND a signed-out browser asking who is signed in is routine: nothing is written
    assert call(world.client, "GET", "/api/staff/me").status_code == 401
    assert len(refusals()) == 1


def test_an_anonymous_flood_of_refusals_writes_a_bounded_number_of_entries(world, env):
    # GIVEN an allowance of three a day, and one client knocking with forged tokens forty times
    env(DIMOTIS_LIMIT_REFUSALS_CLIENT_DAY="3")
    for i in range(40):
        assert call(world.client, "GET", "/api/staff/employees", f"forged-{i}").status_code == 401
    # THEN the log holds the first three of that client's day, no more
    assert len(refusals()) == 3
    # AND a staff member's own refusal is still written (they are named, and bounded by who they are)
    call(world.client, "GET", "/api/staff/employees?department_id=kep", world.staff[("manager", "roads")])
    assert refusals()[-1].actor == "sec.manager.roads"
