"""Limits (DESIGN invariants 6 and 7): request bodies (413 in the error shape on every route, in
the GeoReport format on Open311), JSON bodies, file imports in characters, and how lists are
bounded: no route takes a page size; ranges of days are cut visibly or refused."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from chalicelib import openapi
from chalicelib.middleware import MAX_REQUEST_BYTES
from chalicelib.validation import MAX_BODY_BYTES
from tests.conftest import bearer
from tests.unit.security.world import A, People, all_routes, call, is_json_error, json_of


def _token_for(world: People, path: str, op: dict) -> str | None:
    security = json.dumps(op.get("security", []))
    if "citizenCookie" in security:
        return world.citizen[A]
    if "staffCookie" in security or path.startswith(("/api/staff/", "/api/admin/")):
        return world.staff["admin"]
    return None


def test_every_body_route_answers_413_over_the_request_limit(people):
    # GIVEN a body over the request limit
    paths = openapi.document()["paths"]
    body = json.dumps({"text": "x" * MAX_REQUEST_BYTES}).encode()
    wrong = []
    # WHEN it is sent to every route that takes a body; THEN each answers 413 in its error format
    for method, path in sorted(all_routes()):
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
    # GIVEN a form over the request limit; WHEN posted to Open311; THEN 413 as JSON or XML
    body = b"description=" + b"x" * MAX_REQUEST_BYTES
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    as_json = people.client.http.request("POST", "/open311/v2/requests.json", headers=form, body=body)
    as_xml = people.client.http.request("POST", "/open311/v2/requests.xml", headers=form, body=body)
    assert as_json.status_code == 413 and as_json.json_body[0]["code"] == 413
    assert as_xml.status_code == 413 and b"<errors>" in as_xml.body and b"<code>413</code>" in as_xml.body


def test_every_json_body_route_answers_413_over_the_json_limit(people):
    """Between the JSON limit (``validation.MAX_BODY_BYTES``) and the request limit: every route that
    documents a JSON body refuses it before reading it further."""
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
    # GIVEN an org chart in Greek just under the content limit, over the JSON limit in bytes
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
    # WHEN an admin imports it (dry run); THEN it is read whole
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
    # GIVEN every operation with a range of days, and what its summary says a long one gets
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
    # WHEN each is asked for five years from today
    today = world.values["today"]
    far = (date.fromisoformat(today) + timedelta(days=5 * 365)).isoformat()
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
    # THEN each cut it, saying which days it covers, or refused it
    assert wrong == [], "\n".join(wrong)
