"""Demo queues of the live queue: one queue per service or group of services at each demo service
point (letter prefixes A, B, ...). Idempotent (fixed ids). Counters are opened by staff on the
counter page (``/admin/queue.html``); tickets are taken at the kiosk (``/queue.html?point=...``)."""

from __future__ import annotations

from chalicelib.models.queue import Queue

# service point id, department, Greek name, English name
SERVICE_POINTS = [
    ("kep-dimarxeio", "kep", "ΚΕΠ Δημαρχείου", "KEP at the Town Hall"),
    ("dimotologio", "civil-registry", "Δημοτολόγιο και Ληξιαρχείο", "Civil Registry office"),
]

# service point, prefix, Greek name, English name, service ids it serves
QUEUES = [
    ("kep-dimarxeio", "A", "Πιστοποιητικά και βεβαιώσεις", "Certificates", ["kep-certificates"]),
    (
        "kep-dimarxeio",
        "B",
        "Γνήσιο υπογραφής και εξουσιοδοτήσεις",
        "Signature certification",
        ["kep-signature"],
    ),
    ("kep-dimarxeio", "C", "Άλλες αιτήσεις", "Other applications", ["kep-applications"]),
    ("dimotologio", "A", "Δημοτολόγιο", "Municipal roll", ["registry-roll"]),
    ("dimotologio", "B", "Ληξιαρχείο", "Registry of births, marriages and deaths", ["registry-acts"]),
]


def _points() -> dict[str, tuple[str, str, str]]:
    return {point: (department, el, en) for point, department, el, en in SERVICE_POINTS}


def seed() -> dict[str, int]:
    points = _points()
    for point, prefix, el, en, services in QUEUES:
        department, point_el, point_en = points[point]
        Queue(
            f"{point}-{prefix}",
            service_point_id=point,
            department_id=department,
            prefix=prefix,
            name_el=el,
            name_en=en,
            service_ids=services,
            service_point_name_el=point_el,
            service_point_name_en=point_en,
            active=True,
        ).save()
    return {"service_points": len(points), "queues": len(QUEUES)}
