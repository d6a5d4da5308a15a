"""Every SMS kind fits one GSM-7 part (160 characters) with the longest data the system allows:
names, reasons, notes and messages at their schemas' maxLength, the longest codes, and a site
address of 41 characters; links and codes are never shortened.

The kinds and where their text is made: ``appointments/notices.py`` (booked, rescheduled,
cancelled, reminder), ``requests/notices.py`` (registered, status change), ``live_queue/events.py``
(soon, called), ``visits/passes.py`` (the pass), ``visits/sender.py`` (exposure),
``backoffice/alerts.py`` (broadcast), ``platform/contacts.py`` (a contact's confirmation code). A module that writes messages and is not in ``KINDS`` fails
``test_every_module_that_sends_messages_has_its_sms_checked_here``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.services.appointments import notices as appointment_notices
from chalicelib.services.backoffice import alerts
from chalicelib.services.live_queue import events
from chalicelib.services.platform import contacts, gsm7
from chalicelib.services.requests import notices as request_notices
from chalicelib.services.visits import passes, sender
from chalicelib.settings import reset_settings
from tests.conftest import ROOT

BASE = "https://dimotis.neos-kosmos-athina.gov.gr"  # 41 characters
# the longest of each field the system allows (schemas' maxLength; model formats)
SERVICE_NAME = 200
TYPE_NAME = 120  # schemas/requests.py name_el
REASON = 500  # schemas/appointments.py staff cancel reason
NOTE = 2000  # schemas/requests.py note
BUILDING_NAME = 200  # schemas/visits.py
INCIDENT_MESSAGE = 600  # schemas/visits.py message_el
ALERT_TITLE, ALERT_TEXT = 120, 600  # schemas/alerts.py
COUNTER_LABEL = "ABCD1234"  # schemas/live_queue.py: 1-8 letters or digits
TICKET_CODE = "ABC1234"
CHECK_IN_TICKET_ID = "ap" + "f" * 22  # the longest ticket id (check-in), 24 characters
GREEK = "Πιστοποιητικό οικογενειακής κατάστασης με ΐ ώ ή ύ έ ά ό ί "


def long(n: int) -> str:
    return (GREEK * (n // len(GREEK) + 1))[:n]


@pytest.fixture(autouse=True)
def long_site_address(monkeypatch):
    monkeypatch.setenv("DIMOTIS_PUBLIC_BASE_URL", BASE)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(autouse=True)
def long_point_address(monkeypatch):
    """The service point's address as long as its schema allows (the e-mail shows it; the SMS not)."""
    monkeypatch.setattr(appointment_notices, "address", lambda service, lang: long(400))


def _appointment_texts() -> dict[str, str]:
    service = SimpleNamespace(
        name_el=long(SERVICE_NAME), name_en=long(SERVICE_NAME), documents=[{"name_el": long(200)}],
    )
    appointment = SimpleNamespace(
        reference="ABCDEFGH", slot_start=datetime(2026, 11, 25, 7, tzinfo=UTC),
        status="cancelled_by_staff", cancel_reason=long(REASON),
    )
    out = {}
    for kind in appointment_notices.HEADS["el"]:
        texts = appointment_notices.texts(kind, appointment, service)
        out |= {f"{kind} {lang}": texts["sms"][lang] for lang in ("el", "en")}
    return out


def _request_texts() -> dict[str, str]:
    req = SimpleNamespace(protocol="2026/123456789", request_id="2026-123456789", status="in_progress")
    names = {"el": long(TYPE_NAME), "en": long(TYPE_NAME)}
    out = {}
    for action in ("submitted", "status_changed"):
        image = {"action": {"S": action}, "status": {"S": "in_progress"}, "note": {"S": long(NOTE)},
                 "note_public": {"BOOL": True}}
        texts = request_notices._texts(req, names, image)
        out |= {f"request {action} {lang}": texts["sms"][lang] for lang in ("el", "en")}
    return out


def _queue_texts() -> dict[str, str]:
    url = f"{BASE}/ticket/{CHECK_IN_TICKET_ID}"
    out = {}
    for lang in ("el", "en"):
        out[f"queue.soon {lang}"] = events._text(events.SOON, lang, code=TICKET_CODE, position=99,
                                                 minutes=9999, url=url)
        out[f"queue.called {lang}"] = events._text(events.CALLED_TO_COUNTER, lang, code=TICKET_CODE,
                                                   counter=COUNTER_LABEL)
    return out


def _visit_texts() -> dict[str, str]:
    pass_id = passes.new_pass_id()
    values = {"code": passes.display_code(pass_id), "url": f"{BASE}/pass/{pass_id}"}
    out = {f"visits.pass {lang}": gsm7.fit(passes.PASS_SMS[lang], values) for lang in ("el", "en")}
    exposure = {"building": long(BUILDING_NAME), "start": "25/11/2026 09:00", "end": "26/11/2026 21:00",
                "message": long(INCIDENT_MESSAGE)}
    for lang in ("el", "en"):
        out[f"visits.exposure {lang}"] = gsm7.fit(sender.SMS[lang], exposure, shrink=("message", "building"))
    return out


def _alert_texts() -> dict[str, str]:
    values = {"title": long(ALERT_TITLE), "text": long(ALERT_TEXT), "link": f"{BASE}/"}
    return {"alert.broadcast": gsm7.fit(alerts.SMS, values, shrink=alerts.SHRINK)}


def _contact_texts() -> dict[str, str]:
    return {f"contact.verify {lang}": contacts.sms_text(lang, "9" * contacts.CODE_DIGITS) for lang in ("el", "en")}


KINDS = {
    "platform/contacts.py": _contact_texts,
    "appointments/notices.py": _appointment_texts,
    "requests/notices.py": _request_texts,
    "live_queue/events.py": _queue_texts,
    "visits/passes.py": _visit_texts,
    "visits/sender.py": _visit_texts,
    "backoffice/alerts.py": _alert_texts,
}


@pytest.mark.parametrize("module", sorted(KINDS))
def test_each_sms_kind_fits_one_gsm_7_part_with_the_longest_data(module):
    # GIVEN the SMS texts a module makes from the longest data allowed
    texts = KINDS[module]()
    assert texts
    for kind, text in texts.items():
        # THEN each is GSM 03.38, one part of at most 160 septets
        assert gsm7.is_gsm(text), (kind, text)
        assert gsm7.septets(text) <= gsm7.SINGLE and gsm7.parts(text) == 1, (kind, len(text), text)
        # AND every link in it is whole
        for link in re.findall(r"https?://\S+", text):
            assert link.startswith(BASE) and re.fullmatch(rf"{re.escape(BASE)}/[\w/#.\-]*", link), (kind, link)


def test_the_links_and_codes_of_each_kind_survive_whole():
    # GIVEN the texts with links and codes
    queue = _queue_texts()
    # THEN the ticket link and code, the request link and protocol are there as they are
    assert f"{BASE}/ticket/{CHECK_IN_TICKET_ID}" in queue["queue.soon el"] and TICKET_CODE in queue["queue.soon el"]
    assert COUNTER_LABEL in queue["queue.called en"]
    request = _request_texts()["request status_changed el"]
    assert request.endswith(f" {BASE}/requests.html#2026-123456789") and "2026/123456789" in request
    assert "ABCDEFGH" in _appointment_texts()["appointment.cancelled el"]
    assert "999999" in _contact_texts()["contact.verify el"]


EMAIL_ONLY = {"platform/sms_budget.py"}  # modules that send only e-mail


def test_every_module_that_sends_messages_has_its_sms_checked_here():
    # GIVEN the modules that write messages (every call of the outbox)
    services = ROOT / "chalicelib" / "services"
    senders = {
        str(path.relative_to(services))
        for path in services.rglob("*.py")
        if re.search(r"\b(enqueue|put_message|notify_citizen)\(", path.read_text())
    } - {"platform/notifications.py"}  # the outbox itself
    # THEN each of them has its SMS texts checked here (or sends only e-mail)
    assert senders - EMAIL_ONLY <= set(KINDS), (senders - EMAIL_ONLY) - set(KINDS)
