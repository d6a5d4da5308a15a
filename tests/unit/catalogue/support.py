"""What the catalogue tests share: a JSON call as a staff member, an error's parts, the audit
entries of an object, and a snapshot of a table (to show that a refused call wrote nothing)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.models.audit import AuditEntry
from tests.conftest import bearer


def call(client, method: str, path: str, token: str | None = None, body: Any = None):
    """``method path`` with a JSON body (and the staff member's token)."""
    headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
    raw = json.dumps(body) if body is not None else None
    return client.http.request(method, path, headers=headers, body=raw)


def error(resp) -> tuple[int, str, Any]:
    """``(status, code, details)`` of an error answer."""
    body = resp.json_body["error"]
    return resp.status_code, body["code"], body.get("details")


def audit_of(entity_type: str, entity_id: str) -> list[AuditEntry]:
    """The audit entries of one object, oldest first."""
    return list(AuditEntry.by_entity.query(f"{entity_type}#{entity_id}"))


def items(model) -> list[dict[str, Any]]:
    """Every item of a model's table (small test tables), to compare before and after."""
    from chalicelib.aws import client as aws_client

    pages = aws_client("dynamodb").get_paginator("scan").paginate(TableName=model.Meta.table_name)
    return sorted(
        (item for page in pages for item in page["Items"]), key=lambda i: json.dumps(i, sort_keys=True)
    )
