"""Anonymous writes (DESIGN invariant 7): every public route that writes is bounded per client, or
says why it needs no bucket. ``ANONYMOUS`` must have an entry for every public POST/PUT/PATCH/DELETE
(a new one cannot land without a decision); per-citizen daily limits bound what a signed-in citizen
files.

How a limit is proved: the limit is made small (``DIMOTIS_LIMIT_<NAME>``), one client (an address
CloudFront vouches for with the origin secret) calls until refused: 429 ``rate_limited`` in the
error shape with ``Retry-After``, no more written than the calls let through; another client at the
same moment is let through, so one client's refusal is not everyone's.

To add a route: a line in ``ANONYMOUS`` (placeholders in braces are filled from the ``world``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.services import visits
from chalicelib.services.platform import contacts
from tests.unit.security.world import A, B, World, all_routes, call, changed_tables, is_json_error, snapshot

SECRET = "edge-secret-for-tests"
TIGHT = 2


@dataclass(frozen=True)
class PerClient:
    """Bounded by the configured bucket ``limit`` per client; ``body`` (a function of the world for
    what must be made first) is a valid call; ``through`` are the statuses of a call let through."""

    limit: str
    path: str
    body: Any = None
    through: tuple[int, ...] = (200, 201)


@dataclass(frozen=True)
class NoBucket:
    """Needs no per-client bucket; ``reason`` says why, ``check(world) -> problems`` proves it."""

    reason: str
    check: Callable[[World], list[str]]


def _a_pass(world: World) -> str:
    return visits.register(name="Επισκέπτης", email="visitor@example.gr", consent=True)["pass_id"]


def _deleting_an_unknown_pass_writes_nothing(world: World) -> list[str]:
    before = snapshot()
    wrong = []
    for guess in ("0000000000000000", "ZZZZZZZZZZZZZZZZ", "1234567890ABCDEF"):
        resp = call(world.client, "DELETE", f"/api/visits/passes/{guess}")
        if resp.status_code != 404 or not is_json_error(resp):
            wrong.append(f"DELETE an unknown pass: {resp.status_code}")
    return wrong + [f"{t} changed" for t in changed_tables(before, snapshot())]


def _open311_without_a_key_is_refused(world: World) -> list[str]:
    """Open311 POST needs an API key (its per-key limit is Open311's own: tests/unit/requests)."""
    before = snapshot()
    wrong = []
    for fmt in ("json", "xml"):
        resp = world.client.http.post(
            f"/open311/v2/requests.{fmt}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="service_code=pothole&lat=37.97&long=23.73&description=x",
        )
        if resp.status_code not in (400, 401, 403):
            wrong.append(f"Open311 POST .{fmt} without a key: {resp.status_code} {resp.body[:120]!r}")
    return wrong + [f"{t} changed" for t in changed_tables(before, snapshot())]


def _a_wrong_link_writes_nothing(world: World) -> list[str]:
    """Guessed links, and a real verification's id with a guessed token, confirm nothing and write
    nothing (no attempt counter a stranger could run down: the token is the whole secret)."""
    pending = call(
        world.client,
        "POST",
        "/api/me/contacts/verifications",
        world.citizen[A],
        {"email": "anonymous.matrix@example.gr"},
    )
    vid = contacts.verification_id(A, "email")
    before = snapshot()
    wrong = [] if pending.status_code == 202 else [f"starting a confirmation: {pending.status_code}"]
    for guess in ("x", "nope.nope", f"{vid}.{'A' * 43}", f"{vid}."):
        resp = call(world.client, "POST", "/api/contacts/confirm-link", None, {"link": guess})
        if resp.status_code not in (400, 404) or not is_json_error(resp):
            wrong.append(f"confirm-link {guess[:20]!r}: {resp.status_code} {resp.body[:120]!r}")
    return wrong + [f"{t} changed" for t in changed_tables(before, snapshot())]


ANONYMOUS: dict[tuple[str, str], PerClient | NoBucket] = {
    ("POST", "/api/contacts/confirm-link"): NoBucket(
        "the link carries a 256-bit token (a guess finds nothing); it can only confirm the address "
        "its citizen asked to confirm, once",
        _a_wrong_link_writes_nothing,
    ),
    ("POST", "/api/queue/points/{service_point_id}/tickets"): PerClient(
        "walk_in_client", "/api/queue/points/{point}/tickets", {"queue_id": "kep-dimarxeio-A"}
    ),
    ("POST", "/api/queue/points/{service_point_id}/check-in"): PerClient(
        "check_in_client",
        "/api/queue/points/{point}/check-in",
        {"reference": "NOPE-0000"},  # a guess: the bucket bounds how fast references are tried
        through=(404,),
    ),
    ("POST", "/api/visits/registrations"): PerClient(
        "registration_client",
        "/api/visits/registrations",
        {"name": "Επισκέπτης", "email": "visitor@example.gr", "consent": True},
    ),
    ("POST", "/api/visits/buildings/{building_id}/scans"): PerClient(
        "scan_client", "/api/visits/buildings/dimarxeio/scans", lambda w: {"code": _a_pass(w)}
    ),
    ("DELETE", "/api/visits/passes/{pass_id}"): NoBucket(
        "the pass id is an 80-bit secret (a guess finds nothing); a call deletes at most that pass "
        "and creates nothing",
        _deleting_an_unknown_pass_writes_nothing,
    ),
    ("POST", "/open311/v2/requests.json"): NoBucket(
        "an API key is required", _open311_without_a_key_is_refused
    ),
    ("POST", "/open311/v2/requests.xml"): NoBucket(
        "an API key is required", _open311_without_a_key_is_refused
    ),
}


def _public_writes() -> set[tuple[str, str]]:
    from chalicelib import openapi

    paths = openapi.document()["paths"]
    return {
        (method, path)
        for method, path in all_routes()
        if method in ("POST", "PUT", "PATCH", "DELETE")
        and not paths.get(path, {}).get(method.lower(), {}).get("security")
        and not path.startswith(("/api/staff/", "/api/admin/"))  # the staff matrices' (sign-in)
    }


def test_every_anonymous_write_has_an_entry():
    # GIVEN the app's public routes that write; THEN each is bounded or says why not
    assert sorted(_public_writes() - set(ANONYMOUS)) == []
    assert sorted(set(ANONYMOUS) - _public_writes()) == []


@pytest.fixture
def behind_cloudfront(env):
    """CloudFront in front (the origin secret), a KMS key for the visitors' contacts, and every
    limit of the matrix small."""
    tight = {
        f"DIMOTIS_LIMIT_{entry.limit.upper()}": f"{TIGHT}/3600"
        for entry in ANONYMOUS.values()
        if isinstance(entry, PerClient)
    }
    key_id = aws_client("kms").create_key()["KeyMetadata"]["KeyId"]
    env(DIMOTIS_ORIGIN_SECRET=SECRET, DIMOTIS_KMS_KEY_ID=key_id, **tight)


def _as(world: World, method: str, path: str, body: Any, viewer: str):
    headers = {"CloudFront-Viewer-Address": f"{viewer}:40000", "X-Dimotis-Origin": SECRET}
    return call(world.client, method, path, None, body, headers)


def test_one_client_is_refused_after_its_limit_and_another_is_not(world, behind_cloudfront):
    wrong = []
    for (method, route), entry in sorted(ANONYMOUS.items()):
        if not isinstance(entry, PerClient):
            continue
        path = world.resolve(entry.path)[0]
        body = entry.body(world) if callable(entry.body) else entry.body
        # WHEN one client calls one time more than its limit (each call a fresh valid body)
        answers = []
        for _ in range(TIGHT):
            fresh = entry.body(world) if callable(entry.body) else body
            answers.append(_as(world, method, path, fresh, "198.51.100.7").status_code)
        before = snapshot()
        refused = _as(world, method, path, body, "198.51.100.7")
        # THEN the calls within it went through, the one past it is a 429 with Retry-After...
        if any(a not in entry.through for a in answers):
            wrong.append(f"{method} {route}: within the limit {answers}")
        if (
            refused.status_code != 429
            or not is_json_error(refused)
            or refused.json_body["error"]["code"] != "rate_limited"
        ):
            wrong.append(f"{method} {route}: past the limit {refused.status_code} {refused.body[:160]!r}")
        elif not refused.headers.get("Retry-After", "").isdigit():
            wrong.append(f"{method} {route}: no Retry-After")
        # ... that wrote nothing
        wrong += [
            f"{method} {route}: {t} changed by a refused call" for t in changed_tables(before, snapshot())
        ]
        # AND another client (an IPv6 home, its /64) at the same moment is let through
        other = _as(world, method, path, body, "[2001:db8:77:1::5]")
        if other.status_code not in entry.through:
            wrong.append(f"{method} {route}: another client {other.status_code} {other.body[:160]!r}")
    assert wrong == [], "\n".join(wrong)


def test_routes_without_a_bucket_say_why_and_hold(world):
    wrong = [
        f"{method} {route} ({entry.reason}): {problem}"
        for (method, route), entry in sorted(ANONYMOUS.items())
        if isinstance(entry, NoBucket)
        for problem in entry.check(world)
    ]
    assert wrong == [], "\n".join(wrong)


# -- per-citizen daily limits ----------------------------------------------------------------------
DAILY = {
    "requests_citizen_day": ("/api/requests", {"type_code": "general", "description": "Αίτημα"}),
    "photo_forms_citizen_day": ("/api/requests/photos", {"content_type": "image/png"}),
}


@pytest.mark.parametrize("limit", sorted(DAILY))
def test_a_citizen_has_a_daily_limit_and_another_citizen_is_not_affected(world, env, limit):
    # GIVEN a daily limit of two
    env(**{f"DIMOTIS_LIMIT_{limit.upper()}": "2"})
    path, body = DAILY[limit]
    # WHEN citizen B calls three times
    answers = [call(world.client, "POST", path, world.citizen[B], body) for _ in range(3)]
    # THEN the third is 429 daily_limit, with Retry-After until the local midnight
    assert [a.status_code for a in answers[:2]] == [200, 200]
    third = answers[2]
    assert third.status_code == 429 and third.json_body["error"]["code"] == "daily_limit"
    assert 0 < int(third.headers["Retry-After"]) <= 25 * 3600
    # AND citizen A, the same day, is not affected
    assert call(world.client, "POST", path, world.citizen[A], body).status_code == 200


def test_a_request_refused_for_its_content_does_not_spend_the_days_allowance(world, env):
    # GIVEN a daily limit of one request
    env(DIMOTIS_LIMIT_REQUESTS_CITIZEN_DAY="1")
    # WHEN B's first try is invalid (no description) and the second is right
    bad = call(world.client, "POST", "/api/requests", world.citizen[B], {"type_code": "general"})
    good = call(
        world.client,
        "POST",
        "/api/requests",
        world.citizen[B],
        {"type_code": "general", "description": "Αίτημα"},
    )
    # THEN the invalid one was refused for itself, and the valid one went through
    assert bad.status_code == 400 and good.status_code == 200
