"""What stays of a request when its citizen closes their account: every attribute of
``CitizenRequest`` is classified as kept (the archive's document) or erased (who filed it), so one
added later cannot slip through unnoticed."""

from __future__ import annotations

from chalicelib.models.requests import CitizenRequest
from chalicelib.services.requests import citizen_records
from tests.unit.requests.helpers import file_request


def test_every_request_attribute_is_kept_or_erased():
    # GIVEN the model's attributes; THEN each is in exactly one of the two lists
    kept, erased = set(citizen_records.KEPT), set(citizen_records.ERASED)
    assert kept.isdisjoint(erased)
    assert kept | erased == set(CitizenRequest.get_attributes())


def test_the_kept_request_has_its_protocol_number_and_not_its_requester(catalogue):
    # GIVEN a report filed by a citizen
    req = file_request(description="Λακκούβα")
    assert (req.taxid, req.requester_name) == ("123456789", "Μαρία")
    # WHEN kept without its requester
    kept = citizen_records.without_requester(req)
    # THEN the document is whole and the person is gone
    assert (kept.protocol, kept.type_code, kept.description, kept.department_id) == (
        req.protocol,
        req.type_code,
        "Λακκούβα",
        req.department_id,
    )
    assert (kept.taxid, kept.requester_name, kept.contact_email, kept.contact_phone) == (
        None,
        None,
        None,
        None,
    )
