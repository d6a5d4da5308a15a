"""Dashboards: who sees which department, the CSV export with the same figures, and medians from
minute histograms."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from statistics import median

import pytest

from chalicelib.services.backoffice.dashboards import median_from_histogram
from tests.conftest import bearer
from tests.events import stream_record
from tests.unit.backoffice.stats_data import DAYS, PERIOD, run_stats_consumers, ticket_lives


def test_dashboards_follow_roles_and_departments(client, make_staff):
    manager = bearer(make_staff("manager", "kep"))
    # WHEN a manager asks without a department THEN they get their own
    assert client.http.get("/api/staff/stats/queues", headers=manager).json_body["department_id"] == "kep"
    # AND another department, a clerk's request, an unknown dashboard are refused
    assert client.http.get("/api/staff/stats/queues?department_id=roads", headers=manager).status_code == 403
    assert (
        client.http.get("/api/staff/stats/queues", headers=bearer(make_staff("clerk", "kep"))).status_code
        == 403
    )
    assert client.http.get("/api/staff/stats/nothing", headers=manager).status_code == 404


def test_csv_export_has_the_same_figures_with_a_bom(client, make_staff):
    # GIVEN three days of tickets counted
    lives = ticket_lives(random.Random(3))
    run_stats_consumers([stream_record(life[-1]) for life in lives])
    admin = bearer(make_staff("admin", "kep"))
    query = f"department_id=kep&{PERIOD}"
    # WHEN an admin reads the dashboard and its export
    figures = client.http.get(f"/api/staff/stats/queues?{query}", headers=admin).json_body
    resp = client.http.get(f"/api/staff/stats/queues/export?{query}", headers=admin)
    # THEN the CSV has a BOM and the same totals, for the department asked
    text = resp.body.decode("utf-8")
    assert resp.headers["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    totals = {r["measure"]: r["value"] for r in rows if r["section"] == "totals"}
    assert int(totals["tickets"]) == figures["totals"]["tickets"] == sum(
        life[-1].department_id == "kep" for life in lives
    )
    assert {r["department_id"] for r in rows} == {"kep"}
    assert {r["day"] for r in figures["by_day"]} == set(DAYS)


@pytest.mark.parametrize("values", [[5], [5, 9], [1, 2, 2, 40], [3, 3, 3, 7, 100]])
def test_median_from_histogram_is_the_median(values):
    # GIVEN minutes counted as m=<minutes> dimensions
    rows = [(DAYS[0], f"m={v}", c, 0) for v, c in Counter(values).items()]
    # THEN the median read from them is the median of the values
    assert median_from_histogram(rows) == median(values)
