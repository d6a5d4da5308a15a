"""``manage.py create-admin``: the first administrator of an empty deployment, against moto's
Cognito made as the local stack and infra make it. Locally the temporary password is the last
word of the last line; elsewhere the pool e-mails its invitation and nothing secret is printed."""

from __future__ import annotations

import json

import pytest

import manage
from chalicelib.aws import client as aws_client
from chalicelib.models.audit import AuditEntry
from chalicelib.models.org import Employee
from chalicelib.services.platform import staff_signin
from chalicelib.settings import get_settings, reset_settings
from devstack import cognito as local_cognito


@pytest.fixture
def stage(monkeypatch):
    """``stage("local")``: the settings of that stage (the tests' own is ``test``)."""

    def use(name: str) -> None:
        monkeypatch.setenv("DIMOTIS_STAGE", name)
        reset_settings()

    yield use
    reset_settings()


def _pool_user(username: str) -> tuple[dict, list[str]]:
    idp, pool = aws_client("cognito-idp"), get_settings().cognito_user_pool_id
    user = idp.admin_get_user(UserPoolId=pool, Username=username)
    groups = idp.admin_list_groups_for_user(UserPoolId=pool, Username=username)["Groups"]
    return user, [g["GroupName"] for g in groups]


def test_locally_the_first_administrator_gets_a_printed_temporary_password(cognito, stage, capsys):
    # GIVEN the local stack's stage
    stage("local")
    # WHEN an operator creates the first administrator on the local stack
    assert manage.main(["create-admin", "--username", "first.admin", "--email", "first@dimos.gr"]) == 0
    temporary = capsys.readouterr().out.strip().splitlines()[-1].split()[-1]
    # THEN the pool holds an administrator who must choose a password, and the back office an employee
    user, groups = _pool_user("first.admin")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD" and groups == ["admin"]
    employee = Employee.get("first.admin")
    assert (employee.username, employee.role, employee.department_id, employee.active) == (
        "first.admin", "admin", None, True)
    # AND the printed password is the one that signs in, asking for a new password first
    assert staff_signin.login("first.admin", temporary).challenge["challenge"] == "NEW_PASSWORD_REQUIRED"
    # AND the creation is in the audit log, made by the command
    [entry] = [e for e in AuditEntry.scan() if e.action == "staff.invite"]
    assert entry.entity_id == "first.admin"
    # AND it is the one of the pool's invitation (the local stack shows it at /dev/cognito)
    [mail] = local_cognito.mails("first.admin", "invitation")
    assert f"Temporary password: {temporary}" in mail["body"]


def test_a_second_administrator_of_the_same_name_is_refused(cognito, stage, capsys):
    # GIVEN an administrator made by the command on the local stack
    stage("local")
    assert manage.main(["create-admin", "--username", "first.admin", "--email", "first@dimos.gr"]) == 0
    capsys.readouterr()
    # WHEN the command runs again with the same name THEN it fails saying so, and changes nothing
    assert manage.main(["create-admin", "--username", "first.admin", "--email", "other@dimos.gr"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "employee_exists"
    user, _ = _pool_user("first.admin")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email"] == "first@dimos.gr"


def test_in_production_the_pool_emails_the_invitation_and_nothing_secret_is_printed(cognito, stage, capsys):
    # GIVEN a deployed stage
    stage("prod")
    # WHEN the operator creates the first administrator
    assert manage.main(["create-admin", "--username", "first.admin", "--email", "first@dimos.gr"]) == 0
    out = capsys.readouterr().out
    # THEN the pool e-mailed the invitation with the temporary password, and the output does not hold it
    [mail] = local_cognito.mails("first.admin", "invitation")
    assert mail["to"] == "first@dimos.gr"
    temporary = mail["body"].split("Temporary password: ", 1)[1].split()[0]
    assert temporary not in out and "first@dimos.gr" in out.splitlines()[-1]
    assert _pool_user("first.admin")[1] == ["admin"]
