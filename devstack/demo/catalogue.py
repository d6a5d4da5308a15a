"""Demo catalogue of the municipality: its settings (name, contacts, the citizens' map) and its
service points, with addresses and coordinates in the Athens area, contacts and opening hours.
The services (``appointments.py``) and queues (``queue.py``) of the demo are at these points.
Idempotent: fixed ids, ``save()`` overwrites."""

from __future__ import annotations

from chalicelib.clock import utcnow
from chalicelib.models.municipality import SETTINGS_KEY, MunicipalitySettings
from chalicelib.models.service_points import ServicePoint

WEEKDAYS = ("1", "2", "3", "4", "5")

MUNICIPALITY = {
    "name_el": "Δήμος Δημοτικής Πύλης",
    "name_en": "Municipality of Dimotiki Pyli",
    "address_el": "Τερψιχόρης 51, 175 62 Παλαιό Φάληρο",
    "address_en": "51 Terpsichoris St, 175 62 Palaio Faliro",
    "phone": "2109999100",
    "email": "info@demo.dimotis.gr",
    "website": "https://demo.dimotis.gr",
    # the citizens' maps open on the city centre (the demo reports are around Syntagma)
    "map": {
        "centre": {"lat": 37.9755, "lng": 23.7348},
        "zoom": 16,
        "bounds": {"south": 37.80, "west": 23.55, "north": 38.10, "east": 23.90},
    },
}


def week(intervals: list[list[str]], days: tuple[str, ...] = WEEKDAYS) -> dict[str, list[list[str]]]:
    return {d: intervals for d in days}


POINTS = {
    "kep-dimarxeio": {
        "department_id": "kep",
        "hours": {**week([["08:00", "15:00"]]), "3": [["08:00", "15:00"], ["17:00", "19:00"]]},
        "name_el": "ΚΕΠ Δημαρχείου",
        "name_en": "KEP at the Town Hall",
        "address_el": "Τερψιχόρης 51, 175 62 Παλαιό Φάληρο",
        "address_en": "51 Terpsichoris St, 175 62 Palaio Faliro",
        "lat": 37.92812,
        "lng": 23.70139,
        "phone": "2109999102",
        "email": "kep@demo.dimotis.gr",
        "hours_el": "Δευτέρα–Παρασκευή 08:00–15:00, Τετάρτη και 17:00–19:00",
        "hours_en": "Monday–Friday 08:00–15:00, Wednesday also 17:00–19:00",
    },
    "dimotologio": {
        "department_id": "civil-registry",
        "hours": week([["08:00", "14:30"]]),
        "name_el": "Δημοτολόγιο και Ληξιαρχείο",
        "name_en": "Civil Registry office",
        "address_el": "Αγίου Αλεξάνδρου 48, 175 61 Παλαιό Φάληρο",
        "address_en": "48 Agiou Alexandrou St, 175 61 Palaio Faliro",
        "lat": 37.93034,
        "lng": 23.69771,
        "phone": "2109999101",
        "email": "dimotologio@demo.dimotis.gr",
        "hours_el": "Δευτέρα–Παρασκευή 08:00–14:30",
        "hours_en": "Monday–Friday 08:00–14:30",
    },
    "poleodomia": {
        "department_id": "planning",
        "hours": week([["09:00", "13:00"]], ("2", "4")),
        "name_el": "Πολεοδομία (Τεχνικές Υπηρεσίες)",
        "name_en": "Town Planning (Technical Services)",
        "address_el": "Λεωφόρος Ποσειδώνος 36, 166 75 Γλυφάδα",
        "address_en": "36 Poseidonos Ave, 166 75 Glyfada",
        "lat": 37.87215,
        "lng": 23.75186,
        "phone": "2109999201",
        "email": "poleodomia@demo.dimotis.gr",
        "hours_el": "Τρίτη και Πέμπτη 09:00–13:00 για το κοινό",
        "hours_en": "Tuesday and Thursday 09:00–13:00 for the public",
    },
    "koinoniki": {
        "department_id": "social",
        "hours": week([["08:30", "14:00"]]),
        "name_el": "Κέντρο Κοινωνικής Υπηρεσίας",
        "name_en": "Social Services Centre",
        "address_el": "Ελευθερίου Βενιζέλου 120, 171 23 Νέα Σμύρνη",
        "address_en": "120 Eleftheriou Venizelou St, 171 23 Nea Smyrni",
        "lat": 37.94488,
        "lng": 23.71447,
        "phone": "2109999301",
        "email": "koinoniki@demo.dimotis.gr",
        "hours_el": "Δευτέρα–Παρασκευή 08:30–14:00",
        "hours_en": "Monday–Friday 08:30–14:00",
    },
    "esoda": {
        "department_id": "revenue",
        "hours": week([["08:00", "14:00"]]),
        "name_el": "Ταμείο και Τμήμα Εσόδων",
        "name_en": "Cashier and Revenue Department",
        "address_el": "Τερψιχόρης 51, 175 62 Παλαιό Φάληρο (1ος όροφος)",
        "address_en": "51 Terpsichoris St, 175 62 Palaio Faliro (1st floor)",
        "lat": 37.92830,
        "lng": 23.70160,
        "phone": "2109999103",
        "email": "esoda@demo.dimotis.gr",
        "hours_el": "Δευτέρα–Παρασκευή 08:00–14:00",
        "hours_en": "Monday–Friday 08:00–14:00",
    },
    "amaxostasio": {
        "department_id": "cleaning",
        "hours": week([["07:00", "14:00"]], ("1", "2", "3", "4", "5", "6")),
        "name_el": "Αμαξοστάσιο Καθαριότητας",
        "name_en": "Cleaning Services Depot",
        "address_el": "Πειραιώς 210, 177 78 Ταύρος",
        "address_en": "210 Pireos St, 177 78 Tavros",
        "lat": 37.96412,
        "lng": 23.69635,
        "phone": "2109999401",
        "email": "kathariotita@demo.dimotis.gr",
        "hours_el": "Δευτέρα–Σάββατο 07:00–14:00",
        "hours_en": "Monday–Saturday 07:00–14:00",
    },
}


def seed() -> dict[str, int]:
    now = utcnow()
    MunicipalitySettings(SETTINGS_KEY, **MUNICIPALITY, updated_at=now, updated_by="demo").save()
    for service_point_id, fields in POINTS.items():
        ServicePoint(service_point_id, **fields, active=True, updated_at=now).save()
    return {"municipality": 1, "service_points": len(POINTS)}
