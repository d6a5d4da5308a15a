"""Comparing a valid org chart file with the chart in the tables: what an import would add, change
(which fields), reactivate and deactivate.

``plan(chart)`` reads the current chart with one Query per table on the ``roster`` indexes (never a
scan) and returns a ``Plan``; ``Plan.report(dry_run=...)`` is the answer of the import route.

Example::

    result = plan(validate_chart(rows))
    result.changed["employee"]        # [{"id": "E004", "fields": ["department_id", "role"]}]

Limitation: the whole chart is read into memory (a municipality has hundreds of rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.models.org import ROSTER, Department, Directorate, Employee
from chalicelib.services.backoffice.org_file import KINDS, Chart

# the fields compared between the file and the table, per kind
COMPARED = {
    "directorate": ("name_el", "name_en", "active"),
    "department": ("name_el", "name_en", "directorate_id", "parent_id", "email", "phone", "active"),
    "employee": ("username", "full_name", "email", "department_id", "role", "active"),
}
NO_COGNITO_CHANGES = {"created": 0, "updated": 0, "disabled": 0}


def _per_kind(value: Any) -> Any:
    return field(default_factory=lambda: {k: value() for k in KINDS})


@dataclass
class Plan:
    chart: Chart
    added: dict[str, list[str]] = _per_kind(list)
    changed: dict[str, list[dict[str, Any]]] = _per_kind(list)
    deactivated: dict[str, list[str]] = _per_kind(list)
    unchanged: dict[str, int] = _per_kind(int)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)

    def report(self, *, dry_run: bool, cognito: dict[str, int] | None = None) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "added": {f"{k}s": v for k, v in self.added.items()},
            "changed": {f"{k}s": v for k, v in self.changed.items()},
            "deactivated": {f"{k}s": v for k, v in self.deactivated.items()},
            "unchanged": {f"{k}s": v for k, v in self.unchanged.items()},
            "cognito": cognito or dict(NO_COGNITO_CHANGES),
            "changes": sum(len(v) for v in self.added.values())
            + sum(len(v) for v in self.changed.values())
            + sum(len(v) for v in self.deactivated.values()),
        }


def current_chart() -> dict[str, dict[str, Any]]:
    """The chart in the tables, per kind: id -> item (one Query per table)."""
    return {
        "directorate": {d.directorate_id: d for d in Directorate.by_roster.query(ROSTER)},
        "department": {d.department_id: d for d in Department.by_roster.query(ROSTER)},
        "employee": {e.employee_number: e for e in Employee.by_roster.query(ROSTER)},
    }


def plan(chart: Chart) -> Plan:
    result = Plan(chart=chart, current=current_chart())
    for kind, fields in COMPARED.items():
        wanted = getattr(chart, f"{kind}s")
        existing = result.current[kind]
        for ident, values in wanted.items():
            item = existing.get(ident)
            if item is None:
                result.added[kind].append(ident)
                continue
            diff = [f for f in fields if getattr(item, f, None) != values.get(f)]
            if diff:
                result.changed[kind].append({"id": ident, "fields": diff})
            else:
                result.unchanged[kind] += 1
        for ident, item in existing.items():
            if ident not in wanted and item.active:
                result.deactivated[kind].append(ident)
    return result
