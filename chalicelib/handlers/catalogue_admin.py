"""The municipality's own catalogue, staff: service points and queues (admins everywhere, managers
in their own department), and the municipality's settings (admins). Services are created and
edited at ``/api/staff/services`` (``appointments_staff.py``), request types at
``/api/admin/request-types/{code}`` (``requests_staff.py``). Every change is in the audit log;
nothing is deleted: ``active: false`` deactivates."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.schemas.appointments import DEPARTMENT, POINT_ID
from chalicelib.schemas.catalogue import (
    MUNICIPALITY,
    MUNICIPALITY_EDIT,
    QUEUE,
    QUEUE_EDIT,
    QUEUE_ID,
    QUEUE_NEW,
    QUEUES,
    SERVICE_POINT,
    SERVICE_POINT_EDIT,
    SERVICE_POINT_NEW,
    SERVICE_POINTS,
)
from chalicelib.services import live_queue
from chalicelib.services.platform import municipality, service_points
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

MANAGER = ("manager",)


def _manager():
    return require_staff(bp.current_request, *MANAGER)


def _body(schema: dict) -> dict:
    return validate(json_body(bp.current_request), schema)


@bp.route("/api/staff/catalogue/service-points", methods=["GET"])
def catalogue_points():
    _manager()
    return {"service_points": [service_points.public_point(p) for p in service_points.all_points()]}


@bp.route("/api/staff/catalogue/service-points", methods=["POST"])
def catalogue_point_create():
    staff = _manager()
    point = service_points.create_point(staff, _body(SERVICE_POINT_NEW))
    return Response(body=service_points.public_point(point), status_code=201)


@bp.route("/api/staff/catalogue/service-points/{service_point_id}", methods=["GET"])
def catalogue_point(service_point_id):
    _manager()
    return service_points.public_point(service_points.get_point(service_point_id))


@bp.route("/api/staff/catalogue/service-points/{service_point_id}", methods=["PUT"])
def catalogue_point_update(service_point_id):
    staff = _manager()
    body = _body(SERVICE_POINT_EDIT)
    return service_points.public_point(service_points.update_point(staff, service_point_id, body))


@bp.route("/api/staff/catalogue/queues", methods=["GET"])
def catalogue_queues():
    staff = _manager()
    lines = live_queue.staff_lines(staff, query(bp.current_request).get("department_id"))
    return {"queues": [live_queue.admin_line(line) for line in lines]}


@bp.route("/api/staff/catalogue/queues", methods=["POST"])
def catalogue_queue_create():
    staff = _manager()
    line = live_queue.create_line(staff, _body(QUEUE_NEW))
    return Response(body=live_queue.admin_line(line), status_code=201)


@bp.route("/api/staff/catalogue/queues/{queue_id}", methods=["PUT"])
def catalogue_queue_update(queue_id):
    staff = _manager()
    body = _body(QUEUE_EDIT)
    return live_queue.admin_line(live_queue.update_line(staff, queue_id, body))


@bp.route("/api/admin/municipality", methods=["PUT"])
def municipality_save():
    staff = require_staff(bp.current_request, "admin")
    return municipality.save_settings(staff, _body(MUNICIPALITY_EDIT))


_POINT = path_param("service_point_id", "A service point", pattern=POINT_ID)
_QUEUE = path_param("queue_id", "A queue: <service point>-<prefix>", pattern=QUEUE_ID)


def _op(summary: str, **kwargs) -> dict:
    return op(summary, "catalogue", auth="staff", **kwargs)


OPENAPI = {
    "/api/staff/catalogue/service-points": {
        "get": _op(
            "Every service point of the municipality, active or not (admins, managers)",
            responses={"200": json_response(SERVICE_POINTS)},
        ),
        "post": _op(
            "Create a service point: names, address, map position, contacts, opening hours (admins; "
            "managers for their department)",
            body=SERVICE_POINT_NEW,
            responses={"201": json_response(SERVICE_POINT)},
            errors=(404, 409),
        ),
    },
    "/api/staff/catalogue/service-points/{service_point_id}": {
        "get": _op(
            "One service point (admins, managers)",
            params=[_POINT],
            responses={"200": json_response(SERVICE_POINT)},
            errors=(404,),
        ),
        "put": _op(
            "Edit a service point: the fields given change; active false deactivates it when no active "
            "service or queue is at it (admins; managers of its department)",
            params=[_POINT],
            body=SERVICE_POINT_EDIT,
            responses={"200": json_response(SERVICE_POINT)},
            errors=(404, 409),
        ),
    },
    "/api/staff/catalogue/queues": {
        "get": _op(
            "The queues of a department (default: your own), active or not",
            params=[query_param("department_id", DEPARTMENT, description="Default: your own")],
            responses={"200": json_response(QUEUES)},
        ),
        "post": _op(
            "Create a queue at a service point: prefix, names, the services and kinds of ticket it takes, "
            "department (admins; managers for their department)",
            body=QUEUE_NEW,
            responses={"201": json_response(QUEUE)},
            errors=(404, 409),
        ),
    },
    "/api/staff/catalogue/queues/{queue_id}": {
        "put": _op(
            "Edit a queue: the fields given change; active false deactivates it (no new tickets)",
            params=[_QUEUE],
            body=QUEUE_EDIT,
            responses={"200": json_response(QUEUE)},
            errors=(404, 409),
        ),
    },
    "/api/admin/municipality": {
        "put": _op(
            "Save the municipality's settings: name, contacts, map centre and bounds (admins)",
            body=MUNICIPALITY_EDIT,
            responses={"200": json_response(MUNICIPALITY)},
            errors=(409,),
        ),
    },
}
