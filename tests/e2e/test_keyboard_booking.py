"""Booking an appointment with the keyboard only (the mouse version is in test_appointments.py):
a signed-in citizen goes from the services list to a service, picks a day and a time in the
live-availability picker, types a subject and confirms, pressing only Tab, the arrow keys, Home,
End, Enter, Space and typing. The days and the times are each one stop for Tab, the arrow keys
moving inside a group over the free buttons. At every stop the focus must be visible: the focused
element's outline or box-shadow differs from that of an unfocused twin. No mouse event may reach
the page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.e2e
TAXID = "700000003"  # a taxpayer of this test only
SERVICE = "registry-roll"
SUBJECT = "Εγγραφή στο δημοτολόγιο"
MAX_TABS = 150

# The focused element's outline (unless none, zero or transparent) and box-shadow, beside those of a
# shallow copy of it (same classes, same place, not focused): a visible focus indicator makes them differ.
FOCUS_LOOK = r"""() => {
    const el = document.activeElement;
    const look = (node) => {
        const s = getComputedStyle(node);
        const seen = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
            && !/^transparent$|^rgba\(.*, 0\)$/.test(s.outlineColor);
        return `${seen ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "no outline"} | ${s.boxShadow}`;
    };
    const twin = el.cloneNode(false);
    twin.setAttribute("aria-hidden", "true");
    twin.tabIndex = -1;
    el.after(twin);
    const plain = look(twin);
    twin.remove();
    return {tag: el.tagName, text: (el.textContent || "").trim().slice(0, 40), focused: look(el), plain};
}"""


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on an element matching ``selector``; at every stop on the way
    the focus must be visible."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} not reached with {MAX_TABS} presses of Tab")


def assert_focus_visible(page) -> None:
    look = page.evaluate(FOCUS_LOOK)
    if look["tag"] == "BODY":  # between the last element and the browser's own controls
        return
    assert look["focused"] != look["plain"], f"focus not visible on {look}"


def press_and_check(page, key: str, expected) -> None:
    """Press ``key``; the focus must then be on ``expected`` (a locator), and visible."""
    page.keyboard.press(key)
    assert_focus_visible(page)
    want = expected.get_attribute("data-testid")
    assert focused_is(page, f"[data-testid='{want}']"), (
        key,
        want,
        page.evaluate("document.activeElement.dataset.testid"),
    )


def focused_is(page, selector: str) -> bool:
    return page.evaluate("(sel) => document.activeElement.matches(sel)", selector)


def test_citizen_books_an_appointment_with_the_keyboard_only(local_stack, browser):
    from playwright.sync_api import expect

    # GIVEN a signed-in citizen on the appointments page, a page that counts mouse events
    token = local_stack.citizen_token(TAXID)
    context = browser.new_context(locale="el-GR")
    context.route(re.compile(r"^https?://(?!localhost[:/])"), lambda route: route.abort())  # map tiles
    context.add_cookies([{"name": "dimotis_session", "value": token, "url": local_stack.url}])
    context.add_init_script(
        "window.mouseEvents = 0; addEventListener('mousedown', () => window.mouseEvents++, true);"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{local_stack.url}/appointments.html")
    expect(page.locator(f"[data-testid=service-{SERVICE}]")).to_be_visible()

    # WHEN she tabs to the service and opens it with Enter
    tab_to(page, f"[data-testid=service-{SERVICE}]")
    page.keyboard.press("Enter")
    expect(page.locator("button.ap-day:not([disabled])").first).to_be_visible()

    # AND tabs into the days: the focus lands on the first day with free places
    free_days = page.locator("button.ap-day:not([disabled])")
    tab_to(page, "button.ap-day")
    assert focused_is(page, f"[data-testid='{free_days.first.get_attribute('data-testid')}']")
    # AND the arrow keys move over the free days only, End and Home to the last and the first
    press_and_check(page, "End", free_days.last)
    press_and_check(page, "Home", free_days.first)
    press_and_check(page, "ArrowLeft", free_days.first)  # stays at the first
    press_and_check(page, "ArrowRight", free_days.nth(1))
    press_and_check(page, "ArrowLeft", free_days.first)
    # AND she chooses the second free day with Enter
    press_and_check(page, "ArrowRight", free_days.nth(1))
    day = page.evaluate("document.activeElement.dataset.testid")
    page.keyboard.press("Enter")
    expect(page.locator(f"[data-testid='{day}']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button.ap-slot:not([disabled])").first).to_be_visible()
    # THEN the focus stayed on the day she chose (the picker was drawn again around it)
    assert focused_is(page, f"[data-testid='{day}']")

    # WHEN she presses Tab once: the days were one stop, she is on the first free time
    free_times = page.locator("button.ap-slot:not([disabled])")
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    assert focused_is(page, f"[data-testid='{free_times.first.get_attribute('data-testid')}']")
    # AND she moves to the second free time with the down arrow and chooses it with Space
    press_and_check(page, "ArrowDown", free_times.nth(1))
    slot = page.evaluate("document.activeElement.dataset.testid")
    page.keyboard.press("Space")
    expect(page.locator(f"[data-testid='{slot}']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#confirm-form")).to_be_visible()
    assert focused_is(page, f"[data-testid='{slot}']")

    # AND tabs to the subject, types it, tabs to "confirm" and presses Enter
    tab_to(page, "#subject")
    page.keyboard.type(SUBJECT)
    tab_to(page, "[data-testid=confirm]")
    page.keyboard.press("Enter")

    # THEN the confirmation shows the reference, and the focus is on the page's content
    reference = page.locator("[data-testid=reference]")
    expect(reference).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    assert focused_is(page, "#main")
    # AND the booking exists, at the time she chose, with her subject
    status, mine = local_stack.request("GET", "/api/appointments", headers=bearer(token))
    assert status == 200, mine
    booked = [a for a in mine["appointments"] if a["reference"] == reference.inner_text()]
    assert len(booked) == 1, mine
    assert booked[0]["service_id"] == SERVICE and booked[0]["status"] == "booked"
    assert booked[0]["subject"] == SUBJECT
    assert slot == f"slot-{booked[0]['start']}", (booked[0], slot)
    # AND no mouse event ever reached the page
    assert page.evaluate("window.mouseEvents") == 0
    context.close()
