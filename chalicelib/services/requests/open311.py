"""Open311 GeoReport v2: API keys, the services (request types) and service requests in the spec's
shapes, JSON and XML, and its error format.

What the spec asks and what we do
    - ``services``: every active request type (``metadata`` true when it has attributes, ``type``
      ``realtime``: the id is returned at once).
    - ``services/{code}``: the service definition with the Open311 attributes.
    - ``requests`` POST (form-encoded, ``api_key`` required): ``service_code``, a location (``lat``
      and ``long``, or ``address_string``, or ``address_id``), ``attribute[CODE]`` (and
      ``attribute[CODE][]`` for multivaluelist), ``description``, ``email``, ``first_name``,
      ``last_name``, ``phone``... -> ``[{service_request_id, token, service_notice, account_id}]``.
    - ``requests`` GET: public reports only (private requests are never listed), filtered by
      ``service_request_id`` (comma-separated), ``service_code``, ``start_date``, ``end_date``
      (default: the last 90 days), ``status`` (``open``/``closed``); at most 1000, newest first.
    - ``requests/{id}``, ``tokens/{token}``.
    - Errors: ``[{"code": 404, "description": "..."}]`` / ``<errors><error>...</error></errors>``.
    - ``extensions=true`` on GET requests adds ``attributes`` (the extra fields' values).
    Limitation: ``media_url`` is accepted and ignored (photos come through our own upload).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.errors import ApiError
from chalicelib.models.base import utcnow
from chalicelib.models.org import Department
from chalicelib.models.requests import KEYS_ROSTER, CitizenRequest, Open311Key, RequestType
from chalicelib.services.platform import audit
from chalicelib.services.requests import catalogue as request_types
from chalicelib.services.requests import workflow as requests
from chalicelib.settings import get_settings

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
MAX_MONTHS = 24
SEARCH_PATTERNS = {
    "service_request_id": r"[0-9]{4}-[0-9]{1,9}(,[0-9]{4}-[0-9]{1,9})*",
    "service_code": r"[a-z0-9_-]{2,40}(,[a-z0-9_-]{2,40})*",
    "status": r"(open|closed)(,(open|closed))?",
    "extensions": r"true|false",
}
LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}


class Open311Error(Exception):
    """An error in the GeoReport format (``code`` is the HTTP status)."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# -- API keys ------------------------------------------------------------------------------------
def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(staff: Any, name: str, contact: str | None = None) -> tuple[Open311Key, str]:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(24)
    key = Open311Key(
        key_id,
        secret_hash=_hash(secret),
        name=name.strip(),
        contact=(contact or None),
        created_by=staff.username,
    )
    key.save(condition=Open311Key.key_id.does_not_exist())
    audit.note(staff, "open311_key", key_id, action="open311.key.issue", after={"name": key.name})
    return key, f"{key_id}.{secret}"


def revoke_key(staff: Any, key_id: str) -> Open311Key:
    from chalicelib.errors import NotFound

    try:
        key = Open311Key.get(key_id)
    except Open311Key.DoesNotExist:
        raise NotFound("No such key.", code="key_not_found") from None
    if key.revoked_at is None:
        key.update(actions=[Open311Key.revoked_at.set(utcnow()), Open311Key.revoked_by.set(staff.username)])
        audit.note(staff, "open311_key", key_id, action="open311.key.revoke", after={"revoked": True})
    return key


def list_keys() -> list[Open311Key]:
    return list(Open311Key.by_roster.query(KEYS_ROSTER))


def public_key(key: Open311Key) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "name": key.name,
        "contact": key.contact,
        "created_by": key.created_by,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        "active": key.revoked_at is None,
    }


def check_key(api_key: str | None) -> Open311Key:
    key_id, _, secret = (api_key or "").partition(".")
    if not re.fullmatch(r"[a-f0-9]{16}", key_id) or not secret:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    try:
        key = Open311Key.get(key_id)
    except Open311Key.DoesNotExist:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.") from None
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    return key


# -- shapes --------------------------------------------------------------------------------------
def _lang(accept_language: str | None) -> str:
    return "en" if (accept_language or "").lower().startswith("en") else "el"


def _dt(value: datetime | None) -> str | None:
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else None


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": get_settings().email_sender,
        "key_service": f"{base_url}/admin/",
        "endpoints": [
            {
                "specification": SPEC,
                "url": f"{base_url}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(kind: RequestType, lang: str) -> dict[str, Any]:
    return {
        "service_code": kind.code,
        "service_name": kind.name_en if lang == "en" else kind.name_el,
        "description": (kind.description_en if lang == "en" else kind.description_el) or "",
        "metadata": bool(kind.attributes),
        "type": "realtime",
        "keywords": kind.keywords or "",
        "group": kind.group_en if lang == "en" else kind.group_el,
    }


def services(lang: str) -> list[dict[str, Any]]:
    return [service(k, lang) for k in request_types.list_types()]


def definition(code: str, lang: str) -> dict[str, Any]:
    kind = _kind(code)
    attributes = []
    for order, attribute in enumerate(request_types.sorted_attributes(kind), start=1):
        values = [
            {"key": v["key"], "name": (v.get("name_en") if lang == "en" else None) or v["name_el"]}
            for v in attribute.get("values") or []
        ]
        item: dict[str, Any] = {
            "variable": attribute.get("variable", True),
            "code": attribute["code"],
            "datatype": attribute["datatype"],
            "required": bool(attribute.get("required")),
            "datatype_description": attribute.get("datatype_description") or None,
            "order": attribute.get("order") or order,
            "description": (attribute.get("description_en") if lang == "en" else None)
            or attribute.get("description_el")
            or attribute["code"],
        }
        if values:
            item["values"] = values
        attributes.append(item)
    return {"service_code": kind.code, "attributes": attributes}


def _kind(code: str) -> RequestType:
    try:
        kind = RequestType.get(code)
    except RequestType.DoesNotExist:
        raise Open311Error(404, f"service_code {code} was not found.") from None
    if not kind.active:
        raise Open311Error(404, f"service_code {code} was not found.")
    return kind


class _Names:
    """Type and department names for the requests of one answer: read together (BatchGetItem, up
    to 100 keys a call), each once, before the answer is built."""

    def __init__(self, lang: str):
        self.lang = lang
        self.types: dict[str, RequestType | None] = {}
        self.departments: dict[str, str] = {}

    def load(self, reqs: list[CitizenRequest]) -> _Names:
        codes = {r.type_code for r in reqs} - self.types.keys()
        departments = {r.department_id for r in reqs} - self.departments.keys()
        self.types.update(dict.fromkeys(codes))
        self.departments.update({d: d for d in departments})
        for kind in RequestType.batch_get(codes) if codes else ():
            self.types[kind.code] = kind
        for dep in Department.batch_get(departments) if departments else ():
            self.departments[dep.department_id] = (dep.name_en if self.lang == "en" else None) or dep.name_el
        return self

    def kind(self, code: str) -> RequestType | None:
        return self.types.get(code)

    def department(self, department_id: str) -> str:
        return self.departments.get(department_id, department_id)


def open_or_closed(status: str) -> str:
    return "open" if status in requests.OPEN else "closed"


def service_request(req: CitizenRequest, names: _Names, extensions: bool = False) -> dict[str, Any]:
    kind = names.kind(req.type_code)
    name = (kind.name_en if names.lang == "en" else kind.name_el) if kind else req.type_code
    out: dict[str, Any] = {
        "service_request_id": req.request_id,
        "status": open_or_closed(req.status),
        "status_notes": req.status_notes,
        "service_name": name,
        "service_code": req.type_code,
        "description": req.description,
        "agency_responsible": names.department(req.department_id),
        "service_notice": None,
        "requested_datetime": _dt(req.created_at),
        "updated_datetime": _dt(req.updated_at),
        "expected_datetime": _dt(req.due_at),
        "address": req.address,
        "address_id": None,
        "zipcode": None,
        "lat": float(req.lat) if req.lat is not None else None,
        "long": float(req.lon) if req.lon is not None else None,
        "media_url": None,
    }
    if extensions:
        out["attributes"] = dict(req.attributes or {})
    return out


# -- reading requests ----------------------------------------------------------------------------
def parse_date(value: str | None, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} is not a W3C date/time (2026-11-05T08:15:30Z).") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def get_one(request_id: str, lang: str, extensions: bool = False) -> list[dict[str, Any]]:
    try:
        req = requests.get_request(request_id)
    except ApiError:
        raise Open311Error(404, f"service_request_id {request_id} was not found.") from None
    if not req.public:
        raise Open311Error(404, f"service_request_id {request_id} was not found.")
    return [service_request(req, _Names(lang).load([req]), extensions)]


def _by_ids(ids: list[str]) -> list[CitizenRequest]:
    """The public requests among ``ids``, in the order asked, read with BatchGetItem; unknown and
    private ones are left out (the spec lists what it finds)."""
    wanted = list(dict.fromkeys(requests.request_id_of(i) for i in ids))[:MAX_RESULTS]
    found = {req.request_id: req for req in CitizenRequest.batch_get(wanted)}
    return [found[i] for i in wanted if i in found and found[i].public]


def search(params: dict[str, str], lang: str) -> list[dict[str, Any]]:
    for name, pattern in SEARCH_PATTERNS.items():
        if params.get(name) and not re.fullmatch(pattern, params[name]):
            raise Open311Error(400, f"{name} is not valid.")
    extensions = params.get("extensions") == "true"
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        found = _by_ids(ids)
        names = _Names(lang).load(found)
        return [service_request(req, names, extensions) for req in found]
    codes = {c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()}
    statuses = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status is open or closed.")
    now = utcnow()
    end = parse_date(params.get("end_date"), "end_date") or now
    start = parse_date(params.get("start_date"), "start_date") or (end - timedelta(days=DEFAULT_DAYS))
    if start > end:
        return []
    lo = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    hi = end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "~"
    condition = None
    if codes:
        condition = CitizenRequest.type_code.is_in(*codes)
    found: list[CitizenRequest] = []
    for month in _months(start, end)[:MAX_MONTHS]:
        for req in CitizenRequest.by_feed.query(
            month,
            CitizenRequest.created_key.between(lo, hi),
            filter_condition=condition,
            scan_index_forward=False,
        ):
            if statuses and open_or_closed(req.status) not in statuses:
                continue
            found.append(req)
            if len(found) >= MAX_RESULTS:
                break
        if len(found) >= MAX_RESULTS:
            break
    names = _Names(lang).load(found)
    return [service_request(req, names, extensions) for req in found]


def _months(start: datetime, end: datetime) -> list[str]:
    """``YYYY-MM`` from the end back to the start (newest first)."""
    year, month = end.astimezone(UTC).year, end.astimezone(UTC).month
    stop = (start.astimezone(UTC).year, start.astimezone(UTC).month)
    out = []
    while (year, month) >= stop:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def by_token(token: str) -> list[dict[str, Any]]:
    found = (
        list(CitizenRequest.by_token.query(token, limit=1))
        if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", token)
        else []
    )
    if not found:
        raise Open311Error(404, f"token {token} was not found.")
    return [{"service_request_id": found[0].request_id, "token": token}]


# -- creating requests ---------------------------------------------------------------------------
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_]{1,40})\](\[\])?$")


def create(form: dict[str, list[str]]) -> list[dict[str, Any]]:
    """A form-encoded POST -> the new request's id (``realtime``), or an Open311Error."""
    one = {k: (v[-1] if v else "") for k, v in form.items()}
    key = check_key(one.get("api_key"))
    code = one.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided.")
    kind = _kind(code)
    attributes: dict[str, Any] = {}
    for name, values in form.items():
        match = _ATTRIBUTE.match(name)
        if match:
            attributes[match.group(1)] = list(values) if match.group(2) else (values[-1] if values else "")
        elif name.startswith("attribute"):
            raise Open311Error(400, f"{name} is not attribute[code] or attribute[code][].")
    lat = lon = None
    if one.get("lat") or one.get("long"):
        try:
            lat, lon = float(one["lat"]), float(one["long"])
        except (KeyError, ValueError):
            raise Open311Error(400, "lat and long must both be numbers.") from None
    address = one.get("address_string") or one.get("address_id") or None
    if lat is None and not address:
        raise Open311Error(400, "A location is required: lat and long, address_string or address_id.")
    email = one.get("email") or None
    if email and not re.fullmatch(r"[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{2,20}", email):
        raise Open311Error(400, "email is not an email address.")
    phone = one.get("phone") or None
    if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,20}", phone):
        raise Open311Error(400, "phone is not a phone number.")
    name = " ".join(p for p in (one.get("first_name", "").strip(), one.get("last_name", "").strip()) if p)
    try:
        req = requests.submit(
            kind,
            requester=requests.Requester(name=name[:200] or None, email=email, phone=phone),
            actor=requests.Actor("open311", key.key_id, key.name),
            channel="open311",
            description=one.get("description", ""),
            attributes=attributes,
            lat=lat,
            lon=lon,
            address=address,
            photos=[],
            api_key_id=key.key_id,
            with_token=True,
        )
    except ApiError as exc:
        raise Open311Error(exc.status if exc.status < 500 else 400, exc.message) from None
    return [
        {
            "service_request_id": req.request_id,
            "token": req.token,
            "service_notice": None,
            "account_id": one.get("account_id") or None,
        }
    ]


# -- formats -------------------------------------------------------------------------------------
def to_xml(root: str, data: Any) -> str:
    """The spec's XML: lists as repeated child elements, ``true``/``false``, empty for null."""
    element = ET.Element(root)
    _fill(element, root, data)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def _fill(element: ET.Element, name: str, data: Any) -> None:
    if isinstance(data, list):
        child_name = LIST_ITEMS.get(name, "item")
        for item in data:
            _fill(ET.SubElement(element, child_name), child_name, item)
    elif isinstance(data, dict):
        if (
            name == "attributes"
            and data
            and not any(isinstance(v, (dict, list)) and k == "code" for k, v in data.items())
        ):
            # request attribute values (extensions): <attribute><code/><value/></attribute>
            for code, value in data.items():
                attribute = ET.SubElement(element, "attribute")
                ET.SubElement(attribute, "code").text = code
                for one in value if isinstance(value, list) else [value]:
                    ET.SubElement(attribute, "value").text = _text(one)
            return
        for key, value in data.items():
            _fill(ET.SubElement(element, key), key, value)
    else:
        element.text = _text(data)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error_body(errors: list[tuple[int, str]], fmt: str) -> str | list[dict[str, Any]]:
    items = [{"code": code, "description": description} for code, description in errors]
    return to_xml("errors", items) if fmt == "xml" else items
