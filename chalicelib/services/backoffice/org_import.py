"""Org chart import from the HR system's export (CSV or JSON): directorates, departments, employees.

1. ``org_file.parse`` and ``org_file.validate_chart`` read and check the whole file; nothing is
   written before it is valid (a bad file is one 409 ``invalid_org_file`` with every row's error).
2. ``org_plan.plan`` compares it with the current chart: added, changed, reactivated, deactivated.
3. ``apply(plan)`` writes it: rows saved, employees no longer in the file deactivated (never
   deleted) and their Cognito users disabled; new, changed or reactivated employees get
   ``staff_directory.ensure_user``. A second import of the same file changes nothing.

Example::

    import_org(text, filename="hr.csv", staff=admin, dry_run=True)   # the report, nothing written

Limitation: the writes are many items, not one transaction; a failure part-way (e.g. Cognito
unreachable) leaves a partly applied import that the next run of the same file completes.
"""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.models.org import ROSTER, Department, Directorate, Employee
from chalicelib.services.backoffice import staff_directory
from chalicelib.services.backoffice.org_file import detect_format, parse, validate_chart
from chalicelib.services.backoffice.org_plan import NO_COGNITO_CHANGES, Plan, plan
from chalicelib.services.platform import audit


def _save_units(result: Plan, changed_ids: dict[str, set[str]], now: Any) -> None:
    """Directorates and departments: added and changed saved, the missing ones deactivated."""
    chart, current = result.chart, result.current
    for kind, model in (("directorate", Directorate), ("department", Department)):
        for ident in result.added[kind] + sorted(changed_ids[kind]):
            item = current[kind].get(ident) or model(ident)
            for name, value in getattr(chart, f"{kind}s")[ident].items():
                setattr(item, name, value)
            item.roster = ROSTER
            item.updated_at = now
            item.save()
        for ident in result.deactivated[kind]:
            item = current[kind][ident]
            item.active = False
            item.updated_at = now
            item.save()


def _save_employees(
    result: Plan, changed_ids: set[str], now: Any, password: str | None, cognito: dict[str, int]
) -> None:
    """Employees and their Cognito users: added and changed saved and enabled (a renamed user's old
    name disabled), the missing ones deactivated and disabled."""
    current = result.current["employee"]
    for ident in result.added["employee"] + sorted(changed_ids):
        values = result.chart.employees[ident]
        created = staff_directory.ensure_user(
            username=values["username"],
            email=values["email"],
            name=values["full_name"],
            department_id=values["department_id"],
            role=values["role"],
            password=password,
        )
        cognito["created" if created else "updated"] += 1
        item = current.get(ident) or Employee(ident)
        old_username = getattr(item, "username", None)
        for name, value in values.items():
            setattr(item, name, value)
        item.roster = ROSTER
        item.deactivated_at = None
        item.updated_at = now
        item.save()
        if old_username and old_username != values["username"]:
            cognito["disabled"] += staff_directory.disable_user(old_username)
    for ident in result.deactivated["employee"]:
        item = current[ident]
        if staff_directory.disable_user(item.username):
            cognito["disabled"] += 1
        item.active = False
        item.deactivated_at = now
        item.updated_at = now
        item.save()


def apply(result: Plan, *, staff: Any, password: str | None = None) -> dict[str, int]:
    """Write the plan as ``staff`` (for the audit log); returns what happened in Cognito."""
    now = clock.utcnow()
    cognito = dict(NO_COGNITO_CHANGES)
    changed_ids = {k: {c["id"] for c in v} for k, v in result.changed.items()}
    _save_units(result, changed_ids, now)
    _save_employees(result, changed_ids["employee"], now, password, cognito)
    audit.note(
        staff,
        "org_chart",
        "import",
        action="org.import",
        after={"added": result.added, "changed": result.changed, "deactivated": result.deactivated},
    )
    return cognito


def import_org(
    content: str,
    *,
    fmt: str | None = None,
    filename: str | None = None,
    staff: Any,
    dry_run: bool = False,
    password: str | None = None,
) -> dict[str, Any]:
    """Read, validate, compare and (unless ``dry_run``) write an org chart; returns the report."""
    result = plan(validate_chart(parse(content, fmt or detect_format(content, filename))))
    cognito = None if dry_run else apply(result, staff=staff, password=password)
    return result.report(dry_run=dry_run, cognito=cognito)
