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

    # WHEN they sign out THEN Taxisnet's sign-out brings them to the home page, signed out, and the
    # API no longer knows them
    page.locator("[data-testid=sign-out]").click()
    page.wait_for_url(base + "/")
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    expect(page.locator("[data-testid=user-name]")).to_have_count(0)
    assert _status(page, "/api/me") == 401


def test_signing_out_ends_the_taxisnet_session_so_the_next_person_is_asked_who_they_are(local_stack, page):
    expect = _expect()
    base = local_stack.url

    # GIVEN a citizen signed in with Taxisnet at a shared computer
    page.goto(base + "/")
    page.locator("[data-testid=sign-in]").click()
    page.locator(f"button[data-taxid='{TAXPAYER}']").click()
    page.wait_for_url(base + "/")
    # WHEN only our session ends (it expired) THEN Taxisnet still remembers them: it offers to continue
    page.context.clear_cookies(name="dimotis_session")
    page.goto(base + "/")
    page.locator("[data-testid=sign-in]").click()
    expect(page.locator("[data-testid=continue]")).to_contain_text("ΕΛΕΝΗ")
    page.locator("[data-testid=continue]").click()
    page.wait_for_url(base + "/")
    expect(page.locator("[data-testid=user-name]")).to_have_text(TAXPAYER_NAME)
    # WHEN they sign out THEN the Taxisnet session ends too: the next sign-in asks who it is
    page.locator("[data-testid=sign-out]").click()
    page.wait_for_url(base + "/")
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    page.locator("[data-testid=sign-in]").click()
    page.wait_for_url(re.compile(r"/dev/taxisnet/oauth/authorize"))
    expect(page.locator(f"button[data-taxid='{TAXPAYER}']")).to_be_visible()
    expect(page.locator("[data-testid=continue]")).to_have_count(0)


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
    page.get_by_label("Κωδικός πρόσβασης", exact=True).fill(STAFF_PASSWORD)
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
    page.get_by_label("Κωδικός πρόσβασης", exact=True).fill("Not-The-Password-1!")
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


def _new_staff(stack, username: str, password: str = STAFF_PASSWORD) -> None:
    stack.manage("create-staff", "--username", username, "--email", f"{username}@demo.dimotis.gr",
                 "--name", "Δοκιμαστικός Υπάλληλος", "--department", "kep", "--role", "clerk", "--password", password)


def _sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης", exact=True).fill(password)
    page.get_by_role("button", name="Σύνδεση", exact=True).click()


@pytest.mark.parametrize(("asked", "lands"), [
    ("/%09/evil.example/", "/admin/"),
    ("%2F%2Fevil.example", "/admin/"),
    ("/%5Cevil.example", "/admin/"),
    ("https://evil.example/", "/admin/"),
    ("/admin/queue.html", "/admin/queue.html"),
])
def test_the_staff_sign_in_returns_only_to_a_page_of_this_site(local_stack, page, asked, lands):
    # GIVEN the staff sign-in page asked to return to <asked> (a tab, encoded slashes, a backslash...)
    page.goto(f"{local_stack.url}/admin/login.html?next={asked}")
    # WHEN a clerk signs in
    _sign_in(page, "clerk.kep", STAFF_PASSWORD)
    # THEN the browser stays on this site: the page asked for, or the dashboard
    page.wait_for_url(local_stack.url + lands)


def test_a_clerk_resets_a_forgotten_password_with_the_emailed_code(local_stack, page):
    expect = _expect()
    username = f"forgot.{int(time.time() * 1000)}"
    _new_staff(local_stack, username)
    # GIVEN the sign-in page WHEN the clerk follows "forgot your password?" and gives the username
    page.goto(local_stack.url + "/admin/login.html?next=%2Fadmin%2Fqueue.html")
    page.get_by_role("link", name="Ξεχάσατε τον κωδικό σας;").click()
    page.wait_for_url(re.compile(r"/admin/forgot\.html"))
    assert_accessible(page)
    page.get_by_label("Όνομα χρήστη", exact=True).fill(username)
    page.get_by_role("button", name="Αποστολή κωδικού").click()
    # THEN the page says a code was e-mailed (if the account exists) and asks for it
    expect(page.locator("#reset-form")).to_be_visible()
    assert_accessible(page)
    status, mails = local_stack.get("/dev/cognito.json")
    code = next(m["body"] for m in mails if m["username"] == username).split("είναι ", 1)[1][:6]
    # WHEN the code is wrong THEN it says so next to the code
    page.get_by_label("Κωδικός επαναφοράς από το email").fill("000000" if code != "000000" else "111111")
    page.locator("#new-password").fill("Neos-Kodikos-Epanafora-9!")
    page.locator("#confirm-password").fill("Neos-Kodikos-Epanafora-9!")
    page.get_by_role("button", name="Ορισμός νέου κωδικού").click()
    expect(page.locator("#reset-code-error")).to_be_visible()
    assert_accessible(page)
    # WHEN the e-mailed code and a good password are given THEN the password is changed
    page.get_by_label("Κωδικός επαναφοράς από το email").fill(code)
    page.get_by_role("button", name="Ορισμός νέου κωδικού").click()
    expect(page.locator("#reset-done")).to_be_visible()
    # AND the new password signs in, back to the page first asked for
    page.locator("#back-to-login").click()
    _sign_in(page, username, "Neos-Kodikos-Epanafora-9!")
    page.wait_for_url(local_stack.url + "/admin/queue.html", timeout=30_000)  # a busy machine: the queue page is heavy


def test_a_clerk_turns_on_an_authenticator_from_the_account_page_with_the_keyboard(local_stack, page):
    expect = _expect()
    from tests.totp import fresh_code

    username = f"totp.{int(time.time() * 1000)}"
    _new_staff(local_stack, username)
    page.goto(local_stack.url + "/admin/login.html")
    _sign_in(page, username, STAFF_PASSWORD)
    page.wait_for_url(local_stack.url + "/admin/")
    # WHEN the clerk opens their account from the header THEN the authenticator is off
    page.locator("[data-testid=account-link]").click()
    page.wait_for_url(local_stack.url + "/admin/account.html")
    expect(page.locator("[data-testid=mfa-status]")).to_contain_text("Ανενεργή")
    assert_accessible(page)
    # WHEN the password form is sent empty THEN its errors show, and pass axe
    page.locator("#password-form [type=submit]").press("Enter")
    expect(page.locator("#current-password-error")).to_be_visible()
    assert_accessible(page)
    # WHEN they turn the authenticator on (keyboard only) and type the app's code
    page.locator("#totp-start").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#totp-form")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    page.locator("#totp-code").fill(fresh_code(secret))
    page.keyboard.press("Enter")
    # THEN it is on
    expect(page.locator("[data-testid=mfa-status]")).to_contain_text("Ενεργή")
    expect(page.locator("[data-testid=notice]")).to_be_visible()
    # AND the next sign-in asks for a code from the app
    page.locator("[data-testid=sign-out]").click()
    page.wait_for_url(re.compile(r"/admin/login\.html"))
    _sign_in(page, username, STAFF_PASSWORD)
    expect(page.locator("#mfa-form")).to_be_visible()
    page.locator("#mfa-code").fill(fresh_code(secret))
    page.keyboard.press("Enter")
    page.wait_for_url(local_stack.url + "/admin/")
