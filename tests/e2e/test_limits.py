"""What a citizen sees when a limit answers 429, in a real browser on the local stack: the kiosk tries
again after the Retry-After the API names and says so meanwhile; a long wait is not tried again but
shown as an error that says when. The 429s are made by the browser's request routing (the limits
themselves are proved in tests/unit: live_queue/test_limits.py, security/test_anonymous_matrix.py)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.e2e

TICKET_CODE = re.compile(r"^A\d{3}$")


def _expect():
    from playwright.sync_api import expect

    return expect


def _refuse_first(page, pattern: str, code: str, retry_after: int, times: int = 1) -> list[str]:
    """Answer the first ``times`` POSTs to ``pattern`` with a 429, let the others through; returns
    the methods of every request seen (to count them)."""
    seen: list[str] = []

    def handle(route):
        if route.request.method != "POST":
            return route.continue_()
        seen.append(route.request.method)
        if len(seen) <= times:
            return route.fulfill(
                status=429,
                headers={"Content-Type": "application/json", "Retry-After": str(retry_after)},
                body=json.dumps({"error": {"code": code, "message": "Too many requests; try again later."}}),
            )
        return route.continue_()

    page.route(pattern, handle)
    return seen


def test_the_kiosk_tries_again_after_retry_after_and_says_so(local_stack, page):
    expect = _expect()
    # GIVEN the kiosk of the KEP, whose first walk-in ticket is refused for 2 seconds
    seen = _refuse_first(page, "**/api/queue/points/kep-dimarxeio/tickets", "rate_limited", 2)
    page.goto(local_stack.url + "/queue.html?point=kep-dimarxeio")
    # WHEN a walk-in takes a ticket of queue A
    page.locator("[data-queue='kep-dimarxeio-A']").click()
    # THEN the kiosk says, in Greek, that it will try again, and does
    expect(page.get_by_test_id("retry-status")).to_contain_text("Νέα προσπάθεια σε")
    expect(page.get_by_test_id("ticket-code")).to_have_text(TICKET_CODE)
    assert len(seen) == 2
    # AND once the ticket is there, the notice is gone
    expect(page.get_by_test_id("retry-status")).to_have_text("")


def test_a_long_wait_is_an_error_that_says_when_in_english_too(local_stack, page):
    expect = _expect()
    # GIVEN the visitor registration in English, refused for an hour
    page.add_init_script("localStorage.setItem('dimotis.lang', 'en')")
    seen = _refuse_first(page, "**/api/visits/registrations", "rate_limited", 3600, times=5)
    page.goto(local_stack.url + "/visits.html")
    # (the form is the page's once its module has run: before that a click submits it natively)
    page.wait_for_load_state("networkidle")
    # WHEN a visitor registers
    page.locator("#name").fill("Visitor")
    page.locator("#email").fill("visitor@example.org")
    page.locator("#consent").check()
    page.locator("#submit").click()
    # THEN the page is not tried again for an hour, it says when to come back
    expect(page.get_by_test_id("error-message")).to_have_text(
        "Too many requests from this connection. Please try again in 60 minutes."
    )
    assert seen == ["POST"]
    expect(page.locator("#submit")).to_be_enabled()
