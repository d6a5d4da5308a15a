"""The municipality's own catalogue in a real browser on the demo stack: the demo admin (no MFA in
the demo stack) creates a service point, a service there with documents, a summer-hours range and a
one-day closure, a queue and a public request type on the catalogue page; a citizen sees the closure
named on the booking page, books the new service and files a request of the new type; Open311
``services.json`` lists the new type. And with the keyboard alone (no mouse event), the admin opens
a tab and makes a point, the focus going to the field each refusal names.

Each step is a small function taking the page it acts on (``create_service_point(page, ...)``), so
the issue's whole test (first sign-in with MFA from an empty deployment, then these steps) can
reuse them as they are."""

from __future__ import annotations

import json
import random
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from chalicelib.clock import today
from chalicelib.services.platform.holidays import is_holiday
from tests.e2e.axe import assert_accessible
from tests.e2e.test_keyboard_booking import tab_to

pytestmark = pytest.mark.e2e
CITIZEN = "700000007"  # a taxpayer of this test only


def _expect():
    from playwright.sync_api import expect

    return expect


@dataclass(frozen=True)
class Names:
    """The ids and names of one run's catalogue objects (unique: the stack is shared)."""

    run: str = field(default_factory=lambda: f"{random.randrange(16**6):06x}")

    @property
    def point(self) -> str:
        return f"e2e-point-{self.run}"

    @property
    def service(self) -> str:
        return f"e2e-service-{self.run}"

    @property
    def type_code(self) -> str:
        return f"e2e-type-{self.run}"


@dataclass(frozen=True)
class Period:
    """A named date range of a service: ``hours`` on weekdays (Monday to Friday), or closed."""

    name_el: str
    name_en: str
    start: date
    end: date
    hours: str | None = None  # None: closed


def next_summer() -> tuple[date, date]:
    """1 July to 31 August of next year: a summer range wherever in the year the test runs."""
    year = today().year + 1
    return date(year, 7, 1), date(year, 8, 31)


def an_ordinary_day(after_days: int) -> date:
    """The first day at least ``after_days`` from today that is no public holiday (so only the
    municipality's own range can close it)."""
    day = today() + timedelta(days=after_days)
    while is_holiday(day):
        day += timedelta(days=1)
    return day


# -- reusable steps ----------------------------------------------------------------------------------
def signed_in_page(browser, stack, cookie: str, token: str):
    """A page of a new Greek browser context holding the session ``cookie`` (``page.context``)."""
    context = browser.new_context(locale="el-GR")
    context.add_cookies([{"name": cookie, "value": token, "url": stack.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def staff_page(browser, stack, username: str = "admin"):
    """A page signed in as a staff member of the demo stack."""
    return signed_in_page(browser, stack, "dimotis_staff", stack.staff_token(username))


def open_catalogue(page, base: str, tab: str) -> None:
    """The catalogue page on ``tab`` (points, services, queues, types, municipality), loaded."""
    expect = _expect()
    page.goto(f"{base}/admin/catalogue.html#{tab}")
    expect(page.locator(f"#tab-{tab}")).to_be_visible()
    expect(page.locator(f"#tab-{tab} form [type=submit]")).to_be_visible()


def saved(page, text: str) -> None:
    """Wait for the status line to say what was saved."""
    _expect()(page.locator("#status")).to_contain_text(text)


def set_municipality(page, settings: dict) -> None:
    """On the municipality tab: the municipality's names, contacts and map (``settings`` as
    ``PUT /api/admin/municipality`` takes them, address and website left out)."""
    page.locator("#tabbtn-municipality").click()
    page.locator("#m-name-el").fill(settings["name_el"])
    page.locator("#m-name-en").fill(settings["name_en"])
    page.locator("#m-phone").fill(settings["phone"])
    page.locator("#m-email").fill(settings["email"])
    page.locator("#m-lat").fill(str(settings["map"]["centre"]["lat"]))
    page.locator("#m-lng").fill(str(settings["map"]["centre"]["lng"]))
    page.locator("#m-zoom").fill(str(settings["map"]["zoom"]))
    for side in ("south", "west", "north", "east"):
        page.locator(f"#m-{side}").fill(str(settings["map"]["bounds"][side]))
    page.locator("[data-testid=municipality-save]").click()
    saved(page, "Αποθηκεύτηκαν οι ρυθμίσεις του δήμου")


def create_service_point(
    page, point_id: str, name_el: str, name_en: str, *, address: str, lat: float, lng: float, hours: str
) -> None:
    """On the catalogue page's points tab: a new point with its address, position and weekday hours."""
    page.locator("#tabbtn-points").click()
    page.locator("#sp-id").fill(point_id)
    page.locator("#sp-name-el").fill(name_el)
    page.locator("#sp-name-en").fill(name_en)
    page.locator("#sp-address-el").fill(address)
    page.locator("#sp-address-en").fill(address)
    page.locator("#sp-lat").fill(str(lat))
    page.locator("#sp-lng").fill(str(lng))
    page.locator("#sp-phone").fill("2109999000")
    page.locator("#sp-hours-el").fill(f"Δευτέρα–Παρασκευή {hours}")
    page.locator("#sp-hours-en").fill(f"Monday–Friday {hours}")
    for day in range(1, 6):
        page.locator(f"#sp-week-{day}").fill(hours)
    page.locator("[data-testid=point-save]").click()
    saved(page, name_el)
    _expect()(page.locator(f"[data-testid=point-edit-{point_id}]")).to_be_visible()


def create_service(
    page,
    service_id: str,
    point_id: str,
    name_el: str,
    name_en: str,
    *,
    documents: list[tuple[str, str]],
    hours: str,
    periods: list[Period],
) -> None:
    """On the services tab: a new service at ``point_id``, open ``hours`` every day, with its
    ``documents`` (Greek, English) and named ``periods`` (summer hours, closures)."""
    page.locator("#tabbtn-services").click()
    page.locator("#sv-id").fill(service_id)
    page.locator("#sv-point").select_option(point_id)
    page.locator("#sv-name-el").fill(name_el)
    page.locator("#sv-name-en").fill(name_en)
    page.locator("#sv-desc-el").fill(f"{name_el}: περιγραφή")
    for n, (document_el, document_en) in enumerate(documents):
        page.locator("[data-testid=doc-add]").click()
        page.locator(f"#sv-doc-{n}-name-el").fill(document_el)
        page.locator(f"#sv-doc-{n}-name-en").fill(document_en)
    for day in range(1, 8):
        page.locator(f"#sv-week-{day}").fill(hours)
    for n, period in enumerate(periods):
        page.locator("[data-testid=period-add]").click()
        page.locator(f"#sv-period-{n}-name-el").fill(period.name_el)
        page.locator(f"#sv-period-{n}-name-en").fill(period.name_en)
        page.locator(f"#sv-period-{n}-from").fill(period.start.isoformat())
        page.locator(f"#sv-period-{n}-to").fill(period.end.isoformat())
        if period.hours is None:
            page.locator(f"#sv-period-{n}-closed").check()
        else:
            for day in range(1, 6):
                page.locator(f"#sv-period-{n}-week-{day}").fill(period.hours)
    page.locator("[data-testid=service-save]").click()
    saved(page, name_el)
    _expect()(page.locator(f"[data-testid=service-edit-{service_id}]")).to_be_visible()


def create_queue(page, point_id: str, prefix: str, name_el: str, service_ids: list[str]) -> None:
    """On the queues tab: a new queue at ``point_id`` for ``service_ids`` (walk-ins and check-ins)."""
    page.locator("#tabbtn-queues").click()
    page.locator("#q-point").select_option(point_id)
    page.locator("#q-prefix").fill(prefix)
    page.locator("#q-name-el").fill(name_el)
    for service_id in service_ids:
        page.locator(f"#q-services [data-service='{service_id}']").check()
    page.locator("[data-testid=queue-save]").click()
    saved(page, name_el)
    _expect()(page.locator(f"[data-testid=queue-edit-{point_id}-{prefix}]")).to_be_visible()


def create_request_type(
    page, code: str, name_el: str, name_en: str, *, department: str, group: tuple[str, str, str], public: bool
) -> None:
    """On the request types tab: a new type of ``department`` with one response template."""
    page.locator("#tabbtn-types").click()
    page.locator("#t-code").fill(code)
    page.locator("#t-department").select_option(department)
    page.locator("#t-name-el").fill(name_el)
    page.locator("#t-name-en").fill(name_en)
    key, group_el, group_en = group
    page.locator("#t-group").fill(key)
    page.locator("#t-group-el").fill(group_el)
    page.locator("#t-group-en").fill(group_en)
    page.locator("#t-public").set_checked(public)
    page.locator("[data-testid=template-add]").click()
    page.locator("#t-tpl-0-title").fill("Παραλήφθηκε")
    page.locator("#t-tpl-0-text-el").fill("Το αίτημά σας παραλήφθηκε.")
    page.locator("[data-testid=type-save]").click()
    saved(page, name_el)
    _expect()(page.locator(f"[data-testid=type-edit-{code}]")).to_be_visible()


def citizen_page(browser, stack, taxid: str = CITIZEN):
    """A page signed in as a citizen (through the stand-in Taxisnet's session)."""
    return signed_in_page(browser, stack, "dimotis_session", stack.citizen_token(taxid))


def open_service(page, base: str, service_id: str, document: str) -> None:
    """A citizen opens ``service_id`` on the appointments page: its documents and point on the map."""
    expect = _expect()
    page.goto(f"{base}/appointments.html")
    page.locator(f"[data-testid=service-{service_id}]").click()
    expect(page.locator("[data-testid=documents]")).to_contain_text(document)
    expect(page.locator("#map.leaflet-container")).to_be_visible()


def footer_names_the_municipality(page, settings: dict) -> None:
    """The citizens' footer names the municipality and its contacts as its settings say."""
    contacts = page.locator("footer [data-testid=municipality-contacts]")
    for text in (settings["name_el"], settings["phone"], settings["email"]):
        _expect()(contacts).to_contain_text(text)


def closed_day_says(page, day: date, reason: str) -> None:
    """On an open service's booking page: ``day`` cannot be picked and says why."""
    button = page.locator(f"[data-testid=day-{day.isoformat()}]")
    _expect()(button).to_be_disabled()
    _expect()(button).to_contain_text(reason)


def book_first_free_time(page) -> str:
    """On an open service's booking page: book its first free time; the reference (returned)."""
    expect = _expect()
    page.locator("button.ap-day:not([disabled])").first.click()
    page.locator("button.ap-slot:not([disabled])").first.click()
    page.locator("[data-testid=confirm]").click()
    reference = page.locator("[data-testid=reference]")
    expect(reference).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    return reference.inner_text()


def file_request(page, base: str, type_code: str, text: str) -> str:
    """A citizen files a request of ``type_code`` on the requests page; its protocol number."""
    expect = _expect()
    page.goto(f"{base}/requests.html")
    expect(page.locator("#new-section")).to_be_visible()
    page.locator("#type").select_option(type_code)
    page.locator("#description").fill(text)
    page.locator("#submit").click()
    protocol = page.locator("[data-testid=protocol]")
    expect(protocol).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
    return protocol.inner_text()


def type_into(page, selector: str, text: str) -> None:
    """Tab forward to ``selector`` and replace its text by typing ``text``."""
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def save_with_enter(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def open311_service_codes(base: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/open311/v2/services.json", timeout=10) as resp:  # noqa: S310
        return [s["service_code"] for s in json.loads(resp.read())]


# -- the test ------------------------------------------------------------------------------------------
def test_admin_builds_the_catalogue_and_citizens_use_it(local_stack, browser):
    base = local_stack.url
    names = Names()
    summer_start, summer_end = next_summer()
    closure = an_ordinary_day(2)
    admin = staff_page(browser, local_stack, "admin")
    # GIVEN the demo admin on the catalogue page
    open_catalogue(admin, base, "points")
    assert_accessible(admin)
    # WHEN the admin creates a service point, a service there with documents and summer hours, a
    # queue for it and a public request type
    create_service_point(
        admin,
        names.point,
        f"ΚΕΠ Νέας Σμύρνης {names.run}",
        f"KEP Nea Smyrni {names.run}",
        address="Ελευθερίου Βενιζέλου 120, Νέα Σμύρνη",
        lat=37.94488,
        lng=23.71447,
        hours="08:00-20:00",
    )
    create_service(
        admin,
        names.service,
        names.point,
        f"Έκδοση διαβατηρίων {names.run}",
        f"Passports {names.run}",
        documents=[("Αστυνομική ταυτότητα", "Identity card"), ("Δύο φωτογραφίες", "Two photographs")],
        hours="08:00-20:00",
        periods=[
            Period("Θερινό ωράριο", "Summer hours", summer_start, summer_end, "08:00-13:00"),
            Period("Απολύμανση χώρων", "Disinfection", closure, closure),
        ],
    )
    assert_accessible(admin)
    create_queue(admin, names.point, "P", f"Διαβατήρια {names.run}", [names.service])
    create_request_type(
        admin,
        names.type_code,
        f"Εγκαταλελειμμένο όχημα {names.run}",
        f"Abandoned vehicle {names.run}",
        department="roads",
        group=("roads", "Οδοποιία", "Roads"),
        public=True,
    )
    assert_accessible(admin)
    # THEN the API holds the service as the page sent it: documents, summer range and closure
    status, service = local_stack.get(f"/api/services/{names.service}")
    assert status == 200, service
    assert [d["name_en"] for d in service["documents"]] == ["Identity card", "Two photographs"]
    assert [
        (p["name_en"], p["from"], p["to"], p.get("closed", False), p.get("hours", {}).get("1"))
        for p in service["periods"]
    ] == [
        ("Summer hours", summer_start.isoformat(), summer_end.isoformat(), False, [["08:00", "13:00"]]),
        ("Disinfection", closure.isoformat(), closure.isoformat(), True, None),
    ]
    assert service["point"]["lat"] == 37.94488
    status, kiosk = local_stack.get(f"/api/queue/points/{names.point}")
    assert status == 200 and [q["prefix"] for q in kiosk["queues"]] == ["P"], kiosk
    admin.context.close()

    # WHEN a citizen opens the new service
    citizen = citizen_page(browser, local_stack)
    open_service(citizen, base, names.service, "Δύο φωτογραφίες")
    # THEN the footer names the municipality as its settings say, and the closed day the closure
    status, settings = local_stack.get("/api/municipality")
    assert status == 200 and settings["configured"], settings
    footer_names_the_municipality(citizen, settings)
    closed_day_says(citizen, closure, "Απολύμανση χώρων")
    # WHEN the citizen books the new service, and files a request of the new type
    reference = book_first_free_time(citizen)
    protocol = file_request(citizen, base, names.type_code, "Ένα αυτοκίνητο είναι παρατημένο εδώ και μήνες.")
    # THEN both are the citizen's
    status, mine = local_stack.get(
        "/api/appointments", {"Authorization": f"Bearer {local_stack.citizen_token(CITIZEN)}"}
    )
    assert status == 200 and reference in [a["reference"] for a in mine["appointments"]]
    assert re.match(r"^\d{4}/\d{6}$", protocol)
    citizen.context.close()
    # AND Open311 lists the new type
    assert names.type_code in open311_service_codes(base)


def test_a_point_is_made_with_the_keyboard_alone(local_stack, browser):
    expect = _expect()
    names = Names()
    admin = staff_page(browser, local_stack, "admin")
    admin.context.add_init_script(
        "window.mouseEvents = 0; addEventListener('mousedown', () => window.mouseEvents++, true);"
    )
    # GIVEN the demo admin on the catalogue page's services tab
    open_catalogue(admin, local_stack.url, "services")
    # WHEN the admin reaches the points tab with Tab and opens it with Enter
    save_with_enter(admin, "#tabbtn-points")
    # THEN the points tab is shown and says it is the selected one
    expect(admin.locator("#tab-points")).to_be_visible()
    expect(admin.locator("#tabbtn-points")).to_have_attribute("aria-selected", "true")
    # WHEN the admin types an id, a Greek name and a latitude out of range, leaves the English name
    # out, and saves (the focus passing the map picker on the way)
    type_into(admin, "#sp-id", names.point)
    type_into(admin, "#sp-name-el", f"Πληκτρολόγιο {names.run}")
    type_into(admin, "#sp-lat", "95")
    type_into(admin, "#sp-lng", "23.7")
    save_with_enter(admin, "[data-testid=point-save]")
    # THEN the focus is on the English name, marked as missing
    expect(admin.locator("#sp-name-en")).to_be_focused()
    expect(admin.locator("#sp-name-en")).to_have_attribute("aria-invalid", "true")
    # WHEN the admin types it where the focus is and saves again
    admin.keyboard.type(f"Keyboard {names.run}")
    save_with_enter(admin, "[data-testid=point-save]")
    # THEN the API's refusal names the latitude: its message is beside it and the focus on it
    expect(admin.locator("#sp-lat")).to_be_focused()
    expect(admin.locator("#sp-lat-error")).not_to_be_empty()
    # WHEN the admin corrects it and saves
    admin.keyboard.press("ControlOrMeta+a")
    admin.keyboard.type("37.95")
    save_with_enter(admin, "[data-testid=point-save]")
    # THEN the point is saved and listed, and no mouse event ever reached the page
    saved(admin, f"Πληκτρολόγιο {names.run}")
    expect(admin.locator(f"[data-testid=point-edit-{names.point}]")).to_be_visible()
    assert admin.evaluate("window.mouseEvents") == 0
    admin.context.close()
