"""Going live from an empty deployment, in a real browser: the local stack as ``make run DEMO=0``
starts it (no demo data; administrators need an authenticator app), the first administrator made
with ``manage.py create-admin``, their first sign-in (a new password, then enrolling TOTP with codes
computed here from the secret the page shows), the org chart, a clerk invited from the staff
site, and the clerk's own first sign-in."""

from __future__ import annotations

import re

import pytest

from tests.e2e.axe import assert_accessible
from tests.totp import fresh_code

pytestmark = pytest.mark.e2e

ADMIN, ADMIN_PASSWORD = "first.admin", "Protos-Diaxeiristis-2026!"
CLERK, CLERK_PASSWORD = "nea.ypallilos", "Nea-Ypallilos-Kodikos-1!"
ORG_CHART = (
    "kind,id,name_el,name_en,parent,email,phone,department,role,username\n"
    "directorate,dir-admin,Διεύθυνση Διοικητικών Υπηρεσιών,Administration,,,,,,\n"
    "department,kep,ΚΕΠ,Citizens' Service Centre,dir-admin,kep@dimos.example.gr,2100000000,,,\n"
    f"employee,{ADMIN},Πρώτη Διαχειρίστρια,,,it@dimos.example.gr,,kep,admin,{ADMIN}\n"
)


def _expect():
    from playwright.sync_api import expect

    return expect


def _temporary_password(stack, username: str) -> str:
    """The temporary password the user pool e-mailed ``username`` (the stack's /dev/cognito)."""
    status, mails = stack.get("/dev/cognito.json")
    assert status == 200
    body = next(m["body"] for m in mails if m["username"] == username and m["kind"] == "invitation")
    return body.split("Temporary password: ", 1)[1].split()[0]


def _sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης", exact=True).fill(password)
    page.get_by_role("button", name="Σύνδεση", exact=True).click()


def _new_password(page, password: str) -> None:
    expect = _expect()
    expect(page.locator("#new-password-form")).to_be_visible()
    page.locator("#new-password").fill(password)
    page.locator("#confirm-password").fill(password)
    page.get_by_role("button", name="Αποθήκευση κωδικού").click()


def test_from_an_empty_stack_the_first_admin_signs_in_with_mfa_and_invites_a_clerk(empty_stack, browser):
    expect = _expect()
    base = empty_stack.url

    # GIVEN an empty stack: no staff, no departments
    status, health = empty_stack.get("/api/health")
    assert status == 200, health
    # WHEN the operator creates the first administrator
    out = empty_stack.manage("create-admin", "--username", ADMIN, "--email", "it@dimos.example.gr")
    # THEN the temporary password is the last word of the last line
    temporary = out.splitlines()[-1].split()[-1]
    assert temporary == _temporary_password(empty_stack, ADMIN)

    admin = browser.new_context(locale="el-GR").new_page()
    # WHEN the administrator opens the staff site THEN they are sent to sign in
    admin.goto(base + "/admin/")
    admin.wait_for_url(re.compile(r"/admin/login\.html"))
    # WHEN they sign in with the temporary password THEN they must choose their own
    _sign_in(admin, ADMIN, temporary)
    expect(admin.locator("#new-password-form")).to_be_visible()
    assert_accessible(admin)
    # WHEN the password breaks a rule THEN the page says which, next to the field
    admin.locator("#new-password").fill("kodikos-xoris-kefalaia-1!")
    admin.locator("#confirm-password").fill("kodikos-xoris-kefalaia-1!")
    admin.get_by_role("button", name="Αποθήκευση κωδικού").click()
    expect(admin.locator("#new-password-error")).to_contain_text("κεφαλαίο λατινικό γράμμα")
    assert_accessible(admin)
    # WHEN it keeps to the rules THEN, as an administrator, they must enrol an authenticator app
    _new_password(admin, ADMIN_PASSWORD)
    expect(admin.locator("#mfa-setup-form")).to_be_visible()
    expect(admin.locator("#totp-qr")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    expect(admin.locator("#totp-link")).to_have_attribute("href", re.compile(r"^otpauth://totp/"))
    assert_accessible(admin)
    secret = admin.locator("#totp-secret").inner_text()
    # WHEN they type a wrong code THEN they are told so and stay signed out
    admin.locator("#setup-code").fill("000000" if fresh_code(secret) != "000000" else "111111")
    admin.get_by_role("button", name="Επιβεβαίωση").click()
    expect(admin.locator("#setup-code-error")).to_be_visible()
    # WHEN they type the code their app shows THEN they land on the dashboard, signed in
    admin.locator("#setup-code").fill(fresh_code(secret))
    admin.get_by_role("button", name="Επιβεβαίωση").click()
    admin.wait_for_url(base + "/admin/")
    expect(admin.locator("[data-testid=user-role]")).to_contain_text("Διαχειριστής")

    # WHEN they sign out and in again THEN the app's code is asked after the password
    admin.locator("[data-testid=sign-out]").click()
    admin.wait_for_url(re.compile(r"/admin/login\.html"))
    _sign_in(admin, ADMIN, ADMIN_PASSWORD)
    expect(admin.locator("#mfa-form")).to_be_visible()
    assert_accessible(admin)
    admin.locator("#mfa-code").fill(fresh_code(secret))
    admin.get_by_role("button", name="Επιβεβαίωση").click()
    admin.wait_for_url(base + "/admin/")

    # WHEN they import the org chart (a department, themselves) and invite a clerk from the page
    imported = admin.evaluate(
        """async (content) => {
            const r = await fetch('/api/admin/org/import', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({content, format: 'csv', dry_run: false})});
            return [r.status, await r.text()];
        }""",
        ORG_CHART,
    )
    assert imported[0] == 200, imported
    admin.goto(base + "/admin/")
    admin.get_by_role("link", name="Πρόσκληση υπαλλήλου").click()
    admin.wait_for_url(base + "/admin/invite.html")
    expect(admin.locator("#invite-form")).to_be_visible()
    admin.get_by_label("Όνομα χρήστη").fill(CLERK)
    admin.get_by_label("Ονοματεπώνυμο").fill("Νέα Υπάλληλος")
    admin.get_by_label("Email").fill("nea@dimos.example.gr")
    admin.get_by_label("Ρόλος").select_option("clerk")
    admin.get_by_label("Τμήμα").select_option("kep")
    admin.get_by_role("button", name="Αποστολή πρόσκλησης").click()
    # THEN the page says the invitation went, and the pool e-mailed the clerk a temporary password
    expect(admin.locator("[data-testid=invited]")).to_contain_text(CLERK)
    assert_accessible(admin)
    clerk_temporary = _temporary_password(empty_stack, CLERK)

    # WHEN the clerk signs in for the first time, with the temporary password
    clerk = browser.new_context(locale="el-GR").new_page()
    clerk.goto(base + "/admin/login.html?next=%2Fadmin%2F")
    _sign_in(clerk, CLERK, clerk_temporary)
    # THEN they choose their own password and are signed in (a clerk needs no authenticator)
    _new_password(clerk, CLERK_PASSWORD)
    clerk.wait_for_url(base + "/admin/")
    expect(clerk.locator("[data-testid=user-name]")).to_have_text("Νέα Υπάλληλος")
    expect(clerk.locator("[data-testid=staff-department]")).to_have_text("kep")
    admin.context.close()
    clerk.context.close()
