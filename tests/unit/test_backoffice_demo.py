"""The back-office demo data loads on top of the others and is idempotent."""

from __future__ import annotations


def test_backoffice_demo_seeds_twice_without_changes(cognito):
    from chalicelib.models.alerts import Alert
    from chalicelib.models.org import Employee
    from chalicelib.services.backoffice import alerts
    from devstack.demo import appointments, backoffice, org

    org.seed()
    appointments.seed()
    first = backoffice.seed()
    assert first["org_changes"] == 2  # the two employees only the HR export knows
    assert Employee.get("E013").active and Employee.get("E014").active
    second = backoffice.seed()
    assert second["org_changes"] == 0
    assert [a["alert_id"] for a in alerts.current()] == ["demo-heatwave"]
    assert Alert.get("demo-heatwave").status == "done"
