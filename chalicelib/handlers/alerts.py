"""Broadcast alerts: composed by admins, shown on the citizen site, sent each minute in batches."""

from chalice import Blueprint, Rate

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, path_param
from chalicelib.schemas.alerts import ALERT_CREATE, ALERT_LIST, PUBLIC_ALERT
from chalicelib.services import backoffice
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


@bp.route("/api/alerts", methods=["GET"])
def current_alerts():
    return {"alerts": backoffice.current_alerts()}


@bp.route("/api/alerts/topics", methods=["GET"])
def alert_topics():
    return {"topics": backoffice.alert_topics()}


@bp.route("/api/admin/alerts", methods=["GET"])
def admin_alerts():
    require_staff(bp.current_request, "admin")
    return {"alerts": backoffice.recent_alerts()}


@bp.route("/api/admin/alerts", methods=["POST"])
def admin_create_alert():
    staff = require_staff(bp.current_request, "admin")
    alert = backoffice.create_alert(staff, validate(json_body(bp.current_request), ALERT_CREATE))
    return backoffice.public_alert(alert, admin=True)


@bp.route("/api/admin/alerts/{alert_id}/withdraw", methods=["POST"])
def admin_withdraw_alert(alert_id):
    staff = require_staff(bp.current_request, "admin")
    return backoffice.public_alert(backoffice.withdraw_alert(staff, alert_id), admin=True)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="alerts_send")
def alerts_send(event):
    return backoffice.send_pending_alerts()


OPENAPI = {
    "/api/alerts": {
        "get": op(
            "Alerts in force now (heatwave, snowfall, waste collection...)",
            "alerts",
            responses={"200": json_response(ALERT_LIST)},
        )
    },
    "/api/alerts/topics": {"get": op("The alert topics a citizen may subscribe to", "alerts")},
    "/api/admin/alerts": {
        "get": op("Recent alerts with their sending progress", "alerts", auth="staff"),
        "post": op(
            "Compose an alert: shown on the site, sent to the topic's subscribers (rate limited)",
            "alerts",
            auth="staff",
            body=ALERT_CREATE,
            responses={"200": json_response(PUBLIC_ALERT)},
        ),
    },
    "/api/admin/alerts/{alert_id}/withdraw": {
        "post": op(
            "Withdraw an alert: off the site, no more messages",
            "alerts",
            auth="staff",
            params=[path_param("alert_id", "An alert")],
            responses={"200": json_response(PUBLIC_ALERT)},
            errors=(404, 409),
        )
    },
}
