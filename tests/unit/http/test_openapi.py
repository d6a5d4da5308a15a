"""The OpenAPI document and the routes agree, and the document is valid OpenAPI 3.1."""

from __future__ import annotations

from openapi_spec_validator import validate

from app import app


def _routes():
    return {(path, method.lower()) for path, methods in app.routes.items() for method in methods}


def test_every_route_is_documented_and_every_documented_route_exists(client):
    # GIVEN the app's routes and the served document
    doc = client.http.get("/api/openapi.json").json_body
    documented = {
        (path, method)
        for path, ops in doc["paths"].items()
        for method in ops
        if method in ("get", "put", "post", "delete", "patch")
    }
    # THEN they are the same set
    routes = _routes()
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations with no route"


def test_document_is_valid_openapi_31(client):
    # GIVEN the served document; THEN it is OpenAPI 3.1 and valid
    doc = client.http.get("/api/openapi.json").json_body
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_every_operation_documents_the_error_shape(client):
    # GIVEN the served document; THEN every operation documents the error shape as its default
    doc = client.http.get("/api/openapi.json").json_body
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert "default" in op["responses"], f"{method} {path}"
