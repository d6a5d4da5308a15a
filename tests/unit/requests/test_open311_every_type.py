"""Open311 offers what a third party may do: a client written against the GeoReport v2 spec alone
lists the services, picks each one, reads its definition, files a request with the attributes the
definition asks for (filled from its datatypes and values) and reads it back by id and in a search,
in JSON and in XML. Private types (certificates, social help, tax matters) are not offered: their
codes answer as unknown, in the spec's error format, wherever a client uses them."""

from __future__ import annotations

import pytest

from chalicelib.models.org import Department
from chalicelib.models.requests import CitizenRequest, RequestType
from chalicelib.services.requests import open311, records
from devstack.demo import requests as demo
from tests.open311_client import GeoReportClient, GeoReportError, answers, chalice_transport
from tests.unit.requests.helpers import ATHENS, file_request, staff

PUBLIC = sorted(row[0] for row in demo.TYPES if row[5])
PRIVATE = sorted(row[0] for row in demo.TYPES if not row[5])


@pytest.fixture
def every_type(catalogue):
    """Every demo request type (public and private) and their departments, and an API key."""
    for row in demo.TYPES:
        Department(row[2], name_el=f"Τμήμα {row[2]}", name_en=f"Department {row[2]}").save()
    demo.seed()
    return open311.issue_key(staff("kep", roles=("admin",), username="admin"), "Spec app")[1]


def test_the_demo_catalogue_has_both_kinds():
    # GIVEN the demo types; THEN there are public and private ones to tell apart
    assert len(PUBLIC) >= 10 and len(PRIVATE) >= 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_spec_client_files_and_reads_back_every_listed_type(client, every_type, fmt):
    # GIVEN a client that knows only the spec, with a key
    geo = GeoReportClient(chalice_transport(client), fmt=fmt, api_key=every_type)
    # WHEN it lists the services
    listed = geo.services()
    codes = sorted(s["service_code"] for s in listed)
    # THEN exactly the public types are offered
    assert codes == PUBLIC
    filed = {}
    for service in listed:
        code = service["service_code"]
        # WHEN it reads the definition where the service says there is one, fills what is required
        definition = geo.service_definition(code) if service["metadata"] else {"attributes": []}
        given = answers(definition)
        # AND files a request at a point with a description
        filed[code] = geo.file(
            code, given, lat=ATHENS[0], long=ATHENS[1], description=f"Αναφορά {code} από εφαρμογή"
        )
        # THEN it reads it back by its id, with the service and place it filed
        (got,) = geo.request(filed[code])
        assert (got["service_request_id"], got["service_code"], got["status"]) == (filed[code], code, "open")
        assert (float(got["lat"]), float(got["long"])) == ATHENS
        assert got["description"] == f"Αναφορά {code} από εφαρμογή"
        assert got["service_name"] == service["service_name"]
        # AND the attributes it gave were kept as the definition's datatypes say
        stored = records.get_request(filed[code]).attributes
        assert set(stored) == set(given)
    # AND a search finds every one of them, by id and by service
    by_id = geo.requests(service_request_id=",".join(filed.values()))
    assert sorted(r["service_request_id"] for r in by_id) == sorted(filed.values())
    for code, service_request_id in filed.items():
        assert service_request_id in [r["service_request_id"] for r in geo.requests(service_code=code)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_spec_client_can_fill_every_optional_attribute_too(client, every_type, fmt):
    # GIVEN each listed service with attributes
    geo = GeoReportClient(chalice_transport(client), fmt=fmt, api_key=every_type)
    with_metadata = [s["service_code"] for s in geo.services() if s["metadata"]]
    assert with_metadata
    for code in with_metadata:
        # WHEN the client answers every attribute, required or not
        given = answers(geo.service_definition(code), optional=True)
        service_request_id = geo.file(code, given, lat=ATHENS[0], long=ATHENS[1])
        # THEN the request is filed with all of them
        assert set(records.get_request(service_request_id).attributes) == set(given)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_private_type_answers_as_unknown_everywhere(client, every_type, fmt):
    # GIVEN a client with a valid key, and a private request filed by a citizen on the site
    geo = GeoReportClient(chalice_transport(client), fmt=fmt, api_key=every_type)
    private = file_request(code="birth-certificate", at=None, attributes={"PERSON": "Χ"})
    refused = []
    for code in [*PRIVATE, "no-such-type"]:
        # WHEN it asks for the definition of a private type, or files one
        for attempt in (
            lambda code=code: geo.service_definition(code),
            lambda code=code: geo.create(code, {"PERSON": "Κάποιος"}, lat=ATHENS[0], long=ATHENS[1]),
        ):
            with pytest.raises(GeoReportError) as exc:
                attempt()
            refused.append((code, exc.value.status, exc.value.errors))
    # THEN each is a 404 with the spec's error list, the same words as for a code that never existed
    for code, status, errors in refused:
        assert status == 404
        assert [(str(e["code"]), e["description"]) for e in errors] == [
            ("404", f"service_code {code} was not found.")
        ]
    # AND nothing was filed, and the private request is neither listed nor readable
    assert [r.request_id for r in records_of_channel("open311")] == []
    with pytest.raises(GeoReportError) as hidden:
        geo.request(private.request_id)
    assert hidden.value.status == 404
    assert private.request_id not in [r["service_request_id"] for r in geo.requests()]


def test_an_inactive_public_type_is_withdrawn_from_third_parties(client, every_type):
    # GIVEN a public type that the municipality deactivates
    kind = RequestType.get("pothole")
    kind.active = False
    kind.save()
    geo = GeoReportClient(chalice_transport(client), api_key=every_type)
    # WHEN a client lists and files it; THEN it is gone and unknown
    assert "pothole" not in [s["service_code"] for s in geo.services()]
    with pytest.raises(GeoReportError) as exc:
        geo.create("pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1])
    assert exc.value.status == 404


def records_of_channel(channel: str) -> list:
    """Every stored request filed through ``channel`` (a test may scan; the code never does)."""
    return [r for r in CitizenRequest.scan() if r.channel == channel]
