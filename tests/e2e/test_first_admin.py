"""Going live from an empty deployment, in a real browser (issue 12's test): the local stack as
``make run DEMO=0`` starts it (no demo data; administrators need an authenticator app), the first
administrator made with ``manage.py create-admin``, their first sign-in (a new password, then
enrolling TOTP with codes computed here from the secret the page shows), the org chart imported on
the back office page (dry run first), the municipality's own catalogue built on the catalogue page
(a service point, a service with documents and summer hours, a queue, a public request type: the
steps of tests/e2e/test_catalogue.py), a clerk invited from the staff site and the clerk's own
first sign-in; then a citizen books the new service and files a request of the new type, and
Open311 lists it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.test_catalogue import (
    CITIZEN,
    Names,
    Period,
    book_first_free_time,
    citizen_page,
    create_queue,
    create_request_type,
    create_service,
    create_service_point,
    file_request,
    footer_names_the_municipality,
    next_summer,
    open311_service_codes,
    open_catalogue,
    open_service,
    set_municipality,
)
from tests.totp import fresh_code

pytestmark = pytest.mark.e2e

ADMIN, ADMIN_PASSWORD = "first.admin", "Protos-Diaxeiristis-2026!"
CLERK, CLERK_PASSWORD = "nea.ypallilos", "Nea-Ypallilos-Kodikos-1!"
ORG_CHART = (
    "kind,id,name_el,name_en,parent,email,phone,department,role,username\n"
    "directorate,dir-admin,Διεύθυνση Διοικητικών Υπηρεσιών,Administration,,,,,,\n"
    "department,kep,ΚΕΠ,Citizens' Service Centre,dir-admin,kep@dimos.example.gr,2100000000,,,\n"
    "directorate,dir-tech,Διεύθυνση Τεχνικών Υπηρεσιών,Technical Services,,,,,,\n"
    "department,roads,Τμήμα Οδοποιίας,Roads,dir-tech,roads@dimos.example.gr,2100000001,,,\n"
    f"employee,{ADMIN},Πρώτη Διαχειρίστρια,,,it@dimos.example.gr,,kep,admin,{ADMIN}\n"
)
MUNICIPALITY = {
    "name_el": "Δήμος Νέας Σμύρνης",
    "name_en": "Municipality of Nea Smyrni",
    "phone": "2109318000",
    "email": "info@dimos.example.gr",
    "map": {
        "centre": {"lat": 37.9449, "lng": 23.7145},
        "zoom": 14,
        "bounds": {"south": 37.93, "west": 23.70, "north": 37.96, "east": 23.73},
    },
}


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


def _import_org_chart(page, base: str, content: str) -> None:
    """On the back office's org chart tab: a dry run of the HR export ``content``, then the import."""
    expect = _expect()
    page.goto(base + "/admin/backoffice.html#org")
    expect(page.locator("#tab-org")).to_be_visible()
    page.locator("#org-file").set_input_files(
        {"name": "hr_export.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    expect(page.locator("#org-dry-run")).to_be_checked()
    page.locator("#org-form [type=submit]").click()
    expect(page.locator("[data-testid=org-report]")).to_contain_text("Δοκιμαστική εκτέλεση")
    page.locator("#org-dry-run").uncheck()
    page.locator("#org-form [type=submit]").click()
    expect(page.locator("[data-testid=org-report]")).to_contain_text("Η εισαγωγή ολοκληρώθηκε")


def test_from_an_empty_stack_the_first_admin_goes_live_and_citizens_use_the_catalogue(empty_stack, browser):
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

    # WHEN they import the org chart on the back office page (two departments, themselves)
    _import_org_chart(admin, base, ORG_CHART)
    assert_accessible(admin)

    # WHEN they set up, on the catalogue page, the municipality's settings, a service point, a
    # service there with documents and summer hours, a queue for it and a public request type
    names = Names()
    summer_start, summer_end = next_summer()
    open_catalogue(admin, base, "municipality")
    set_municipality(admin, MUNICIPALITY)
    create_service_point(
        admin,
        names.point,
        "ΚΕΠ Δημαρχείου",
        "KEP Town Hall",
        address="Πλατεία Δημαρχείου 1",
        lat=37.94488,
        lng=23.71447,
        hours="08:00-20:00",
    )
    create_service(
        admin,
        names.service,
        names.point,
        "Έκδοση πιστοποιητικών",
        "Certificates",
        documents=[("Αστυνομική ταυτότητα", "Identity card"), ("Δύο φωτογραφίες", "Two photographs")],
        hours="08:00-20:00",
        periods=[Period("Θερινό ωράριο", "Summer hours", summer_start, summer_end, "08:00-13:00")],
    )
    create_queue(admin, names.point, "K", "Πιστοποιητικά", [names.service])
    create_request_type(
        admin,
        names.type_code,
        "Λακκούβα στο οδόστρωμα",
        "Pothole",
        department="roads",
        group=("roads", "Οδοποιία", "Roads"),
        public=True,
    )
    assert_accessible(admin)
    # THEN the API holds them: the settings; the service in the admin's department, with its
    # documents and summer range; the point's queue
    status, settings = empty_stack.get("/api/municipality")
    assert status == 200 and settings["configured"], settings
    assert settings["name_el"] == MUNICIPALITY["name_el"]
    status, service = empty_stack.get(f"/api/services/{names.service}")
    assert status == 200 and service["department_id"] == "kep", service
    assert [d["name_en"] for d in service["documents"]] == ["Identity card", "Two photographs"]
    assert [(p["name_en"], p["from"], p["to"]) for p in service["periods"]] == [
        ("Summer hours", summer_start.isoformat(), summer_end.isoformat())
    ]
    status, kiosk = empty_stack.get(f"/api/queue/points/{names.point}")
    assert status == 200 and [q["prefix"] for q in kiosk["queues"]] == ["K"], kiosk

    # WHEN they invite a clerk from the page
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

    # WHEN a citizen (signed in through the stand-in Taxisnet) opens the new service
    # THEN it shows its documents and point, and the footer names the municipality
    citizen = citizen_page(browser, empty_stack)
    open_service(citizen, base, names.service, "Δύο φωτογραφίες")
    footer_names_the_municipality(citizen, MUNICIPALITY)
    # WHEN they book it
    reference = book_first_free_time(citizen)
    # AND file a request of the new type
    protocol = file_request(citizen, base, names.type_code, "Μεγάλη λακκούβα μπροστά στο σχολείο.")
    citizen.context.close()
    # THEN both are the citizen's: the appointment at the new service, the request of the new type
    as_citizen = {"Authorization": f"Bearer {empty_stack.citizen_token(CITIZEN)}"}
    status, appointments = empty_stack.get("/api/appointments", as_citizen)
    assert status == 200, appointments
    assert (reference, names.service) in [
        (a["reference"], a["service_id"]) for a in appointments["appointments"]
    ]
    status, mine = empty_stack.get("/api/requests/mine", as_citizen)
    assert status == 200, mine
    assert (protocol, names.type_code) in [(r["protocol"], r["type_code"]) for r in mine["requests"]]
    # AND Open311 lists the new type
    assert names.type_code in open311_service_codes(base)
