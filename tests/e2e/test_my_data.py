"""A citizen's own data in a real browser on the local stack: signed in, they see what the
municipality holds about them (profile, appointment, request with its progress), download it as
JSON, and close their account with the keyboard after ticking the confirmation; they are signed
out, the page says what was done, and their request stays with the department without them."""

from __future__ import annotations

import json
import random

import pytest

from tests.conftest import bearer
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


def _expect():
    from playwright.sync_api import expect

    return expect


def test_a_citizen_sees_downloads_and_closes_their_account(local_stack, browser, tmp_path):
    expect = _expect()
    base = local_stack.url
    taxid = f"76{random.randrange(10**7):07d}"
    token = local_stack.citizen_token(taxid)
    email = f"closing.{taxid}@example.org"
    assert (
        local_stack.request("PUT", "/api/me", {"email": email, "notify_email": True}, bearer(token))[0] == 200
    )
    # GIVEN the citizen's appointment and pothole report
    booked = local_stack.book_first_free("kep-certificates", token, subject="Πιστοποιητικό γάμου")
    status, filed = local_stack.request(
        "POST",
        "/api/requests",
        {
            "type_code": "pothole",
            "description": "Λακκούβα για κλείσιμο",
            "attributes": {"SIZE": "large"},
            "lat": 37.9355,
            "lon": 23.7035,
        },
        bearer(token),
    )
    assert status == 200, filed
    request_id = filed["request"]["request_id"]
    context = browser.new_context(locale="el-GR", timezone_id="Europe/Athens", accept_downloads=True)
    context.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)

    # WHEN they open "my data" from their profile
    page.goto(base + "/profile.html")
    page.locator("a[href='/mydata.html']").click()
    # THEN they see their profile, the appointment and the request with its progress
    expect(page.locator("[data-testid=profile-email]")).to_have_text(email)
    expect(page.locator("[data-testid=appointments]")).to_contain_text(booked["reference"])
    expect(page.locator(f"[data-testid=request-{request_id}]")).to_contain_text(filed["request"]["protocol"])
    assert_accessible(page)

    # WHEN they download it; THEN the file is the JSON of everything held, theirs alone
    with page.expect_download() as got:
        page.locator("#download").click()
    saved = tmp_path / "data.json"
    got.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["taxid"] == taxid and data["profile"]["email"] == email
    assert [r["request"]["request_id"] for r in data["requests"]] == [request_id]
    assert [a["reference"] for a in data["appointments"]] == [booked["reference"]]

    # WHEN they try to close without ticking the confirmation; THEN the field says so, nothing closes
    page.locator("#close-account").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#close-confirm")).to_have_attribute("aria-invalid", "true")
    # WHEN they tick it with the keyboard and close, accepting the last question
    page.locator("#close-confirm").focus()
    page.keyboard.press("Space")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#close-account").focus()
    page.keyboard.press("Enter")
    # THEN the page says the account is closed and what was done, and they are signed out
    expect(page.locator("[data-testid=closed]")).to_contain_text("1")
    expect(page.locator("#signed-out")).to_be_hidden()
    assert_accessible(page)
    assert local_stack.request("GET", "/api/me", headers=bearer(token))[0] == 401
    # AND the department still has the report under its protocol number, without the citizen
    status, detail = local_stack.request(
        "GET", f"/api/staff/requests/{request_id}", headers=bearer(local_stack.staff_token("clerk.roads"))
    )
    assert status == 200 and detail["request"]["protocol"] == filed["request"]["protocol"]
    assert detail["request"]["taxid"] is None and email not in json.dumps(detail)
    context.close()
