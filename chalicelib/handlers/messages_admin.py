"""Messages, administrators: what became of every e-mail and SMS (the delivery page)."""

from chalice import Blueprint

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, query_param
from chalicelib.schemas.messages import DELIVERIES, DELIVERIES_QUERY
from chalicelib.services.platform import deliveries
from chalicelib.validation import query, validate

bp = Blueprint(__name__)


@bp.route("/api/admin/messages", methods=["GET"])
def admin_messages():
    require_staff(bp.current_request, "admin")
    return deliveries.report(validate(query(bp.current_request), DELIVERIES_QUERY).get("status"))


OPENAPI = {
    "/api/admin/messages": {
        "get": op(
            f"Messages of the last {deliveries.DAYS} days: counts per day and status, the newest "
            f"{deliveries.LIST_LIMIT} (of one status, or all; addresses masked), the month's SMS budget",
            "messages",
            auth="staff",
            params=[query_param("status", DELIVERIES_QUERY["properties"]["status"])],
            responses={"200": json_response(DELIVERIES)},
        )
    },
}
