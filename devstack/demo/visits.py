"""Demo buildings of the visit log, each with entrances (a kiosk per entrance at
``/kiosk/<building>?entrance=<id>``). Idempotent (fixed ids). Visitors register themselves at
``/visits.html``; exposures are declared by ``health.officer`` or ``admin`` at ``/admin/visits.html``."""

from __future__ import annotations

from chalicelib.models.visits import Building, Entrance

BUILDINGS = [
    {
        "building_id": "dimarxeio",
        "name_el": "Δημαρχείο",
        "name_en": "Town Hall",
        "address": "Πλατεία Δημαρχείου 1",
        "closing_time": "21:00",
        "entrances": [
            ("kentriki", "Κεντρική είσοδος", "Main entrance"),
            ("plagia", "Πλαϊνή είσοδος (ράμπα)", "Side entrance (ramp)"),
        ],
    },
    {
        "building_id": "kep",
        "name_el": "ΚΕΠ",
        "name_en": "Citizens' Service Centre (KEP)",
        "address": "Οδός Ερμού 10",
        "closing_time": "15:00",
        "entrances": [("kyria", "Κύρια είσοδος", "Main entrance")],
    },
]


def seed() -> dict[str, int]:
    for b in BUILDINGS:
        Building(
            b["building_id"],
            name_el=b["name_el"],
            name_en=b["name_en"],
            address=b["address"],
            closing_time=b["closing_time"],
            entrances=[Entrance(entrance_id=i, name_el=el, name_en=en) for i, el, en in b["entrances"]],
        ).save()
    return {"buildings": len(BUILDINGS)}
