"""The back-office demo data loads on top of the others and is idempotent."""

from __future__ import annotations

from chalicelib.models.alerts import Alert
from chalicelib.models.org import Employee
from chalicelib.services.backoffice import alerts
from devstack.demo import appointments as demo_appointments
from devstack.demo import backoffice as demo_backoffice
from devstack.demo import org as demo_org


def test_backoffice_demo_seeds_twice_without_changes(cognito):
    # GIVEN the org chart and appointments demo data
    demo_org.seed()
    demo_appointments.seed()
    # WHEN the back-office demo seeds THEN the HR export adds the two employees only it knows
    first = demo_backoffice.seed()
    assert first["org_changes"] == 2
    assert Employee.get("E013").active and Employee.get("E014").active
    # WHEN it seeds again THEN nothing changes and the one alert is on the site
    second = demo_backoffice.seed()
    assert second["org_changes"] == 0
    assert [a["alert_id"] for a in alerts.current_alerts()] == ["demo-heatwave"]
    assert Alert.get("demo-heatwave").status == "done"
