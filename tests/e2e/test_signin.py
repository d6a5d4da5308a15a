"""Sign-in and sign-out in a real browser (Debian's Chromium) against the local stack: a citizen
through the stand-in Taxisnet, a clerk through Cognito; every page checked with axe-core."""

from __future__ import annotations

import re
import time

import pytest

from devstack.demo.org import STAFF_PASSWORD  # the demo staff's password (README)
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

TAXPAYER = "111222333"  # ΕΛΕΝΗ ΚΩΝΣΤΑΝΤΙΝΙΔΗ in devstack/taxisnet.py
TAXPAYER_NAME = "ΕΛΕΝΗ ΚΩΝΣΤΑΝΤΙΝΙΔΗ"


def _expect():
    from playwright.sync_api import expect

    return expect


def _status(page, path: str) -> int:
    """The status of a same-origin GET made by the page itself (with its cookies)."""
    return page.evaluate("async (p) => (await fetch(p, {credentials: 'same-origin'})).status", path)


def test_citizen_signs_in_with_taxisnet_edits_profile_switches_language_and_signs_out(local_stack, page):
    expect = _expect()
    base = local_stack.url

    # GIVEN a visitor on the home page, signed out
    page.goto(base + "/")
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    expect(page.locator("#signin-cta")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "el")
    assert_accessible(page)

    # WHEN they sign in and pick a test taxpayer on the stand-in Taxisnet page
    page.locator("[data-testid=sign-in]").click()
    page.wait_for_url(re.compile(r"/dev/taxisnet/oauth/authorize"))
    page.locator(f"button[data-taxid='{TAXPAYER}']").click()

    # THEN they are back on the home page, signed in, their name in the header
    page.wait_for_url(base + "/")
    expect(page.locator("[data-testid=user-name]")).to_have_text(TAXPAYER_NAME)
    expect(page.locator("[data-testid=welcome]")).to_contain_text(TAXPAYER_NAME)
    expect(page.locator("#signin-cta")).to_be_hidden()
    assert_accessible(page)

    # WHEN they open the profile THEN the Taxisnet names are read only, the contact fields editable
    page.locator("a[data-nav=profile]").click()
    page.wait_for_url(base + "/profile.html")
    expect(page.locator("#taxid")).to_have_text(TAXPAYER)
    expect(page.locator("#first-name")).to_have_text("ΕΛΕΝΗ")
    expect(page.locator("a[data-nav=profile]")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # WHEN they type a wrong email THEN the error is shown next to the field and nothing is saved
    page.get_by_label("Διεύθυνση email").fill("not-an-email")
    page.get_by_role("button", name="Αποθήκευση").click()
    expect(page.locator("#profile-email-error")).to_contain_text("έγκυρη διεύθυνση email")
    expect(page.locator("#profile-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#saved")).to_be_hidden()
    assert_accessible(page)

    # WHEN they enter a valid email and mobile, ask for SMS only and save
    email = f"eleni.{int(time.time() * 1000)}@example.gr"
    page.get_by_label("Διεύθυνση email").fill(email)
    page.get_by_label("Κινητό τηλέφωνο").fill("6912 345 678")
    page.get_by_label("SMS").check()
    page.get_by_label("Email", exact=True).uncheck()
    page.get_by_role("button", name="Αποθήκευση").click()

    # THEN it is saved, and still there after a reload
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#profile-email-error")).to_have_count(0)
    page.reload()
    expect(page.locator("#profile-email")).to_have_value(email)
    expect(page.locator("#profile-mobile")).to_have_value("+306912345678")
    expect(page.locator("#profile-notify-sms")).to_be_checked()
    expect(page.locator("#profile-notify-email")).not_to_be_checked()

    # WHEN they switch to English THEN the page speaks English, and still does after a reload
    page.locator("[data-testid=lang-switch]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("My profile")
    expect(page.locator("[data-testid=sign-out]")).to_have_text("Sign out")
    expect(page.locator("a[data-nav=appointments]")).to_have_text("Appointments")
    expect(page.locator("[data-testid=lang-switch]")).to_have_text("Ελληνικά")
    assert_accessible(page)
    page.reload()
    expect(page.locator("h1")).to_have_text("My profile")
    expect(page.get_by_label("Email address")).to_have_value(email)

    # WHEN they sign out THEN the header offers sign-in again and the API no longer knows them
    page.locator("[data-testid=sign-out]").click()
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    expect(page.locator("[data-testid=user-name]")).to_have_count(0)
    expect(page.locator("#signed-out")).to_be_visible()
    assert _status(page, "/api/me") == 401


def test_clerk_is_sent_to_login_signs_in_sees_role_and_department_and_signs_out(local_stack, page):
    expect = _expect()
    base = local_stack.url

    # GIVEN a clerk who is not signed in WHEN they open the staff site THEN they are sent to login
    page.goto(base + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login\.html\?next=%2Fadmin%2F$"))
    expect(page.locator("h1")).to_have_text("Σύνδεση προσωπικού")
    assert_accessible(page)

    # WHEN they sign in with their Cognito username and password
    page.get_by_label("Όνομα χρήστη").fill("clerk.kep")
    page.get_by_label("Κωδικός πρόσβασης").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Σύνδεση", exact=True).click()

    # THEN they land on the dashboard with their name, role and department
    page.wait_for_url(base + "/admin/")
    expect(page.locator("[data-testid=user-name]")).to_have_text("Δημήτρης Εξυπηρετητής")
    expect(page.locator("[data-testid=staff-role]")).to_have_text("Υπάλληλος")
    expect(page.locator("[data-testid=staff-department]")).to_have_text("kep")
    expect(page.locator("#staff-username")).to_have_text("clerk.kep")
    expect(page.locator("#sections a")).to_have_count(5)
    assert_accessible(page)

    # WHEN the short-lived ID cookie has expired THEN the page renews the session from the refresh
    # cookie and the clerk stays signed in
    page.context.clear_cookies(name="dimotis_staff")
    page.reload()
    expect(page.locator("[data-testid=user-name]")).to_have_text("Δημήτρης Εξυπηρετητής")
    assert page.url == base + "/admin/"

    # WHEN they switch language THEN the dashboard follows
    page.locator("[data-testid=lang-switch]").click()
    expect(page.locator("[data-testid=staff-role]")).to_have_text("Clerk")
    expect(page.locator("h1")).to_have_text("Dashboard")

    # WHEN they sign out THEN they are on the login page and the staff site sends them back there
    page.locator("[data-testid=sign-out]").click()
    page.wait_for_url(re.compile(r"/admin/login\.html"))
    expect(page.locator("#login-form")).to_be_visible()
    assert _status(page, "/api/staff/me") == 401
    page.goto(base + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login\.html"))


def test_wrong_staff_password_shows_an_error_and_stays_signed_out(local_stack, page):
    expect = _expect()

    # GIVEN the staff login page WHEN a wrong password is submitted
    page.goto(local_stack.url + "/admin/login.html")
    page.get_by_label("Όνομα χρήστη").fill("clerk.kep")
    page.get_by_label("Κωδικός πρόσβασης").fill("Not-The-Password-1!")
    page.get_by_role("button", name="Σύνδεση", exact=True).click()

    # THEN an error says so, the password is cleared and nobody is signed in
    expect(page.locator("[data-testid=error-message]")).to_have_text(
        "Λάθος όνομα χρήστη ή κωδικός πρόσβασης."
    )
    expect(page.locator("#password")).to_have_value("")
    assert "/admin/login.html" in page.url
    assert _status(page, "/api/staff/me") == 401
    assert_accessible(page)

    # WHEN a field is left empty THEN the error is next to it and nothing is sent
    page.get_by_label("Όνομα χρήστη").fill("")
    page.get_by_role("button", name="Σύνδεση", exact=True).click()
    expect(page.locator("#username-error")).to_be_visible()
    expect(page.locator("#username")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
