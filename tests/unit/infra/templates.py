"""Reading synthesised CloudFormation templates in the infra tests: resources by type, tables by
name, and every IAM statement that applies to a role (its inline policies, the managed policies
and policies attached to it), with a small evaluator for "may this role do that"."""

from __future__ import annotations

import fnmatch
from typing import Any


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def table_ids(template: dict[str, Any]) -> dict[str, str]:
    """Physical table name -> logical id."""
    return {v["Properties"]["TableName"]: k for k, v in resources(template, "AWS::DynamoDB::Table").items()}


def role_of(template: dict[str, Any], function_resource: str) -> str:
    """The logical id of the role a Chalice function runs with."""
    role = template["Resources"][function_resource]["Properties"]["Role"]
    assert "Fn::GetAtt" in role, role
    return role["Fn::GetAtt"][0]


def role_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """Every statement that applies to ``role``: inline, attached managed policies, AWS::IAM::Policy."""
    props = template["Resources"][role]["Properties"]
    assert not props.get("ManagedPolicyArns"), "no AWS managed policy on a function's role"
    found = [s for p in props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    for kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
        for policy in resources(template, kind).values():
            if {"Ref": role} in policy["Properties"].get("Roles", []):
                found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def may(statements: list[dict[str, Any]], action: str, resource: Any) -> bool:
    """Whether an Allow (and no Deny) covers ``action`` on ``resource`` (a template value, e.g.
    ``{"Fn::GetAtt": [key, "Arn"]}``, matched by equality, or ``"*"``)."""

    def covers(statement: dict[str, Any]) -> bool:
        actions = as_list(statement.get("Action", []))
        if not any(_matches(a, action) for a in actions):
            return False
        return any(r == "*" or r == resource for r in as_list(statement.get("Resource", [])))

    if any(covers(s) for s in statements if s["Effect"] == "Deny"):
        return False
    return any(covers(s) for s in statements if s["Effect"] == "Allow")


def table_resources(statements: list[dict[str, Any]]) -> list[Any]:
    """The resources of the statements granting DynamoDB item access (GetItem)."""
    return [
        r
        for s in statements
        if s["Effect"] == "Allow" and "dynamodb:GetItem" in as_list(s["Action"])
        for r in as_list(s["Resource"])
    ]
