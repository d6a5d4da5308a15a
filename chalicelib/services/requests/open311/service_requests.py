"""Open311 service requests: search the public ones, read one, find one by token, create one.

- ``requests`` GET (``search``): public reports only (private requests are never listed), filtered
  by ``service_request_id`` (comma-separated), ``service_code``, ``start_date``, ``end_date``
  (default: the last 90 days), ``status`` (``open``/``closed``); at most 1000, newest first.
  ``extensions=true`` adds ``attributes`` (the extra fields' values).
- ``requests/{id}`` (``get_one``), ``tokens/{token}`` (``by_token``: requests filed before the POST
  stopped giving tokens still answer).
- ``requests`` POST (``create``, form-encoded, ``api_key`` required): ``service_code`` of a type
  Open311 offers (``definitions.services``: public ones; any other code is unknown, 404), a
  location (``lat`` and ``long``, or ``address_string``, or ``address_id``), ``attribute[CODE]``
  (and ``attribute[CODE][]`` for multivaluelist), ``description``, ``email``, ``first_name``,
  ``last_name``, ``phone``, ``media_url`` (fetched and kept: ``media.py``)... ->
  ``[{service_request_id, service_notice, account_id}]``: the types are ``realtime``, so the id
  and no token (the spec gives one or the other). Filed through ``submission.submit`` like any
  other request (channel ``open311``).
- Each key may POST ``DIMOTIS_OPEN311_POST_BURST`` requests at once and then
  ``DIMOTIS_OPEN311_POST_PER_HOUR`` an hour (a token bucket per key, ``platform/limits.take``);
  beyond that 429 with ``Retry-After``, in the GeoReport error format.

Example::

    search({"service_code": "pothole", "status": "open"}, "el")
    create({"api_key": [key], "service_code": ["pothole"], "attribute[SIZE]": ["large"],
            "lat": ["37.9755"], "long": ["23.7348"]})

Limitation: the media is fetched while the app waits (a timeout bounds it); an app that posts a
slow picture waits that long for its id.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.errors import ApiError
from chalicelib.models.org import Department
from chalicelib.models.requests import OPEN, CitizenRequest, RequestType
from chalicelib.services.platform import limits
from chalicelib.services.requests import catalogue, records, submission
from chalicelib.services.requests.open311 import media
from chalicelib.services.requests.open311.definitions import service_type
from chalicelib.services.requests.open311.formats import Open311Error
from chalicelib.services.requests.open311.keys import check_key
from chalicelib.settings import get_settings

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
MAX_MONTHS = 24
SEARCH_PATTERNS = {
    "service_request_id": r"[0-9]{4}-[0-9]{1,9}(,[0-9]{4}-[0-9]{1,9})*",
    "service_code": r"[a-z0-9_-]{2,40}(,[a-z0-9_-]{2,40})*",
    "status": r"(open|closed)(,(open|closed))?",
    "extensions": r"true|false",
}


def _dt(value: datetime | None) -> str | None:
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else None


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
    return "open" if status in OPEN else "closed"


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
        "media_url": media.media_url_of(req, get_settings().public_base_url),
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


def get_one(request_id: str, params: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """One public request (``extensions`` in ``params``: ``true`` or ``false``); 404 otherwise."""
    wanted = params.get("extensions") or "false"
    if wanted not in ("true", "false"):
        raise Open311Error(400, "extensions is true or false.")
    try:
        req = records.get_request(request_id)
    except ApiError:
        raise Open311Error(404, f"service_request_id {request_id} was not found.") from None
    if not req.public:
        raise Open311Error(404, f"service_request_id {request_id} was not found.")
    return [service_request(req, _Names(lang).load([req]), wanted == "true")]


def _by_ids(ids: list[str]) -> list[CitizenRequest]:
    """The public requests among ``ids``, in the order asked, read with BatchGetItem; unknown and
    private ones are left out (the spec lists what it finds)."""
    wanted = list(dict.fromkeys(records.request_id_of(i) for i in ids))[:MAX_RESULTS]
    found = {req.request_id: req for req in CitizenRequest.batch_get(wanted)}
    return [found[i] for i in wanted if i in found and found[i].public]


def search(params: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Public requests by ids, or from the monthly feed by type, dates and status (newest first)."""
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
    now = clock.utcnow()
    end = parse_date(params.get("end_date"), "end_date") or now
    start = parse_date(params.get("start_date"), "start_date") or (end - timedelta(days=DEFAULT_DAYS))
    if start > end:
        return []
    lo = clock.iso_micro(start)
    hi = clock.iso_micro(end) + "~"
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
    """The request id a token stands for (the spec's answer to a client waiting for an id)."""
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


def post_limit() -> limits.Limit:
    """The token bucket of POSTs per API key (settings)."""
    settings = get_settings()
    return limits.Limit(
        "open311_post", settings.open311_post_burst, refill_seconds=3600 / settings.open311_post_per_hour
    )


def _attributes(form: dict[str, list[str]]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for name, values in form.items():
        match = _ATTRIBUTE.match(name)
        if match:
            attributes[match.group(1)] = list(values) if match.group(2) else (values[-1] if values else "")
        elif name.startswith("attribute"):
            raise Open311Error(400, f"{name} is not attribute[code] or attribute[code][].")
    return attributes


def _location(one: dict[str, str], kind: RequestType) -> tuple[float | None, float | None, str | None]:
    lat = lon = None
    if one.get("lat") or one.get("long"):
        try:
            lat, lon = float(one["lat"]), float(one["long"])
        except (KeyError, ValueError):
            raise Open311Error(400, "lat and long must both be numbers.") from None
    address = one.get("address_string") or one.get("address_id") or None
    if lat is None and not address:
        raise Open311Error(400, "A location is required: lat and long, address_string or address_id.")
    if lat is None and kind.location == "required":
        raise Open311Error(400, f"service_code {kind.code} needs lat and long.")
    return lat, lon, address


def _check_media(kind: RequestType, media_url: str | None) -> None:
    if media_url and kind.photo == "none":
        raise Open311Error(400, f"service_code {kind.code} takes no media_url.")
    if not media_url and kind.photo == "required":
        raise Open311Error(400, f"service_code {kind.code} needs a picture: send media_url.")


def _requester(one: dict[str, str]) -> submission.Requester:
    email = one.get("email") or None
    if email and not re.fullmatch(r"[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{2,20}", email):
        raise Open311Error(400, "email is not an email address.")
    phone = one.get("phone") or None
    if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,20}", phone):
        raise Open311Error(400, "phone is not a phone number.")
    name = " ".join(p for p in (one.get("first_name", "").strip(), one.get("last_name", "").strip()) if p)
    return submission.Requester(name=name[:200] or None, email=email, phone=phone)


def create(form: dict[str, list[str]]) -> list[dict[str, Any]]:
    """A form-encoded POST -> the new request's id (``realtime``), or an Open311Error. Everything the
    form says is checked before the media is fetched, and the media before the request is stored."""
    one = {k: (v[-1] if v else "") for k, v in form.items()}
    key = check_key(one.get("api_key"))
    limits.take(post_limit(), key.key_id)
    code = one.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided.")
    kind = service_type(code)
    attributes = _attributes(form)
    lat, lon, address = _location(one, kind)
    requester = _requester(one)
    media_url = one.get("media_url", "").strip() or None
    _check_media(kind, media_url)
    try:
        catalogue.check_attributes(kind, attributes)
    except ApiError as exc:
        raise Open311Error(400, exc.message) from None
    stored = [media.store(media.fetch(media_url), key.key_id)] if media_url else []
    try:
        req = submission.submit(
            kind,
            requester=requester,
            actor=submission.Actor("open311", key.key_id, key.name),
            channel="open311",
            description=one.get("description", ""),
            attributes=attributes,
            lat=lat,
            lon=lon,
            address=address,
            photos=stored,
            api_key_id=key.key_id,
        )
    except ApiError as exc:
        for photo in stored:
            media.discard(photo)
        raise Open311Error(exc.status if exc.status < 500 else 400, exc.message) from None
    return [
        {
            "service_request_id": req.request_id,
            "service_notice": None,
            "account_id": one.get("account_id") or None,
        }
    ]
