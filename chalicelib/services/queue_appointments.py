"""The queue's view of an appointment, read through the appointments' reference-code index.

``find_by_reference(reference)`` -> ``queue_checkin.BookedAppointment`` or ``None``: one Query on
the ``Appointment`` model's index whose hash key is its reference code (one GetItem when the
reference is the table's own key), never a scan. The appointments feature owns that model; this
module only reads it, and takes the attribute names it finds there (``appointment_id`` or ``id``,
``slot_start`` or ``start``, ...), so a rename on their side shows up here as a failing test, not
as a wrong check-in.

Limitation: written while the appointments model was not yet in the tree; the names below are
those the appointments issue uses. The service point and department come from the appointment
item, else from its service (``Service`` model in the same package) when it has them.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

MODEL_MODULES = ("chalicelib.models.appointments", "chalicelib.models.appointment")
NAMES = {
    "appointment_id": ("appointment_id", "id"),
    "reference": ("reference", "reference_code", "code", "ref"),
    "status": ("status",),
    "service_id": ("service_id",),
    "service_point_id": ("service_point_id", "point_id"),
    "department_id": ("department_id",),
    "slot_start": ("slot_start", "start", "starts_at", "start_at"),
    "slot_end": ("slot_end", "end", "ends_at", "end_at"),
    "taxid": ("taxid", "citizen_taxid"),
    "mobile": ("mobile", "contact_mobile"),
    "language": ("language",),
}


def _module() -> Any:
    for name in MODEL_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def _value(item: Any, field: str) -> Any:
    for name in NAMES[field]:
        value = getattr(item, name, None)
        if value not in (None, ""):
            return value
    return None


def _datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _reference_lookup(model: Any, reference: str) -> Any:
    """The appointment item with ``reference``: GetItem when it is the hash key, else a Query on the
    index whose hash key is the reference."""
    from pynamodb.indexes import GlobalSecondaryIndex

    hash_name = next((a.attr_name for a in model.get_attributes().values() if a.is_hash_key), None)
    if hash_name in NAMES["reference"]:
        try:
            return model.get(reference)
        except model.DoesNotExist:
            return None
    for value in vars(model).values():
        if isinstance(value, GlobalSecondaryIndex):
            keys = [a.attr_name for a in value.Meta.attributes.values() if a.is_hash_key]
            if keys and keys[0] in NAMES["reference"]:
                return next(iter(value.query(reference, limit=1)), None)
    raise LookupError(f"{model.__name__} has no index on its reference code")


def _service_of(module: Any, service_id: str | None) -> Any:
    service_model = getattr(module, "Service", None)
    if service_model is None or not service_id:
        return None
    try:
        return service_model.get(service_id)
    except Exception:  # noqa: BLE001 - the service is optional context
        return None


def find_by_reference(reference: str) -> Any:
    from chalicelib.services.queue_checkin import BookedAppointment

    module = _module()
    model = getattr(module, "Appointment", None) if module else None
    if model is None:
        return None
    item = _reference_lookup(model, reference)
    if item is None:
        return None
    service_id = _value(item, "service_id")
    point = _value(item, "service_point_id")
    department = _value(item, "department_id")
    if point is None or department is None:
        service = _service_of(module, service_id)
        point = point or (service and _value(service, "service_point_id"))
        department = department or (service and _value(service, "department_id"))
    start = _datetime(_value(item, "slot_start"))
    if start is None:
        return None
    return BookedAppointment(
        appointment_id=str(_value(item, "appointment_id")),
        reference=str(_value(item, "reference") or reference),
        status=str(_value(item, "status") or ""),
        service_id=service_id,
        service_point_id=point,
        department_id=department,
        slot_start=start,
        slot_end=_datetime(_value(item, "slot_end")),
        taxid=_value(item, "taxid"),
        mobile=_value(item, "mobile"),
        language=_value(item, "language"),
    )
