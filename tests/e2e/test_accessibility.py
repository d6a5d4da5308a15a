"""Every page of both sites through axe-core (WCAG 2.1 A/AA): no serious or critical violation.

- The pages are found on disk (``static_site/site/**/*.html``, ``static_site/admin/**/*.html``),
  so a new page is checked without touching this file. Each is opened at the address it is
  served at (``devstack/gateway.py`` ``PAGE_ROUTES`` for ``/board/{id}`` and the like) with the
  state listed for it in ``PAGE_STATES`` (a path argument, a query, a hash, filled from demo data
  made here). A page missing from that table is opened bare; if it then shows an error, it needs
  state: the test fails and says so.
- Each address is checked once its data is on screen (network idle, the page's main content
  visible, no "loading" left): signed out, then signed in (a citizen on the citizens' site, the
  ``admin`` staff user on the staff site), then in English (every page, its first state) after
  pressing the language switch.
  Signed out, every staff page but those of PUBLIC_STAFF_PAGES (sign-in, forgotten password) must
  send the visitor to the sign-in page.
- The main forms are submitted empty: their errors must be shown, focused, and pass axe too.

One browser context per group (one tab in it, reused); other origins are blocked (map tiles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from devstack.gateway import PAGE_ROUTES
from tests.conftest import bearer
from tests.e2e.axe import AXE, assert_accessible

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "static_site"
SITES = {"site": "/", "admin": "/admin/"}  # folder of static_site/ -> where it is served
ROUTED = {page: route for route, page in PAGE_ROUTES.items()}  # "site/board.html" -> "board"
CITIZEN = "700000001"  # taxpayers of this test only: it gives them data and a language
ENGLISH_CITIZEN = "700000002"
STAFF = "admin"
ERROR = ".govgr-error-summary, #error:not([hidden])"
LOADING = "[data-i18n$='.loading']"
FIELD_ERROR = ".govgr-error-message, .govgr-error-summary"
OFF_SITE = re.compile(r"^https?://(?!localhost[:/])")


@dataclass(frozen=True)
class State:
    """How a page is opened: ``arg`` is appended to its address (the path argument of a routed
    page, a query or a hash; ``{name}`` is filled from the demo data), ``ready`` selects its main
    content once its data is in (a comma list when signed-in and signed-out pages differ)."""

    arg: str = ""
    ready: str = "main h1"


PAGE_STATES: dict[str, tuple[State, ...]] = {
    "site/index.html": (State("", "#signin-cta:not([hidden]), #welcome:not([hidden])"),),
    "site/appointments.html": (
        State("", "[data-testid^=service-]"),
        State("#service/{service}", "button.ap-day:not([disabled])"),
        State("#mine", "[data-testid=mine], #view a[href*='taxisnet/login']"),
    ),
    "site/requests.html": (
        State("", "#signin:not([hidden]), #mine [data-request]"),
        State("#{request_id}", "#signin:not([hidden]), #mine [data-testid=timeline]"),
    ),
    "site/queue.html": (State("", "#point-form:not([hidden])"), State("?point={point}", "#queues button")),
    "site/board.html": (State("{point}", "#next .b-next"),),
    "site/ticket.html": (State("{ticket_id}", "#ticket:not([hidden])"),),
    "site/visits.html": (State("", "#consent-label:not(:empty)"),),
    "site/pass.html": (State("{pass_id}", "#pass:not([hidden])"),),
    "site/kiosk.html": (State("{building}?entrance={entrance}", "#kiosk:not([hidden])"),),
    "site/profile.html": (State("", "#profile:not([hidden]), #signed-out:not([hidden])"),),
    "site/mydata.html": (State("", "#data:not([hidden]) #requests, #signed-out:not([hidden])"),),
    "admin/index.html": (State("", "#dashboard:not([hidden])"),),
    "admin/login.html": (State("", "#login-form"),),
    "admin/forgot.html": (State("", "#forgot-form"),),
    # a dev-token session has no access-token cookie: the page asks to sign in again (its forms are
    # checked after a real sign-in in test_signin.py)
    "admin/account.html": (State("", "#account:not([hidden]), #reauth:not([hidden])"),),
    "admin/invite.html": (State("", "#invite-form:not([hidden])"),),
    "admin/appointments.html": (State("?date={day}", "[data-testid=row-{reference}]"),),
    "admin/requests.html": (
        State("", "#content:not([hidden])"),
        State("#{request_id}", "#detail-section:not([hidden])"),
    ),
    "admin/queue.html": (State("", "#content:not([hidden])"),),
    "admin/visits.html": (State("", "#register-section:not([hidden])"),),
    "admin/backoffice.html": tuple(
        State(f"#{tab}", f"#tab-{tab}:not([hidden])")
        for tab in ("stats", "audit", "staff", "org", "alerts", "messages")
    ),
    "admin/catalogue.html": tuple(
        State(f"#{tab}", f"#tab-{tab}:not([hidden]) form [type=submit]")
        for tab in ("points", "services", "queues", "types", "municipality")
    ),
}

# Staff pages a signed-out visitor may open: signing in, a forgotten password
PUBLIC_STAFF_PAGES = ("admin/login.html", "admin/forgot.html")

# The main forms, submitted empty: (group, page, its state's arg, the form)
FORMS = [
    ("signed-out", "site/visits.html", "", "#register"),
    ("signed-out", "site/queue.html", "?point={point}", "#check-in-form"),
    ("signed-out", "site/requests.html", "", "#follow-form"),
    ("signed-out", "admin/login.html", "", "#login-form"),
    ("signed-out", "admin/forgot.html", "", "#forgot-form"),
    ("staff", "admin/invite.html", "", "#invite-form"),
    ("citizen", "site/requests.html", "", "#request-form"),
    ("citizen", "site/mydata.html", "", "#close-form"),
    ("staff", "admin/visits.html", "", "#incident-form"),
    ("staff", "admin/visits.html", "", "#register-form"),
    ("staff", "admin/queue.html", "", "#check-in-form"),
    ("staff", "admin/backoffice.html", "#staff", "#absence-form"),
    ("staff", "admin/backoffice.html", "#alerts", "#alert-form"),
    ("staff", "admin/catalogue.html", "#points", "#point-form"),
    ("staff", "admin/catalogue.html", "#services", "#service-form"),
]


def html_pages() -> list[str]:
    """Every page of both sites, as ``site/x.html`` / ``admin/x.html``."""
    return sorted(p.relative_to(STATIC).as_posix() for site in SITES for p in (STATIC / site).rglob("*.html"))


def address(page: str, arg: str = "") -> str:
    """Where ``page`` is served, with ``arg`` appended."""
    if page in ROUTED:
        return f"/{ROUTED[page]}/{arg}"
    site, _, rest = page.partition("/")
    return SITES[site] + rest.removesuffix("index.html") + arg


def states(page: str) -> tuple[State, ...]:
    return PAGE_STATES.get(page, (State(),))


def visits() -> list:
    """(group, page, state) to check: every state signed out and signed in; every page in
    English (its first state); signed out, a staff page once (it sends to the sign-in page)."""
    params = []
    for page in html_pages():
        site = page.partition("/")[0]
        for n, state in enumerate(states(page)):
            groups = ["signed-out"] if site == "site" or n == 0 else []
            groups += ["citizen" if site == "site" else "staff"] + (["english"] if n == 0 else [])
            params += [pytest.param(g, page, state, id=f"{g}:{address(page, state.arg)}") for g in groups]
    return params


# -- demo data and browser contexts ------------------------------------------------------------------
def book_and_report(stack, token: str, service: str) -> dict[str, str]:
    """An appointment (the first free time of ``service``) and a pothole report of the citizen."""
    booked = stack.book_first_free(service, token, subject="Πιστοποιητικό")
    status, report = stack.request(
        "POST",
        "/api/requests",
        {
            "type_code": "pothole",
            "description": "Λακκούβα στη στάση.",
            "attributes": {"SIZE": "large"},
            "lat": 37.9355,
            "lon": 23.7035,
            "address": "Τερψιχόρης 51",
        },
        bearer(token),
    )
    assert status in (200, 201), report
    return {
        "day": booked["start"][:10],
        "reference": booked["reference"],
        "request_id": report["request"]["request_id"],
    }


@pytest.fixture(scope="module")
def demo(local_stack) -> dict[str, dict[str, str]]:
    """What the stateful pages are opened with, per group: the demo ids of a service, a service
    point and a building, a visitor pass and a walk-in ticket; the tokens; an appointment and a
    request of the group's citizen (CITIZEN's for the signed-out and staff groups)."""
    tokens = {
        "citizen": local_stack.citizen_token(CITIZEN),
        "english": local_stack.citizen_token(ENGLISH_CITIZEN),
        "staff": local_stack.staff_token(STAFF),
    }
    status, visitor = local_stack.request(
        "POST",
        "/api/visits/registrations",
        {"name": "Επισκέπτης", "email": "a11y@example.gr", "consent": True},
    )
    assert status == 201, visitor
    status, ticket = local_stack.request(
        "POST", "/api/queue/points/dimotologio/tickets", {"queue_id": "dimotologio-A"}
    )
    assert status in (200, 201), ticket
    common = {
        "service": "kep-certificates",
        "point": "dimotologio",
        "building": "dimarxeio",
        "entrance": "kentriki",
        "pass_id": visitor["pass_id"],
        "ticket_id": ticket["ticket_id"],
    }
    citizen = book_and_report(local_stack, tokens["citizen"], common["service"])
    english = book_and_report(local_stack, tokens["english"], common["service"])
    return {
        "tokens": tokens,
        "signed-out": {**common, **citizen},
        "citizen": {**common, **citizen},
        "staff": {**common, **citizen},
        "english": {**common, **english},
    }


@pytest.fixture(scope="module")
def tab(browser, local_stack, demo):
    """``tab(group)``: the one page of the group's browser context, opened on first use. The
    English group starts by pressing the language switch; the choice is kept for its later pages."""
    opened = {}
    tokens = demo["tokens"]
    cookies = {
        "signed-out": {},
        "citizen": {"dimotis_session": tokens["citizen"]},
        "staff": {"dimotis_staff": tokens["staff"]},
        "english": {"dimotis_session": tokens["english"], "dimotis_staff": tokens["staff"]},
    }

    def get(group: str):
        if group not in opened:
            context = browser.new_context(locale="el-GR")
            context.route(OFF_SITE, lambda route: route.abort())
            context.add_init_script(path=str(AXE))  # in every page already: faster than adding it each time
            context.add_cookies(
                [{"name": k, "value": v, "url": local_stack.url} for k, v in cookies[group].items()]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            opened[group] = page
            if group == "english":
                page.goto(local_stack.url + "/")
                page.locator("[data-testid=lang-switch]").press("Enter")
                page.wait_for_function("document.documentElement.lang === 'en'")
        return opened[group]

    yield get
    for page in opened.values():
        page.context.close()


def open_page(page, url: str, ready: str) -> None:
    """Open ``url`` afresh and wait until its data is on screen."""
    if page.url.split("#")[0] == url.split("#")[0]:
        page.goto("about:blank")  # a new document, not a hash change in the same one
    page.goto(url)
    page.locator(f"{ready} >> visible=true").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.locator(f"{LOADING} >> visible=true").first.wait_for(state="detached")


# -- tests ----------------------------------------------------------------------------------------------
def test_the_state_table_is_honest():
    pages = html_pages()
    assert {"site/index.html", "admin/index.html"} <= set(pages)
    # every page of the table exists, and every page served with a path argument is given one
    assert set(PAGE_STATES) <= set(pages), set(PAGE_STATES) - set(pages)
    for page in ROUTED:
        assert page in PAGE_STATES and all(s.arg for s in PAGE_STATES[page]), (
            f"{page} needs its path argument"
        )


@pytest.mark.parametrize(("group", "page_file", "state"), visits())
def test_page_has_no_serious_violation(tab, local_stack, demo, group, page_file, state):
    page = tab(group)
    url = local_stack.url + address(page_file, state.arg.format(**demo[group]))
    ready = state.ready.format(**demo[group])
    if group == "signed-out" and page_file.startswith("admin/") and page_file not in PUBLIC_STAFF_PAGES:
        # THEN a signed-out visitor of a staff page is sent to the sign-in page (checked on its own)
        page.goto(url)
        page.wait_for_url(re.compile(r"/admin/login\.html"))
        return
    # WHEN the page is opened with its state and its data is on screen
    open_page(page, url, ready)
    # THEN it shows no error (a page listed without the state it needs would)
    shown = page.locator(f"{ERROR} >> visible=true")
    assert shown.count() == 0, (
        f"{url} shows an error: {shown.first.inner_text()!r}. "
        f"If {page_file} needs a path argument, query or hash, add it to PAGE_STATES."
    )
    if group == "english":
        assert page.evaluate("document.documentElement.lang") == "en"
    # AND axe finds no serious or critical violation
    assert_accessible(page)


@pytest.mark.parametrize(
    ("group", "page_file", "arg", "form"), FORMS, ids=[f"{g}:{p}{a}{f}" for g, p, a, f in FORMS]
)
def test_form_errors_are_shown_focused_and_accessible(tab, local_stack, demo, group, page_file, arg, form):
    page = tab(group)
    state = next(s for s in states(page_file) if s.arg == arg)
    filled = demo[group]
    open_page(page, local_stack.url + address(page_file, arg.format(**filled)), state.ready.format(**filled))
    # WHEN the form is sent empty (from the keyboard, on its submit button)
    page.locator(f"{form} [type=submit]").first.press("Enter")
    # THEN its errors are shown, the focus is on a field in error or on the error summary
    page.locator(f"{FIELD_ERROR} >> visible=true").first.wait_for()
    focused = page.evaluate(
        "() => { const a = document.activeElement;"
        " return Boolean(a && (a.getAttribute('aria-invalid') === 'true' || a.closest('.govgr-error-summary'))); }"
    )
    assert focused, f"{page_file} {form}: the focus is not on the error"
    # AND axe finds no serious or critical violation
    assert_accessible(page)
