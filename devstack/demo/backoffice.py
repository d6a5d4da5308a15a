"""Back-office demo data: the HR system's org chart export (``hr_export.csv``, imported as an
operator would with ``manage.py import-org``), the staff of the KEP certificates service, an
absence on the next working day (capacity follows it) and a heatwave alert on the citizen site.
Idempotent: the import reports no changes the second time; fixed ids elsewhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chalicelib import clock
from chalicelib.models.alerts import BOARD, Alert
from chalicelib.models.staffing import Absence, ServiceAssignment
from chalicelib.services import backoffice
from chalicelib.services.platform import audit
from chalicelib.services.platform.holidays import is_holiday
from devstack.demo.org import STAFF_PASSWORD

HR_EXPORT = Path(__file__).with_name("hr_export.csv")
SERVICE_STAFF = {"kep-certificates": ["E004", "E005", "E013"]}
ABSENT = "E005"  # clerk.kep2, on leave on the next working day


def _next_working_day() -> str:
    day = clock.today() + timedelta(days=1)
    while day.isoweekday() > 5 or is_holiday(day):
        day += timedelta(days=1)
    return day.isoformat()


def seed() -> dict[str, object]:
    with audit.recording(source="devstack demo"):
        report = backoffice.import_org(
            HR_EXPORT.read_text(encoding="utf-8"),
            fmt="csv",
            staff=audit.Operator("devstack-demo"),
            password=STAFF_PASSWORD,
        )
    for service_id, numbers in SERVICE_STAFF.items():
        for number in numbers:
            ServiceAssignment(service_id, number, department_id="kep").save()
    day = _next_working_day()
    Absence(
        "demo-absence-kep2",
        employee_number=ABSENT,
        department_id="kep",
        kind="leave",
        start_day=day,
        end_day=day,
        note="Κανονική άδεια",
        source="imported",
        created_by="admin",
    ).save()
    flagged = backoffice.follow_absence(ABSENT, [day])
    now = clock.utcnow()
    Alert(
        "demo-heatwave",
        topic="heatwave",
        severity="warning",
        title_el="Καύσωνας: ανοιχτές κλιματιζόμενες αίθουσες",
        title_en="Heatwave: cooled halls open",
        text_el="Το ΚΑΠΗ και η Δημοτική Βιβλιοθήκη λειτουργούν ως κλιματιζόμενοι χώροι 10:00-20:00.",
        text_en="The senior citizens' centre and the municipal library are open as cooled spaces 10:00-20:00.",
        channels=[],
        board=BOARD,
        starts=clock.iso(now - timedelta(hours=1)),
        until=clock.iso(now + timedelta(days=7)),
        created_by="admin",
        created_key=f"{now.isoformat()}#demo-heatwave",
        status="done",
    ).save()
    return {"org_changes": report["changes"], "absence_day": day, "flagged": len(flagged), "alerts": 1}
