"""The municipality's settings: defaults on an empty deployment, saved by admins alone (audited),
read by the sites from a per-container cache; a map that cannot be drawn is refused naming the
field."""

from __future__ import annotations

from chalicelib.models.municipality import MunicipalitySettings
from chalicelib.services.platform import municipality
from devstack.demo.catalogue import MUNICIPALITY
from tests.unit.appointments.helpers import count_calls
from tests.unit.catalogue.support import audit_of, call, error, items

SETTINGS = "/api/admin/municipality"


def test_an_empty_deployment_answers_defaults_until_an_admin_saves(catalogue):
    client = catalogue.client
    # GIVEN nothing saved: THEN the defaults, marked as not configured
    first = client.http.get("/api/municipality").json_body
    assert first["configured"] is False and first["map"]["bounds"]["south"] < first["map"]["centre"]["lat"]
    # WHEN an admin saves the municipality's settings
    resp = call(client, "PUT", SETTINGS, catalogue.admin, MUNICIPALITY)
    assert resp.status_code == 200, resp.json_body
    # THEN the sites get them at once, from the cache afterwards
    shown = client.http.get("/api/municipality").json_body
    assert shown["configured"] is True and shown["name_en"] == MUNICIPALITY["name_en"]
    assert shown["map"] == MUNICIPALITY["map"]
    with count_calls() as calls:
        client.http.get("/api/municipality")
    assert calls == []
    # AND the save is in the audit log, with nothing before it
    [entry] = audit_of("municipality", "settings")
    assert entry.action == "municipality.save" and entry.before is None
    assert entry.after["map"]["centre"] == MUNICIPALITY["map"]["centre"]
    # WHEN saved again THEN the entry has what it was before
    call(client, "PUT", SETTINGS, catalogue.admin, {**MUNICIPALITY, "phone": "2100000000"})
    assert audit_of("municipality", "settings")[-1].before["phone"] == MUNICIPALITY["phone"]


def test_only_admins_save_and_a_map_that_cannot_be_drawn_is_refused(catalogue):
    client = catalogue.client
    # WHEN a manager, a clerk or no one saves THEN refused
    for token, status in ((catalogue.manager, 403), (catalogue.clerk, 403), (None, 401)):
        assert call(client, "PUT", SETTINGS, token, MUNICIPALITY).status_code == status
    bounds = MUNICIPALITY["map"]["bounds"]
    cases = [
        ({"bounds": {**bounds, "south": bounds["north"]}}, "map.bounds.north"),
        ({"bounds": {**bounds, "east": bounds["west"] - 1}}, "map.bounds.east"),
        ({"centre": {"lat": bounds["north"] + 0.5, "lng": 23.7}}, "map.centre"),
    ]
    for change, field in cases:
        body = {**MUNICIPALITY, "map": {**MUNICIPALITY["map"], **change}}
        assert error(call(client, "PUT", SETTINGS, catalogue.admin, body)) == (
            409,
            "invalid_map",
            {"field": field},
        )
    schema = call(
        client, "PUT", SETTINGS, catalogue.admin, {**MUNICIPALITY, "website": "javascript:alert(1)"}
    )
    assert schema.status_code == 400 and schema.json_body["error"]["details"]["field"] == "website"
    # THEN nothing was saved
    assert items(MunicipalitySettings) == []
    assert municipality.public_settings()["configured"] is False
