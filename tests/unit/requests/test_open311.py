"""Open311 GeoReport v2: a client written against the spec lists services, reads a definition,
posts a request with attributes and reads it back, in JSON and XML; errors in the spec's format;
API keys issued and revoked by admins."""

from __future__ import annotations

import json

import pytest

from chalicelib import clock
from chalicelib.models.requests import RequestType
from chalicelib.services.requests import changes, open311, records
from tests.conftest import bearer
from tests.open311_client import GeoReportClient, GeoReportError, chalice_transport
from tests.unit.requests.helpers import ATHENS, count_calls, file_request, staff


@pytest.fixture
def api_key(catalogue):
    return open311.issue_key(staff("kep", roles=("admin",), username="admin"), "Test app")[1]


_transport = chalice_transport


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_spec_client_lists_reads_posts_and_reads_back(client, api_key, fmt):
    # GIVEN a client written from the spec, with a key
    geo = GeoReportClient(_transport(client), fmt=fmt, api_key=api_key)
    # WHEN it lists the services
    services = geo.services()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["pothole"]["metadata"] is True and by_code["pothole"]["type"] == "realtime"
    assert {"service_name", "description", "keywords", "group"} <= set(by_code["pothole"])
    # AND reads a definition
    definition = geo.service_definition("pothole")
    attribute = definition["attributes"][0]
    assert definition["service_code"] == "pothole"
    assert (attribute["code"], attribute["datatype"], attribute["required"]) == (
        "SIZE",
        "singlevaluelist",
        True,
    )
    assert [v["key"] for v in attribute["values"]] == ["small", "medium", "large"]
    # AND posts a request with the required attribute
    created = geo.create(
        "pothole",
        {"SIZE": "large"},
        lat=ATHENS[0],
        long=ATHENS[1],
        description="Λακκούβα",
        email="app.user@example.gr",
        first_name="Ana",
        last_name="User",
    )
    # THEN the answer is the id (the type is realtime), and no token (the spec: one or the other)
    service_request_id = created[0]["service_request_id"]
    assert service_request_id and created[0].get("token") is None
    # AND it reads it back, alone and in a search
    got = geo.request(service_request_id)[0]
    assert got["status"] == "open" and got["service_code"] == "pothole"
    assert float(got["lat"]) == ATHENS[0] and float(got["long"]) == ATHENS[1]
    assert got["description"] == "Λακκούβα" and got["agency_responsible"]
    assert got["requested_datetime"].endswith("+00:00")
    found = geo.requests(service_code="pothole", status="open")
    assert service_request_id in [r["service_request_id"] for r in found]
    # AND the attribute was stored, and no personal data is served
    stored = records.get_request(service_request_id)
    assert stored.attributes == {"SIZE": "large"} and stored.channel == "open311"
    assert "app.user@example.gr" not in json.dumps(got)


def test_multivaluelist_attributes_and_closed_status(client, api_key, catalogue):
    # GIVEN the pothole type with a multivaluelist attribute
    kind = RequestType.get("pothole")
    kind.attributes = kind.attributes + [
        {
            "code": "EXTRA",
            "datatype": "multivaluelist",
            "values": [{"key": "a", "name_el": "Α"}, {"key": "b", "name_el": "Β"}],
        }
    ]
    kind.save()
    geo = GeoReportClient(_transport(client), api_key=api_key)
    # WHEN an app posts a pothole with two values of it
    created = geo.create(
        "pothole",
        {"SIZE": "small", "EXTRA": ["a", "b"]},
        lat=ATHENS[0],
        long=ATHENS[1],
        address_string="Ερμού 1",
    )
    # THEN both are stored; once resolved it is closed and no longer among the open ones
    rid = created[0]["service_request_id"]
    assert records.get_request(rid).attributes == {"SIZE": "small", "EXTRA": ["a", "b"]}
    changes.change_status(staff(), rid, "resolved", note="ok")
    assert geo.request(rid)[0]["status"] == "closed"
    assert rid not in [r["service_request_id"] for r in geo.requests(status="open")]


def test_search_reads_requests_and_their_names_in_batches(client, api_key, catalogue):
    # GIVEN public reports of two types in two departments, a private request, an unknown id
    pothole = file_request(description="Λακκούβα 1")
    light = file_request(code="streetlight", attributes={"LIGHT_STATE": "off"}, description="Σβηστός")
    bin_ = file_request(code="overflowing-bin", attributes={"BIN": "recycling"}, description="Κάδος")
    private = file_request(code="birth-certificate", at=None, attributes={"PERSON": "Χ"})
    pothole_kind, light_kind = RequestType.get("pothole"), RequestType.get("streetlight")
    pothole_name, light_name = pothole_kind.name_el, light_kind.name_el
    geo = GeoReportClient(_transport(client), api_key=api_key)
    unknown = f"{clock.utcnow().year}-999999"
    asked = [light.request_id, private.request_id, unknown, pothole.request_id, light.request_id]
    # WHEN a client asks for them by id, counting DynamoDB calls
    with count_calls() as calls:
        found = geo.requests(service_request_id=",".join(asked))
    # THEN the public ones come back once each, in the order asked, with their names
    assert [r["service_request_id"] for r in found] == [light.request_id, pothole.request_id]
    assert [r["service_name"] for r in found] == [light_name, pothole_name]
    assert [r["agency_responsible"] for r in found] == [
        f"Τμήμα {light_kind.department_id}",
        f"Τμήμα {pothole_kind.department_id}",
    ]
    # AND three batch reads did it: the requests, the types, the departments
    assert calls == ["BatchGetItem"] * 3
    # WHEN it searches the feed
    with count_calls() as calls:
        listed = geo.requests()
    # THEN one Query per month, then one batch each for the names, however many requests
    assert {pothole.request_id, light.request_id, bin_.request_id} <= {
        r["service_request_id"] for r in listed
    }
    assert private.request_id not in {r["service_request_id"] for r in listed}
    assert calls.count("BatchGetItem") == 2 and set(calls) == {"Query", "BatchGetItem"}
    assert all(r["agency_responsible"].startswith("Τμήμα") for r in listed)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_use_the_georeport_format(client, api_key, fmt):
    # GIVEN a client with a wrong key
    geo = GeoReportClient(_transport(client), fmt=fmt, api_key="0000000000000000.wrong")
    # WHEN it asks for an unknown service -> 404; posts with the bad key -> 403; with a good key but
    # a missing attribute -> 400, or no location -> 400; reads a private request -> 404
    with pytest.raises(GeoReportError) as unknown:
        geo.service_definition("nothing")
    with pytest.raises(GeoReportError) as forbidden:
        geo.create("pothole", {"SIZE": "large"}, lat=1, long=2)
    geo.api_key = api_key
    with pytest.raises(GeoReportError) as invalid:
        geo.create("pothole", {}, lat=ATHENS[0], long=ATHENS[1])
    with pytest.raises(GeoReportError) as nowhere:
        geo.create("pothole", {"SIZE": "large"})
    private = file_request(code="birth-certificate", at=None, attributes={"PERSON": "Χ"})
    with pytest.raises(GeoReportError) as hidden:
        geo.request(private.request_id)
    # THEN each error has its status and the spec's error list
    for exc, status in ((unknown, 404), (forbidden, 403), (invalid, 400), (nowhere, 400), (hidden, 404)):
        assert exc.value.status == status
        assert exc.value.errors[0]["code"] in (status, str(status)) and exc.value.errors[0]["description"]


def test_discovery_lists_the_endpoint_and_formats(client, catalogue):
    # WHEN a client reads the discovery document in both formats
    # THEN it names the GeoReport v2 endpoint and its formats
    for fmt in ("json", "xml"):
        found = GeoReportClient(_transport(client), fmt=fmt).discovery()
        endpoint = found["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]


def test_admins_issue_and_revoke_keys(client, catalogue, make_staff):
    # GIVEN an admin and a clerk
    admin = make_staff("admin", "kep", username="admin")
    clerk = make_staff("clerk", "roads", username="clerk.roads")
    headers = {"Content-Type": "application/json"}
    # WHEN the clerk asks for a key -> 403; the admin gets one, which posts and is listed without it
    assert (
        client.http.post(
            "/api/admin/open311/keys", body=json.dumps({"name": "x"}), headers={**bearer(clerk), **headers}
        ).status_code
        == 403
    )
    issued = client.http.post(
        "/api/admin/open311/keys",
        body=json.dumps({"name": "FixMyCity"}),
        headers={**bearer(admin), **headers},
    ).json_body
    geo = GeoReportClient(_transport(client), api_key=issued["api_key"])
    assert geo.create("pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1])[0]["service_request_id"]
    listed = client.http.get("/api/admin/open311/keys", headers=bearer(admin)).json_body["keys"]
    assert [k["name"] for k in listed] == ["FixMyCity"] and "api_key" not in listed[0]
    # WHEN revoked, THEN the key no longer posts
    revoked = client.http.post(f"/api/admin/open311/keys/{issued['key_id']}/revoke", headers=bearer(admin))
    assert revoked.json_body["active"] is False
    with pytest.raises(GeoReportError) as refused:
        geo.create("pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1])
    assert refused.value.status == 403


def test_a_token_given_before_still_names_its_request(client, catalogue):
    # GIVEN a request filed when the POST still answered with a token
    req = file_request(with_token=True, channel="open311")
    geo = GeoReportClient(_transport(client))
    # WHEN a client asks for the token; THEN it gets the request's id, in the spec's shape
    assert geo.token(req.token) == [{"service_request_id": req.request_id, "token": req.token}]
