"""Spreadsheet exports: no cell a spreadsheet would run, whichever export wrote it."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.services.platform import audit
from chalicelib.services.platform.exports import spreadsheet_cell, to_csv
from chalicelib.services.platform.staff_auth import StaffMember
from tests.conftest import bearer

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1", "=", "-"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_would_run_starts_with_an_apostrophe(text):
    # GIVEN text a spreadsheet reads as a formula (or as a jump to the next cell)
    # WHEN it is a cell of an export THEN it is behind an apostrophe, otherwise unchanged
    assert spreadsheet_cell(text) == "'" + text


def test_numbers_json_and_plain_text_stay_as_they_are():
    assert spreadsheet_cell(-3) == "-3" and spreadsheet_cell(2.5) == "2.5"
    assert spreadsheet_cell(None) == "" and spreadsheet_cell(True) == "true"
    assert spreadsheet_cell({"note": "=cmd"}) == '{"note": "=cmd"}'
    assert spreadsheet_cell("Δήμος = πόλη") == "Δήμος = πόλη"


def test_the_whole_file_has_a_bom_and_every_cell_safe():
    text = to_csv([{"a": '=HYPERLINK("http://x")', "b": 3}], ("a", "b"))
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert text.startswith("\ufeff") and rows == [["a", "b"], ['\'=HYPERLINK("http://x")', "3"]]


def test_the_audit_export_neutralises_what_staff_typed(client, make_staff):
    # GIVEN audit entries whose ids begin with a tab, a carriage return, @ and -
    clerk = StaffMember(username="clerk.roads", sub="c", roles=("clerk",), department_id="roads")
    for entity_id in ("\t=1+1", "\r=2+2", "@SUM(1)", "-3+3"):
        audit.write(clerk, action="request.note", entity_type="request", entity_id=entity_id)
    # WHEN an admin exports the log
    resp = client.http.get(
        "/api/staff/audit/export?entity_type=request", headers=bearer(make_staff("admin", "kep"))
    )
    # THEN every such cell is behind an apostrophe
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.body.decode("utf-8")[1:])))
    assert sorted(r["entity_id"] for r in rows) == sorted(
        "'" + e for e in ("\t=1+1", "\r=2+2", "@SUM(1)", "-3+3")
    )
