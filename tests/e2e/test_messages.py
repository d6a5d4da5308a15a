"""Messages in a real browser on the local stack: the kiosk says why a ticket's SMS will not go, the
pass page why the pass was not sent, and the administrators' delivery page shows what became of
the messages (counts, masked addresses, the month's SMS)."""

from __future__ import annotations

import json
import random
import re
import time
import urllib.request

import pytest

from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


def _expect():
    from playwright.sync_api import expect

    return expect


def _outbox(stack) -> list[dict]:
    with urllib.request.urlopen(stack.url + "/dev/outbox.json", timeout=10) as resp:  # noqa: S310
        return json.loads(resp.read())


def test_the_kiosk_says_a_foreign_number_gets_no_sms_and_still_issues_the_ticket(local_stack, page):
    expect = _expect()
    # GIVEN the kiosk of the demo KEP
    page.goto(f"{local_stack.url}/queue.html?point=kep-dimarxeio")
    # WHEN a walk-in types a UK mobile and takes a ticket
    page.locator("#mobile").fill("+447700900123")
    page.locator("#queues button").first.click()
    # THEN the ticket is shown, with a note that no SMS will come and why
    expect(page.locator("[data-testid=ticket-code]")).to_have_text(re.compile(r"^[A-Z]+\d{3,}$"))
    expect(page.locator("#result-note")).to_contain_text("Δεν θα σταλεί SMS")
    expect(page.locator("#result-note")).to_contain_text("69")
    assert_accessible(page)


def test_the_pass_page_says_the_pass_sms_was_not_sent_over_the_daily_limit(local_stack, page):
    expect = _expect()
    mobile = "69" + "".join(random.choice("0123456789") for _ in range(8))
    # GIVEN a number that had its 3 messages of the day from anonymous registrations
    for _ in range(3):
        status, _ = local_stack.request(
            "POST", "/api/visits/registrations",
            {"name": "Δοκιμή", "mobile": mobile, "consent": True, "send_pass": ["sms"]},
        )
        assert status == 201
    # WHEN a visitor registers with it on the page and asks for the pass by SMS
    page.goto(f"{local_stack.url}/visits.html")
    page.locator("#name").fill("Ελένη Δοκιμαστική")
    page.locator("#mobile").fill(mobile)
    page.locator("#send-sms").check()
    page.locator("#consent").check()
    page.locator("#submit").click()
    # THEN the pass is there, and the page says the SMS was not sent: the daily limit
    page.wait_for_url(re.compile(r"/pass/[0-9A-Z]{16}\?"))
    expect(page.locator("#notice")).to_contain_text("στάλθηκαν ήδη τα μηνύματα που επιτρέπονται σήμερα")
    assert_accessible(page)
    # AND the dev outbox shows three pass SMS sent to the number, and one limited with no address
    deadline = time.time() + 30
    while True:
        rows = [r for r in _outbox(local_stack) if r["kind"] == "visits.pass" and r["channel"] == "sms"]
        mine = [r for r in rows if r["recipient"] == "+30" + mobile]
        if sum(r["status"] == "sent" for r in mine) == 3 or time.time() > deadline:
            break
        time.sleep(0.5)
    assert sorted(r["status"] for r in mine) == ["sent"] * 3


def test_an_administrator_sees_what_became_of_the_messages(local_stack, browser):
    expect = _expect()
    context = browser.new_context(locale="el-GR")
    context.add_cookies(
        [{"name": "dimotis_staff", "value": local_stack.staff_token("admin"), "url": local_stack.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # GIVEN a visitor's pass sent by e-mail today
    email = f"visitor.{random.randrange(10**8)}@example.org"
    status, _ = local_stack.request(
        "POST", "/api/visits/registrations",
        {"name": "Δοκιμή", "email": email, "consent": True, "send_pass": ["email"]},
    )
    assert status == 201
    deadline = time.time() + 30
    while not any(r["recipient"] == email and r["status"] == "sent" for r in _outbox(local_stack)):
        assert time.time() < deadline, "the pass e-mail was not sent"
        time.sleep(0.5)
    # WHEN the admin opens the messages tab of the back office
    page.goto(f"{local_stack.url}/admin/backoffice.html#messages")
    # THEN the counts per day, the month's SMS and the newest messages are shown, no address in clear
    expect(page.locator("[data-testid=messages-counts] table")).to_be_visible()
    expect(page.locator("[data-testid=messages-budget]")).to_contain_text("μέρη")
    expect(page.locator("[data-testid=messages-list] table")).to_be_visible()
    assert email not in page.content()
    # WHEN only the sent ones are asked for THEN every row listed says sent
    page.locator("#messages-status").select_option("sent")
    page.locator("#messages-form button[type=submit]").click()
    expect(page.locator("[data-testid=messages-list] td:nth-child(5)").first).to_have_text("Στάλθηκε")
    assert_accessible(page)
    context.close()
