"""Org chart import: idempotent, deactivates (never deletes) who left, Cognito follows, bad files
are refused whole with row-level errors."""

from __future__ import annotations

import json

import pytest

import manage
from chalicelib.aws import client as aws_client
from chalicelib.models.audit import AuditEntry
from chalicelib.models.org import Department, Employee
from chalicelib.services.backoffice.org_file import InvalidOrgFile
from chalicelib.services.backoffice.org_import import import_org
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.settings import get_settings
from tests.conftest import bearer

ADMIN = StaffMember(username="admin.hr", sub="s", roles=("admin",), department_id=None)

HEADER = "kind,id,name_el,name_en,parent,email,phone,department,role,username\n"
CHART = HEADER + (
    "directorate,dir-tech,Διεύθυνση Τεχνικών Υπηρεσιών,Technical Services,,,,,,\n"
    "department,roads,Τμήμα Οδοποιίας,Roads,dir-tech,roads@test.gr,2100000000,,,\n"
    "department,lighting,Γραφείο Ηλεκτροφωτισμού,Lighting,roads,,,,,\n"
    "employee,H100,Γιώργος Παπάς,,,g.papas@test.gr,,roads,manager,\n"
    "employee,H101,Άννα Νικολάου,,,anna.n@test.gr,,lighting,clerk,\n"
    "employee,H102,Κώστας Ιωάννου,,,k.ioannou@test.gr,,roads,clerk,\n"
)


def _cognito_user(username):
    idp = aws_client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=get_settings().cognito_user_pool_id, Username=username)
    groups = idp.admin_list_groups_for_user(UserPoolId=get_settings().cognito_user_pool_id, Username=username)
    return user, [g["GroupName"] for g in groups["Groups"]]


def test_importing_the_same_chart_twice_changes_nothing_the_second_time(cognito):

    # GIVEN a first import
    first = import_org(CHART, fmt="csv", staff=ADMIN)
    assert first["added"]["employees"] == ["H100", "H101", "H102"]
    assert first["cognito"]["created"] == 3
    before = {e.employee_number: e.serialize() for e in Employee.scan()}
    # WHEN the same file is imported again
    second = import_org(CHART, fmt="csv", staff=ADMIN)
    # THEN nothing is reported and nothing in the tables changed
    assert second["changes"] == 0
    assert second["unchanged"] == {"directorates": 1, "departments": 2, "employees": 3}
    assert second["cognito"] == {"created": 0, "updated": 0, "disabled": 0}
    assert {e.employee_number: e.serialize() for e in Employee.scan()} == before
    # and a sub-department takes its parent's directorate
    lighting = Department.get("lighting")
    assert (lighting.parent_id, lighting.directorate_id) == ("roads", "dir-tech")
    user, groups = _cognito_user("anna.n")
    assert user["Enabled"] and groups == ["clerk"]


def test_an_employee_missing_from_the_file_is_deactivated_with_their_cognito_user(cognito):

    # GIVEN an imported chart
    import_org(CHART, fmt="csv", staff=ADMIN)
    # WHEN a chart without Anna (H101) is imported
    report = import_org(
        "\n".join(line for line in CHART.splitlines() if "H101" not in line), fmt="csv", staff=ADMIN
    )
    # THEN Anna is deactivated, not deleted, and her Cognito user is disabled
    assert report["deactivated"]["employees"] == ["H101"]
    assert report["cognito"]["disabled"] == 1
    anna = Employee.get("H101")
    assert anna.active is False and anna.deactivated_at is not None
    user, _ = _cognito_user("anna.n")
    assert user["Enabled"] is False
    # and the others are untouched
    assert _cognito_user("g.papas")[0]["Enabled"] is True
    # WHEN she comes back THEN she is reactivated and enabled
    again = import_org(CHART, fmt="csv", staff=ADMIN)
    assert again["changed"]["employees"] == [{"id": "H101", "fields": ["active"]}]
    assert Employee.get("H101").active is True
    assert _cognito_user("anna.n")[0]["Enabled"] is True


def test_a_changed_role_and_department_are_reported_and_follow_in_cognito(cognito):
    # GIVEN an imported chart
    import_org(CHART, fmt="csv", staff=ADMIN)
    # WHEN Kostas moves to lighting as a manager
    changed = CHART.replace(
        "H102,Κώστας Ιωάννου,,,k.ioannou@test.gr,,roads,clerk",
        "H102,Κώστας Ιωάννου,,,k.ioannou@test.gr,,lighting,manager",
    )
    report = import_org(changed, fmt="csv", staff=ADMIN)
    # THEN the report names the fields and his Cognito user follows
    assert report["changed"]["employees"] == [{"id": "H102", "fields": ["department_id", "role"]}]
    user, groups = _cognito_user("k.ioannou")
    attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attrs["custom:department"] == "lighting" and groups == ["manager"]


def test_json_export_is_read_like_csv(cognito):
    # GIVEN the chart of CHART as the JSON export
    doc = {
        "directorates": [
            {"id": "dir-tech", "name_el": "Διεύθυνση Τεχνικών Υπηρεσιών", "name_en": "Technical Services"}
        ],
        "departments": [
            {
                "id": "roads",
                "name_el": "Τμήμα Οδοποιίας",
                "name_en": "Roads",
                "parent": "dir-tech",
                "email": "roads@test.gr",
                "phone": "2100000000",
            },
            {
                "id": "lighting",
                "name_el": "Γραφείο Ηλεκτροφωτισμού",
                "name_en": "Lighting",
                "parent": "roads",
            },
        ],
        "employees": [
            {
                "number": "H100",
                "name": "Γιώργος Παπάς",
                "email": "g.papas@test.gr",
                "department": "roads",
                "role": "manager",
            },
            {
                "number": "H101",
                "name": "Άννα Νικολάου",
                "email": "anna.n@test.gr",
                "department": "lighting",
                "role": "clerk",
            },
            {
                "number": "H102",
                "name": "Κώστας Ιωάννου",
                "email": "k.ioannou@test.gr",
                "department": "roads",
                "role": "clerk",
            },
        ],
    }
    # WHEN it is imported (format detected from the content)
    import_org(json.dumps(doc, ensure_ascii=False), staff=ADMIN)
    # THEN the same chart as CSV changes nothing
    assert import_org(CHART, fmt="csv", staff=ADMIN)["changes"] == 0


def test_a_bad_file_gets_row_level_errors_and_writes_nothing(cognito):
    # GIVEN a file with a bad e-mail (row 8), an unknown role and department (row 9), a duplicate id (row 10)
    bad = CHART + (
        "employee,H103,Νέος,,,not-an-email,,roads,clerk,\n"
        "employee,H104,Άλλος,,,x@test.gr,,nowhere,boss,\n"
        "employee,H100,Διπλός,,,d@test.gr,,roads,clerk,\n"
    )
    # WHEN it is imported THEN it is refused with every row's error, and nothing is written
    with pytest.raises(InvalidOrgFile) as caught:
        import_org(bad, fmt="csv", staff=ADMIN)
    errors = caught.value.details["errors"]
    assert {(e["row"], e["field"]) for e in errors} == {
        (8, "email"),
        (9, "role"),
        (9, "department"),
        (10, "id"),
    }
    assert list(Employee.scan()) == [] and list(Department.scan()) == []


def test_admin_route_dry_run_reports_without_writing_and_others_are_refused(client, make_staff):
    # GIVEN an admin and the chart
    admin = make_staff("admin", "kep", username="the.admin")
    body = {"content": CHART, "format": "csv", "dry_run": True}
    # WHEN an admin asks for a dry run
    resp = client.http.post(
        "/api/admin/org/import",
        headers={**bearer(admin), "Content-Type": "application/json"},
        body=json.dumps(body),
    )
    # THEN the report says what would change and nothing is written
    assert resp.status_code == 200, resp.json_body
    assert resp.json_body["dry_run"] is True and resp.json_body["added"]["employees"] == [
        "H100",
        "H101",
        "H102",
    ]
    assert list(Employee.scan()) == []
    # WHEN it is applied THEN it is written and audited
    body["dry_run"] = False
    resp = client.http.post(
        "/api/admin/org/import",
        headers={**bearer(admin), "Content-Type": "application/json"},
        body=json.dumps(body),
    )
    assert resp.status_code == 200 and Employee.get("H100").active
    [entry] = AuditEntry.by_entity.query("org_chart#import")
    assert entry.action == "org.import" and entry.actor == "the.admin"
    assert entry.after["added"]["employee"] == ["H100", "H101", "H102"]
    # WHEN the file is bad THEN it is a 409 with the errors (the request itself was well formed) with the errors (the request itself was well formed)
    body["content"] = HEADER + "employee,H1,X,,,bad,,roads,clerk,\n"
    resp = client.http.post(
        "/api/admin/org/import",
        headers={**bearer(admin), "Content-Type": "application/json"},
        body=json.dumps(body),
    )
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "invalid_org_file"
    assert resp.json_body["error"]["details"]["errors"][0]["row"] == 2
    # WHEN a manager tries THEN they may not import
    manager = make_staff("manager", "roads")
    resp = client.http.post(
        "/api/admin/org/import",
        headers={**bearer(manager), "Content-Type": "application/json"},
        body=json.dumps(body),
    )
    assert resp.status_code == 403


def test_manage_py_import_org(cognito, tmp_path, capsys, monkeypatch):
    # GIVEN no running stack and the HR export as a file with a BOM
    monkeypatch.setenv("DIMOTIS_STACK_STATE", str(tmp_path / "no-stack.json"))  # never a running stack
    path = tmp_path / "hr.csv"
    path.write_text("\ufeff" + CHART, encoding="utf-8")
    # WHEN an operator imports it THEN it is added, and a dry run afterwards reports no changes
    assert manage.main(["import-org", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["added"]["employees"] == ["H100", "H101", "H102"]
    assert manage.main(["import-org", str(path), "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == 0


@pytest.mark.parametrize(
    "content",
    [
        "kind,id\r\nemployee,H1\rx,y\n",  # a carriage return inside an unquoted field
        "\u0000\u0094\u0095\rx",  # not a CSV at all (found by the fuzzer: it answered 500)
    ],
)
def test_a_file_the_csv_reader_cannot_read_is_refused_naming_the_line(client, make_staff, content):
    # GIVEN an admin
    admin = {**bearer(make_staff("admin", "kep")), "Content-Type": "application/json"}
    # WHEN a file the csv module cannot read is imported
    resp = client.http.post(
        "/api/admin/org/import", headers=admin, body=json.dumps({"content": content, "format": "csv"})
    )
    # THEN it is a 409 naming the line, in the error shape, and nothing is written
    assert resp.status_code == 409, resp.body
    assert resp.json_body["error"]["code"] == "invalid_org_file"
    assert resp.json_body["error"]["details"]["errors"][0]["row"] >= 1
    assert list(Employee.scan()) == [] and list(Department.scan()) == []
