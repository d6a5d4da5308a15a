"""Liveness and the API's own description."""

from chalice import Blueprint, Response

from chalicelib import openapi
from chalicelib.openapi import json_response, op
from chalicelib.services.platform import health

bp = Blueprint(__name__)


@bp.route("/api/health", methods=["GET"])
def get_health():
    report = health.report()
    return Response(body=report, status_code=200 if report["status"] == "ok" else 503)


@bp.route("/api/openapi.json", methods=["GET"])
def get_openapi():
    return openapi.document()


OPENAPI = {
    "/api/health": {
        "get": op(
            "State of each part: tables, stream pump, scheduler",
            "meta",
            responses={"200": json_response(), "503": json_response(description="Degraded")},
        )
    },
    "/api/openapi.json": {"get": op("This document", "meta")},
}
