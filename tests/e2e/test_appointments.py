"""Appointments in a real browser on the local stack: a citizen books, sees the confirmation email
and SMS in the dev outbox, reschedules, downloads the .ics, cancels; a clerk completes another
appointment with a comment.

"Once each" is counted after the stream pump has finished with every record up to a later one
whose message has shown (the next change, or a witness's booking): a copy that came late, from a
record delivered again, would be there by then."""

from __future__ import annotations

import json
import random
import re
import time
import urllib.request

import pytest

from tests.conftest import bearer
from tests.e2e.axe import assert_accessible
from tests.e2e.contacts import confirm_contacts

pytestmark = pytest.mark.e2e
TAXID = "111222333"
OTHER = "444555666"
WITNESS = "700000004"  # a taxpayer of this test only: her booking is a mark in the stream
SERVICE = "kep-signature"


def _expect():
    from playwright.sync_api import expect

    return expect


def outbox(stack, recipient: str, kind: str, want: int = 1, timeout: float = 30) -> list[dict]:
    """The dev outbox rows of ``kind`` to ``recipient`` once there are ``want`` of them (or all
    there are when ``timeout`` runs out)."""
    deadline = time.time() + timeout
    while True:
        with urllib.request.urlopen(f"{stack.url}/dev/outbox.json", timeout=10) as resp:  # noqa: S310
            rows = [r for r in json.loads(resp.read()) if r["kind"] == kind and r["recipient"] == recipient]
        if len(rows) >= want or time.time() > deadline:
            return rows
        time.sleep(0.5)


def pump_settled(stack, timeout: float = 30) -> None:
    """Wait until the stream pump's latest delivery from the appointments table went through whole
    (``/dev/streams``: its last full delivery is not older than its last call of the handler).
    Called once a record's message has shown, it returns when every record up to that one has been
    delivered, and none is waiting to be delivered again."""
    deadline = time.time() + timeout
    while True:
        status, report = stack.get("/dev/streams.json")
        assert status == 200, report
        stats = next(v for table, v in report["tables"].items() if table.endswith("-appointments"))
        if stats["last_delivery"] is not None and stats["last_delivery"] >= stats["last_invocation"]:
            return
        assert time.time() < deadline, f"the stream pump did not settle: {stats}"
        time.sleep(0.2)


def witness_booking(stack) -> None:
    """A booking by another citizen, with an email, after everything this test changed; returns
    once its confirmation is in the outbox and the pump has settled (see the module's docstring)."""
    email = f"witness.{random.randrange(10**8)}@example.gr"
    token = stack.citizen_token(WITNESS)
    confirm_contacts(stack, token, email=email)
    stack.book_first_free(SERVICE, token)
    assert len(outbox(stack, email, "appointment.booked")) == 1
    pump_settled(stack)


def pick_slot(page, skip_days: int = 0):
    """Click the ``skip_days``-th day with free places and its first free time."""
    expect = _expect()
    days = page.locator("button.ap-day:not([disabled])")
    expect(days.first).to_be_visible()
    days.nth(skip_days).click()
    slot = page.locator("button.ap-slot:not([disabled])").first
    expect(slot).to_be_visible()
    slot.click()


def test_citizen_books_reschedules_downloads_and_cancels_and_a_clerk_completes(
    local_stack, browser, tmp_path
):
    expect = _expect()
    base = local_stack.url
    email = f"eleni.{random.randrange(10**8)}@example.gr"
    mobile = f"+30690{random.randrange(10**7):07d}"
    token = local_stack.citizen_token(TAXID)
    status, _ = local_stack.request(
        "PUT",
        "/api/me",
        {"email": email, "mobile": mobile, "notify_email": True, "notify_sms": True, "language": "el"},
        bearer(token),
    )
    assert status == 200
    confirm_contacts(local_stack, token, email=email, mobile=mobile)  # messages go to confirmed ones only

    # GIVEN Eleni signed in on the appointments page
    citizen = browser.new_context(locale="el-GR", accept_downloads=True)
    citizen.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = citizen.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/appointments.html")
    # WHEN she opens the signature service: documents and the map of the service point are shown
    page.locator(f"[data-testid=service-{SERVICE}]").click()
    expect(page.locator("[data-testid=documents]")).to_contain_text("ταυτότητα")
    expect(page.locator("#map.leaflet-container")).to_be_visible()
    assert_accessible(page)
    # AND she picks a day and a time and confirms with a subject
    pick_slot(page)
    page.locator("#subject").fill("Υπεύθυνη δήλωση")
    page.locator("[data-testid=confirm]").click()
    # THEN the confirmation shows the reference
    reference = page.locator("[data-testid=reference]")
    expect(reference).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    code = reference.inner_text()
    # AND the confirmation email (with the .ics) and SMS are in the dev outbox (once each: below)
    mails = outbox(local_stack, email, "appointment.booked")
    texts = outbox(local_stack, mobile, "appointment.booked")
    assert len(mails) >= 1 and len(texts) >= 1
    assert code in mails[0]["subject"] and mails[0]["attachments"] == [f"appointment-{code}.ics"]
    assert code in texts[0]["body"]

    # WHEN she goes to her appointments and reschedules to another day
    page.goto(f"{base}/appointments.html#mine")
    row = page.locator(f"[data-testid=appointment-{code}]")
    expect(row).to_be_visible()
    assert_accessible(page)
    row.locator("[data-testid=reschedule]").click()
    pick_slot(page, skip_days=1)
    page.locator("[data-testid=confirm]").click()
    expect(page.locator("[data-testid=booked]")).to_contain_text("άλλαξε")
    assert len(outbox(local_stack, email, "appointment.rescheduled")) >= 1
    # AND once the pump is done with every record up to the move, the confirmation went once each
    pump_settled(local_stack)
    assert len(outbox(local_stack, email, "appointment.booked")) == 1
    assert len(outbox(local_stack, mobile, "appointment.booked")) == 1
    # AND downloads the calendar file
    with page.expect_download() as download_info:
        page.locator("[data-testid=ics-link]").click()
    ics = tmp_path / "a.ics"
    download_info.value.save_as(ics)
    text = ics.read_text()
    assert (
        "BEGIN:VCALENDAR" in text and "TZID:Europe/Athens" in text and code in text and "BEGIN:VALARM" in text
    )

    # WHEN she cancels it
    page.goto(f"{base}/appointments.html#mine")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"[data-testid=appointment-{code}] [data-testid=cancel]").click()
    # THEN it shows as cancelled and the cancellation is notified
    expect(page.locator(f"[data-testid=appointment-{code}] [data-testid=status]")).to_contain_text(
        "Ακυρώθηκε"
    )
    assert len(outbox(local_stack, mobile, "appointment.cancelled")) >= 1
    # AND once the pump is done with a later booking, the move and the cancellation went once each
    witness_booking(local_stack)
    assert len(outbox(local_stack, email, "appointment.rescheduled")) == 1
    assert len(outbox(local_stack, mobile, "appointment.cancelled")) == 1
    assert len(outbox(local_stack, email, "appointment.cancelled")) == 1

    # GIVEN another citizen's appointment at the KEP
    other = local_stack.citizen_token(OTHER)
    booked = local_stack.book_first_free(SERVICE, other, subject="Εξουσιοδότηση")
    start = booked["start"]
    # WHEN a KEP clerk opens that day's calendar and completes it with a comment
    clerk = browser.new_context(locale="el-GR")
    clerk.add_cookies([{"name": "dimotis_staff", "value": local_stack.staff_token("clerk.kep"), "url": base}])
    desk = clerk.new_page()
    desk.set_default_timeout(20_000)
    desk.goto(f"{base}/admin/appointments.html?date={start[:10]}")
    card = desk.locator(f"[data-testid=row-{booked['reference']}]")
    expect(card).to_be_visible()
    assert_accessible(desk)
    card.locator("[data-testid=complete]").click()
    card.locator("[data-testid=complete-text]").fill("Θεωρήθηκε το γνήσιο της υπογραφής")
    card.locator("[data-testid=complete-submit]").click()
    # THEN the calendar shows it completed with the comment, and so does the API
    done = desk.locator(f"[data-testid=row-{booked['reference']}]")
    expect(done.locator("[data-testid=row-status]")).to_have_text("Ολοκληρώθηκε")
    expect(done).to_contain_text("Θεωρήθηκε το γνήσιο της υπογραφής")
    status, item = local_stack.request(
        "GET", f"/api/appointments/{booked['appointment_id']}", headers=bearer(other)
    )
    assert item["status"] == "completed" and item["staff_comment"] == "Θεωρήθηκε το γνήσιο της υπογραφής"
    citizen.close()
    clerk.close()
