"""Demo queues of the live queue: one queue per service or group of services at two demo service
points (``devstack/demo/catalogue.py``; letter prefixes A, B, ...). Idempotent (fixed ids). Counters are opened by staff on the
counter page (``/admin/queue.html``); tickets are taken at the kiosk (``/queue.html?point=...``)."""

from __future__ import annotations

from chalicelib.models.queue import KINDS, Queue
from devstack.demo.catalogue import POINTS

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


def seed() -> dict[str, int]:
    for point, prefix, el, en, services in QUEUES:
        Queue(
            f"{point}-{prefix}",
            service_point_id=point,
            department_id=POINTS[point]["department_id"],
            prefix=prefix,
            name_el=el,
            name_en=en,
            service_ids=services,
            kinds=list(KINDS),
            service_point_name_el=POINTS[point]["name_el"],
            service_point_name_en=POINTS[point]["name_en"],
            active=True,
        ).save()
    return {"service_points": len({q[0] for q in QUEUES}), "queues": len(QUEUES)}
