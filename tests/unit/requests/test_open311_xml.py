"""Open311 XML never carries a character XML 1.0 forbids: whatever a citizen, an app or staff typed
(control characters in the description, the address, a staff note, an attribute), every XML answer
parses, in every field; the JSON answer keeps the text as stored."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from chalicelib.models.requests import RequestType
from chalicelib.services.requests import changes, open311
from chalicelib.services.requests.open311.formats import to_xml, xml_safe
from tests.unit.requests.helpers import file_request, staff

FORBIDDEN = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + "\ufffe\uffff"
DIRTY = f"Λακκούβα{FORBIDDEN}μεγάλη\tκαι\nβαθιά"


def test_xml_safe_drops_exactly_what_xml_forbids():
    # GIVEN text with every forbidden character, and the allowed whitespace and a 4-byte character
    text = f"a{FORBIDDEN}b\t\n\rc😀"
    # THEN the forbidden ones go and the rest stays
    assert xml_safe(text) == "ab\t\n\rc😀"
    # AND a document built from any of them parses
    ET.fromstring(to_xml("errors", [{"code": 400, "description": f"x{chr(0)}{chr(0x1B)}[31m"}]).encode())


@pytest.mark.parametrize(
    "path", ["requests.xml", "requests/{id}.xml", "requests.xml?service_request_id={id}"]
)
def test_every_xml_answer_parses_whatever_was_typed(client, catalogue, path):
    # GIVEN a public report whose description, address, attribute and public staff note carry
    # control characters
    req = file_request(
        description=DIRTY,
        address=f"Ερμού{chr(7)} 1",
        attributes={"SIZE": "large"},
    )
    changes.add_note(staff(), req.request_id, f"Αυτοψία{chr(0x0C)} αύριο", public=True)
    changes.change_status(staff(), req.request_id, "in_progress", note=f"Ξεκίνησε{chr(0x1F)}")
    # WHEN a client asks for it in XML, with the extensions
    url = "/open311/v2/" + path.format(id=req.request_id)
    resp = client.http.get(url + ("&" if "?" in url else "?") + "extensions=true")
    # THEN the document parses and holds the text without the forbidden characters
    assert resp.status_code == 200, resp.body
    root = ET.fromstring(resp.body)
    (request,) = [r for r in root.iter("request") if r.findtext("service_request_id") == req.request_id]
    assert request.findtext("description") == xml_safe(DIRTY)
    assert request.findtext("address") == "Ερμού 1"
    assert request.findtext("status_notes") == "Ξεκίνησε"
    assert not any(ch in ET.tostring(root, encoding="unicode") for ch in FORBIDDEN)
    # AND the JSON answer keeps what was stored (JSON escapes it)
    as_json = json.loads(client.http.get(url.replace(".xml", ".json")).body)
    assert [r["description"] for r in as_json if r["service_request_id"] == req.request_id] == [DIRTY]


def test_service_definitions_and_errors_in_xml_parse_too(client, catalogue):
    # GIVEN a type whose names and attribute descriptions carry control characters
    kind = RequestType.get("pothole")
    kind.name_el = f"Λακκούβα{chr(0x02)}"
    kind.attributes = [{**kind.attributes[0], "description_el": f"Μέγεθος{chr(0x10)}"}]
    kind.save()
    # WHEN the services, the definition and an error are asked for in XML; THEN each parses
    for url in (
        "/open311/v2/services.xml",
        "/open311/v2/services/pothole.xml",
        f"/open311/v2/services/x{chr(1)}.xml",
    ):
        body = client.http.get(url).body
        ET.fromstring(body)
    assert open311.xml_safe(kind.name_el) == "Λακκούβα"
