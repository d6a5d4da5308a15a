"""One JSON error shape for every 4xx and 5xx."""

from __future__ import annotations

from datetime import date

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib import middleware, validation
from chalicelib.errors import ValidationFailed
from chalicelib.validation import check_query, validate
from tests.conftest import bearer


def test_unknown_json_is_400_in_our_shape(client, make_citizen):
    # WHEN a body is not JSON; THEN 400 in the error shape
    token = make_citizen()
    resp = client.http.put(
        "/api/me", headers={**bearer(token), "Content-Type": "application/json"}, body="{not json"
    )
    assert resp.status_code == 400
    assert resp.json_body == {"error": {"code": "invalid_json", "message": "The request body is not valid JSON."}}


def test_wrong_content_type_is_415_in_our_shape(client, make_citizen):
    # WHEN a body is not sent as JSON; THEN 415 in the error shape
    resp = client.http.put("/api/me", headers={**bearer(make_citizen()), "Content-Type": "text/plain"}, body="x")
    assert resp.status_code == 415
    assert resp.json_body["error"]["code"] == "unsupported_media_type"


def test_too_large_body_is_413(client, make_citizen):
    # WHEN a body is over the request limit; THEN 413 in the error shape
    resp = client.http.put(
        "/api/me",
        headers={**bearer(make_citizen()), "Content-Type": "application/json"},
        body='{"email": "' + "a" * (1024 * 1024 + 10) + '"}',
    )
    assert resp.status_code == 413
    assert resp.json_body["error"]["code"] == "payload_too_large"


def test_unexpected_exception_is_500_without_details(aws):
    # GIVEN a route that raises behind the middleware
    app = Chalice(app_name="t")
    app.register_middleware(middleware.http, "http")
    bp = Blueprint(__name__)

    @bp.route("/api/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.register_blueprint(bp)
    # WHEN it is called; THEN 500 in the error shape, and nothing of the exception
    with Client(app) as c:
        resp = c.http.get("/api/boom")
    assert resp.status_code == 500
    assert resp.json_body == {"error": {"code": "internal_error", "message": "An internal server error occurred."}}
    assert b"secret internals" not in resp.body


@pytest.mark.parametrize("header", ["X-Correlation-Id", "X-Content-Type-Options", "Cache-Control"])
def test_every_response_carries_safe_headers(client, header):
    # WHEN any route answers; THEN the safe headers are there
    resp = client.http.get("/api/openapi.json")
    assert header in resp.headers


def test_correlation_id_is_echoed(client):
    # WHEN a request carries a correlation id; THEN the answer carries it back
    resp = client.http.get("/api/openapi.json", headers={"X-Correlation-Id": "abc-123"})
    assert resp.headers["X-Correlation-Id"] == "abc-123"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/services?department_id=" + "x" * 121, "department_id"),  # longer than documented
        ("/api/services?department_id=kep&department_id=kep", "department_id"),  # given twice
        ("/api/services/kep-certificates/availability?from=", "from"),  # not a date
        (f"/api/services/kep-certificates/availability?from={date.today().year}-13-01", "from"),  # no month 13
        ("/api/staff/requests?min_age_days=-1", "min_age_days"),  # integer below its minimum
        ("/api/staff/requests?min_age_days=soon", "min_age_days"),  # not an integer
    ],
)
def test_query_strings_are_checked_against_the_document_on_every_route(client, path, field):
    """The middleware checks every documented query parameter before the handler runs, so no route
    accepts what its document refuses (signed out: the check comes first, nothing is read)."""
    # WHEN a query parameter breaks its documented schema; THEN 400 naming it
    resp = client.http.get(path)
    assert resp.status_code == 400, resp.body
    assert resp.json_body["error"]["code"] == "validation_failed"
    assert resp.json_body["error"]["details"]["field"] == field


def test_documented_query_values_are_typed_and_undocumented_ones_left_alone(client, make_staff):
    # THEN integers arrive as text and pass as the integers they are; names the document lacks pass through
    check_query("/api/staff/requests", "GET", {"min_age_days": "3", "utm_source": "x" * 500})
    resp = client.http.get("/api/staff/requests?min_age_days=3&max_age_days=10", headers=bearer(make_staff("clerk")))
    assert resp.status_code == 200, resp.body


def test_a_request_without_query_parameters_compiles_no_validator(client):
    # GIVEN an operation whose query parameters are all optional
    before = dict(validation._compiled)
    # WHEN its query is checked with none of them; THEN no validator is compiled for it
    check_query("/api/services/{service_id}/availability", "GET", None)
    check_query("/api/services/{service_id}/availability", "GET", {"utm_source": "x"})
    assert validation._compiled == before
    # AND with one that breaks its schema, it is still refused
    resp = client.http.get("/api/services/kep-certificates/availability?from=soon")
    assert resp.status_code == 400 and resp.json_body["error"]["details"]["field"] == "from"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object", "properties": {"day": {"type": "string"}}}, {}),
        ({"type": "object", "additionalProperties": False, "properties": {"n": {"type": "integer"}}}, {}),
        ({"type": "object", "properties": {"lang": {"enum": ["el", "en"], "default": "el"}}}, {"lang": "el"}),
        ({"type": "object", "required": ["day"], "properties": {"day": {"type": "string"}}}, ValidationFailed),
        ({"type": "object", "minProperties": 1}, ValidationFailed),
    ],
)
def test_an_empty_object_is_judged_as_the_schema_says_with_or_without_a_validator(schema, expected):
    # WHEN an empty object is validated (no validator is compiled when the schema cannot refuse it)
    compiled = len(validation._compiled)
    if expected is ValidationFailed:
        # THEN a schema that requires something refuses it
        with pytest.raises(ValidationFailed):
            validate({}, schema)
        return
    # THEN it passes, with the schema's defaults filled in; only a schema with defaults compiled one
    assert validate({}, schema) == expected
    assert len(validation._compiled) == compiled + (1 if expected else 0)


def test_a_schema_made_anew_gets_its_own_validator():
    # GIVEN schemas made one after the other (a dict's id may be reused once it is gone)
    for n in range(50):
        schema = {"type": "object", "required": [f"field{n}"]}
        # THEN each is judged by itself, not by a validator left from an earlier one
        with pytest.raises(ValidationFailed):
            validate({}, schema)
        assert validate({f"field{n}": 1}, schema) == {f"field{n}": 1}
