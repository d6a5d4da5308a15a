"""Everyone who should be told can be, in a real browser on the local stack: a citizen with an empty
profile books, is asked how to be told, confirms her mobile with the code from the dev outbox
(with the keyboard: Enter sends and confirms, never books), and gets the confirmation by SMS,
exactly once (counted again once the stream pump has delivered everything up to it). Her next
request finds the mobile confirmed and does not ask again; choosing nothing says plainly that no
message will come. An email saved on the profile is confirmed by opening the e-mail's link in
another browser, and the profile page notices."""

from __future__ import annotations

import json
import random
import re
import urllib.request

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.contacts import sent_code
from tests.e2e.test_appointments import outbox, pick_slot, pump_settled

pytestmark = pytest.mark.e2e
SERVICE = "kep-signature"


def _expect():
    from playwright.sync_api import expect

    return expect


def all_messages_to(stack, recipient: str) -> list[dict]:
    with urllib.request.urlopen(f"{stack.url}/dev/outbox.json", timeout=10) as resp:  # noqa: S310
        return [r for r in json.loads(resp.read()) if r["recipient"] == recipient]


def test_a_citizen_with_an_empty_profile_confirms_her_mobile_and_gets_the_confirmation_once(
    local_stack, browser
):
    expect = _expect()
    base = local_stack.url
    taxid = f"79{random.randrange(10**7):07d}"  # a citizen of this test only: nothing on her profile
    mobile = f"+30690{random.randrange(10**7):07d}"
    token = local_stack.citizen_token(taxid)
    status, me = local_stack.get("/api/me", {"Authorization": f"Bearer {token}"})
    assert status == 200 and (me["email"], me["mobile"]) == (None, None)

    # GIVEN she picks a time of a service
    context = browser.new_context(locale="el-GR")
    context.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/appointments.html#service/{SERVICE}")
    pick_slot(page)
    # THEN the form asks how to be told, nothing ticked, and says plainly that no message will come
    fieldset = page.get_by_role("group", name="Πώς θέλετε να ενημερώνεστε;")
    expect(fieldset).to_be_visible()
    expect(page.get_by_label("Με SMS στο κινητό")).not_to_be_checked()
    expect(page.get_by_label("Με email")).not_to_be_checked()
    expect(page.locator("[data-testid=notify-none]")).to_contain_text(
        "Δεν θα λάβετε επιβεβαίωση ούτε υπενθυμίσεις"
    )
    assert_accessible(page)

    # WHEN she ticks SMS, types her number and presses Enter
    page.get_by_label("Με SMS στο κινητό").check()
    page.get_by_label("Αριθμός κινητού").fill(mobile.removeprefix("+30"))
    page.get_by_label("Αριθμός κινητού").press("Enter")
    # THEN a code is sent (the page says where) and the booking was not made by that Enter
    expect(page.locator("[data-testid=notify-sms-status]")).to_contain_text(mobile)
    expect(page.locator("[data-testid=notify-sms-code]")).to_be_focused()
    assert local_stack.get("/api/appointments", {"Authorization": f"Bearer {token}"})[1]["appointments"] == []
    assert_accessible(page)
    # WHEN she types the code from the dev outbox and presses Enter
    page.keyboard.type(sent_code(local_stack, mobile))
    page.keyboard.press("Enter")
    # THEN the mobile shows as confirmed and the warning is gone
    expect(page.locator("[data-testid=notify-sms-confirmed]")).to_contain_text(mobile)
    expect(page.locator("[data-testid=notify-none]")).to_be_hidden()

    # WHEN she confirms the booking
    page.locator("[data-testid=confirm]").click()
    # THEN the confirmation page shows the reference and says the SMS goes to her mobile
    reference = page.locator("[data-testid=reference]")
    expect(reference).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    expect(page.locator("[data-testid=notify-summary]")).to_contain_text(mobile)
    code = reference.inner_text()
    # AND the confirmation SMS arrives
    texts = outbox(local_stack, mobile, "appointment.booked")
    assert len(texts) == 1 and code in texts[0]["body"]
    # AND once the pump has delivered everything up to it, it is still there exactly once, and the
    # only other message to her mobile is the one code
    pump_settled(local_stack)
    assert len(outbox(local_stack, mobile, "appointment.booked")) == 1
    assert sorted(r["kind"] for r in all_messages_to(local_stack, mobile)) == [
        "appointment.booked",
        "contact.verify",
    ]
    status, me = local_stack.get("/api/me", {"Authorization": f"Bearer {token}"})
    assert (me["mobile"], me["mobile_verified"], me["notify_sms"]) == (mobile, True, True)

    # WHEN she files a request
    page.goto(f"{base}/requests.html")
    page.locator("#type").select_option("general")
    # THEN her confirmed mobile is offered, ticked, without asking again
    expect(page.locator("[data-testid=notify-sms]")).to_be_checked()
    expect(page.locator("[data-testid=notify-sms-confirmed]")).to_contain_text(mobile)
    assert_accessible(page)
    # WHEN she unticks it and sends the request
    page.locator("[data-testid=notify-sms]").uncheck()
    expect(page.locator("[data-testid=notify-none]")).to_contain_text("Κρατήστε τον αριθμό πρωτοκόλλου")
    page.locator("#description").fill("Ερώτηση χωρίς ενημερώσεις")
    page.locator("#submit").click()
    # THEN it is filed, and the page says that no message will come
    expect(page.locator("[data-testid=protocol]")).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
    expect(page.locator("#done [data-testid=notify-summary]")).to_contain_text("Δεν θα λαμβάνετε μηνύματα")
    context.close()


def link_sent_to(stack, email: str) -> str:
    [row] = outbox(stack, email, "contact.verify")
    return re.search(r"(/verify\.html#\S+)", row["body"]).group(1)


def test_an_email_is_confirmed_by_opening_its_link_in_another_browser(local_stack, browser):
    expect = _expect()
    base = local_stack.url
    token = local_stack.citizen_token(f"78{random.randrange(10**7):07d}")
    email = f"link.{random.randrange(10**8)}@example.gr"
    # GIVEN a citizen who saves an email on her profile
    context = browser.new_context(locale="el-GR")
    context.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/profile.html")
    page.get_by_label("Διεύθυνση email").fill(email)
    page.get_by_role("button", name="Αποθήκευση").click()
    # THEN the profile says it is not confirmed, so no message goes there
    expect(page.locator("[data-testid=profile-email-unverified]")).to_contain_text("Δεν έχει επιβεβαιωθεί")
    # WHEN she asks to confirm it
    page.locator("[data-testid=profile-email-verify-now]").click()
    expect(page.locator("[data-testid=profile-email-confirm-status]")).to_contain_text(email)
    assert_accessible(page)
    # AND opens the e-mail's link in another browser, not signed in
    elsewhere = browser.new_context(locale="el-GR").new_page()
    elsewhere.goto(base + link_sent_to(local_stack, email))
    assert_accessible(elsewhere)
    elsewhere.locator("[data-testid=verify-confirm]").click()
    # THEN that page says the address is confirmed (masked), and the link is gone from its address
    expect(elsewhere.locator("[data-testid=verify-done]")).to_contain_text("•••@example.gr")
    assert "#" not in elsewhere.url
    # AND her profile page notices by itself
    expect(page.locator("[data-testid=profile-email-verified]")).to_be_visible()
    status, me = local_stack.get("/api/me", {"Authorization": f"Bearer {token}"})
    assert (me["email"], me["email_verified"]) == (email, True)
    elsewhere.context.close()
    context.close()
