"""The visit log in a real browser on the local stack: a visitor registers and gets a pass, checks in
and out at the Δημαρχείο kiosk by typing the code, a health officer declares an exposure covering
that visit, which waits until an admin (the second key) approves it on the same page; then the dev
outbox shows the notice to that visitor and not to one who was at the ΚΕΠ at the same time. No page
shows a contact detail; the pass can be deleted from its page."""

from __future__ import annotations

import json
import random
import re
import time
import urllib.request
from datetime import datetime, timedelta

import pytest

from chalicelib import clock
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e
WALL_TIME = "%Y-%m-%dT%H:%M:%S"  # what the page's datetime-local fields take, in the browser's zone


def _athens_wall_time(at: datetime) -> str:
    return clock.local(at).strftime(WALL_TIME)


def _expect():
    from playwright.sync_api import expect

    return expect


def _outbox(stack) -> list[dict]:
    with urllib.request.urlopen(stack.url + "/dev/outbox.json", timeout=10) as resp:  # noqa: S310
        return json.loads(resp.read())


def _exposure_mail(stack, email: str) -> list[dict]:
    return [r for r in _outbox(stack) if r["kind"] == "visits.exposure" and r["recipient"] == email]


def test_register_check_in_and_out_declare_exposure_and_only_the_overlapping_visitor_is_told(
    local_stack, browser
):
    expect = _expect()
    base = local_stack.url
    tag = f"{random.randrange(10**8):08d}"
    email, other_email = f"visitor.{tag}@example.org", f"other.{tag}@example.org"
    name = f"Ελένη Δοκιμαστική {tag}"
    citizen = browser.new_context(locale="el-GR", timezone_id="Europe/Athens")
    page = citizen.new_page()
    page.set_default_timeout(15_000)

    # GIVEN a visitor who registers on the visitor pass page
    page.goto(base + "/visits.html")
    assert_accessible(page)
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#consent").check()
    page.locator("#submit").click()
    # THEN they land on their pass: a QR code and a code to type, and no contact detail
    page.wait_for_url(re.compile(r"/pass/[0-9A-Z]{16}$"))
    code = page.locator("[data-testid=pass-code]")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$"))
    expect(page.locator("#qr")).to_be_visible()
    assert page.locator("#qr").evaluate("img => img.naturalWidth") > 0
    assert email not in page.content() and name not in page.content()
    assert_accessible(page)
    pass_code = code.inner_text()
    pass_url = page.url

    # AND another visitor, registered by API, who is at the ΚΕΠ at the same time
    status, other = local_stack.request(
        "POST", "/api/visits/registrations", {"name": "Άλλος", "email": other_email, "consent": True}
    )
    assert status == 201
    assert (
        local_stack.request("POST", "/api/visits/buildings/kep/scans", {"code": other["pass_id"]})[0] == 200
    )

    # WHEN the visitor types the code at the Δημαρχείο kiosk, and again on the way out
    kiosk = citizen.new_page()
    kiosk.set_default_timeout(15_000)
    kiosk.goto(base + "/kiosk/dimarxeio?entrance=kentriki")
    expect(kiosk.locator("#building-name")).to_contain_text("Δημαρχείο")
    started = clock.utcnow() - timedelta(seconds=5)  # instants in UTC: no step across a clock change
    kiosk.locator("#code").fill(pass_code.lower())
    kiosk.locator("#code").press("Enter")
    result = kiosk.locator("[data-testid=kiosk-result]")
    expect(result).to_have_attribute("data-action", "checked_in")
    expect(result).to_contain_text("Καλώς ήρθατε")
    assert_accessible(kiosk)
    time.sleep(2.5)  # a second read within 2 s counts as the same scan
    kiosk.locator("#code").fill(pass_code)
    kiosk.locator("#code").press("Enter")
    expect(result).to_have_attribute("data-action", "checked_out")
    expect(result).to_contain_text("Καλή συνέχεια")

    # WHEN a health officer declares an exposure at the Δημαρχείο covering the visit
    staff = browser.new_context(locale="el-GR", timezone_id="Europe/Athens")
    staff.add_cookies(
        [{"name": "dimotis_staff", "value": local_stack.staff_token("health.officer"), "url": base}]
    )
    desk = staff.new_page()
    desk.set_default_timeout(20_000)
    desk.goto(base + "/admin/visits.html")
    expect(desk.locator("#incidents-section")).to_be_visible()
    desk.locator("#incident-building").select_option("dimarxeio")
    # The page reads the fields as Athens wall time; in the hour the clocks go back a wall time
    # names two instants and the browser takes the earlier one, up to an hour early. The end is an
    # hour ahead so the window still covers the visit then (the server cuts it at the present).
    desk.locator("#window-start").fill(_athens_wall_time(started))
    desk.locator("#window-end").fill(_athens_wall_time(clock.utcnow() + timedelta(hours=1)))
    desk.locator("#message-el").fill(
        "Πιθανή έκθεση σε κρούσμα στο Δημαρχείο. Παρακολουθήστε τα συμπτώματά σας."
    )
    desk.locator("#declare").click()

    # THEN it waits for a second key: pending, the declarer may withdraw it but not approve it
    row = desk.locator("#incident-rows tr").first
    expect(row).to_have_attribute("data-status", "pending")
    expect(row.locator("[data-action=reject]")).to_be_visible()
    assert row.locator("[data-action=approve]").count() == 0
    assert_accessible(desk)
    assert _exposure_mail(local_stack, email) == []

    # WHEN an admin opens the page and approves it, with the keyboard
    second = browser.new_context(locale="el-GR", timezone_id="Europe/Athens")
    second.add_cookies([{"name": "dimotis_staff", "value": local_stack.staff_token("admin"), "url": base}])
    approver = second.new_page()
    approver.set_default_timeout(20_000)
    approver.goto(base + "/admin/visits.html")
    approve = approver.locator("#incident-rows tr").first.locator("[data-action=approve]")
    expect(approve).to_be_visible()
    approver.once("dialog", lambda dialog: dialog.accept())
    approve.focus()
    approver.keyboard.press("Enter")
    expect(approver.locator("#incident-note")).not_to_be_empty()
    second.close()

    # THEN the incident's progress reaches done with counts only, no name, number or address
    desk.reload()
    row = desk.locator("#incident-rows tr").first
    expect(row).to_have_attribute("data-status", "done")
    assert int(row.locator("[data-testid=incident-sent]").inner_text()) >= 1
    assert row.locator("[data-testid=incident-failed]").inner_text() == "0"
    assert email not in desk.content() and name not in desk.content()
    assert_accessible(desk)

    # AND the dev outbox holds one notice to the visitor and none to the one at the ΚΕΠ
    deadline = time.time() + 15
    while not _exposure_mail(local_stack, email) and time.time() < deadline:
        time.sleep(0.3)
    (mail,) = _exposure_mail(local_stack, email)
    assert "Πιθανή έκθεση" in mail["body"] and "Δημαρχείο" in mail["subject"]
    assert _exposure_mail(local_stack, other_email) == []

    # AND the visitor can delete the registration from the pass page, at once
    page.goto(pass_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete").click()
    expect(page.locator("[data-testid=deleted]")).to_be_visible()
    assert local_stack.request("GET", "/api/visits/passes/" + pass_url.rsplit("/", 1)[-1])[0] == 404
    citizen.close()
    staff.close()
