"""Per-client limits at the kiosk (DESIGN invariant 7): no one fills a line with tickets, and a
client refused is not everyone refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.errors import TooManyRequests
from chalicelib.models.queue import QueueTicket
from chalicelib.services.live_queue import tickets
from chalicelib.settings import LIMIT_DEFAULTS
from tests.unit.live_queue.helpers import NOW, TODAY

ATTACKER, CITIZEN = "198.51.100.66", "2001:db8:5:6::/64"


def _take(client: str, at=NOW):
    return tickets.issue_walk_in("kep-1", "kep-1-A", client=client, now=at)


def test_5000_walk_ins_from_one_client_are_refused_after_the_limit_while_another_gets_one(point):
    # GIVEN the default limits, and one client that asks for 5,000 tickets within a minute
    capacity, seconds = LIMIT_DEFAULTS["walk_in_client"]
    issued, refused = [], []
    for i in range(5000):
        try:
            issued.append(_take(ATTACKER, at=NOW + timedelta(milliseconds=12 * i)))
        except TooManyRequests as exc:
            refused.append(exc)
    # THEN it got its bucket's worth (plus what refilled in that minute) and no more
    assert capacity <= len(issued) <= capacity + 60 / seconds + 1
    assert len(refused) == 5000 - len(issued)
    assert {r.code for r in refused} == {"rate_limited"}
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
    # AND the line holds only those tickets
    assert QueueTicket.by_queue_day.count(f"kep-1-A#{TODAY}") == len(issued)
    # AND another client, at the same moment, still gets a ticket, right behind them
    theirs = _take(CITIZEN, at=NOW + timedelta(minutes=1))
    assert theirs.number == len(issued) + 1
    assert (
        tickets.ticket_view(theirs.ticket_id, now=NOW + timedelta(minutes=1))["position"] == len(issued) + 1
    )


def test_the_line_has_a_limit_of_its_own_whoever_asks(point, env):
    # GIVEN a line limit of 3, and clients that each ask once
    env(DIMOTIS_LIMIT_WALK_IN_LINE="3/600")
    for n in range(3):
        _take(f"203.0.113.{n}")
    # WHEN a fourth client asks THEN the line is full for now: 429 with the wait for one place
    with pytest.raises(TooManyRequests) as full:
        _take("203.0.113.9")
    assert full.value.headers["Retry-After"] == "600"
    # AND the other line of the point is not affected
    tickets.issue_walk_in("kep-1", "kep-1-B", client="203.0.113.9", now=NOW)


def test_the_kiosk_in_the_office_is_trusted_and_a_refusal_is_a_429_with_retry_after(point, client, env):
    # GIVEN a tight client limit, CloudFront in front (the origin secret), and the office trusted
    env(
        DIMOTIS_LIMIT_WALK_IN_CLIENT="2/300",
        DIMOTIS_ORIGIN_SECRET="edge-secret",
        DIMOTIS_LIMITS_TRUSTED_CLIENTS="203.0.113.0/24",
    )

    def take(viewer: str):
        return client.http.post(
            "/api/queue/points/kep-1/tickets",
            body=json.dumps({"queue_id": "kep-1-A"}),
            headers={
                "Content-Type": "application/json",
                "CloudFront-Viewer-Address": viewer,
                "X-Dimotis-Origin": "edge-secret",
            },
        )

    # WHEN a phone takes three tickets THEN the third is refused: 429, Retry-After, error shape
    answers = [take("198.51.100.7:5000").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    refused = take("198.51.100.7:5001")
    assert refused.headers["Retry-After"].isdigit()
    assert refused.json_body["error"]["code"] == "rate_limited"
    # AND the kiosk in the office (same line, same moment) takes five
    assert [take("203.0.113.20:4000").status_code for _ in range(5)] == [200] * 5
