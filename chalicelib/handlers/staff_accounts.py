"""Administrators: invite a staff member (a Cognito user with a temporary password the pool
e-mails, and the employee row)."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op
from chalicelib.schemas.identity import STAFF_INVITE, STAFF_INVITED
from chalicelib.services import backoffice
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


@bp.route("/api/admin/staff", methods=["POST"])
def admin_invite_staff():
    admin = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request), STAFF_INVITE)
    return Response(body=backoffice.invite_staff(admin, **body), status_code=201)


OPENAPI = {
    "/api/admin/staff": {
        "post": op(
            "Invite a staff member: the pool e-mails a temporary password; they choose their own at "
            "first sign-in (409 username_taken, employee_exists; 404 department_not_found)",
            "staff accounts",
            auth="staff",
            body=STAFF_INVITE,
            responses={"201": json_response(STAFF_INVITED, "Invited")},
            errors=(404, 409),
        )
    },
}
