"""What each function's code reaches (``infra/dimotis_infra/reach.py``), read from the source: the
roles are made from it, so it must follow the lazy package exports, the stream router's consumers
and imports inside functions, and tell a function that only enqueues from one that sends."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

if str(ROOT / "infra") not in sys.path:
    sys.path.insert(0, str(ROOT / "infra"))

from dimotis_infra.code import function_specs  # noqa: E402 - infra/ is not a package of the root
from dimotis_infra.reach import function_reach  # noqa: E402

pytestmark = pytest.mark.xdist_group("infra")
CRYPTO = "chalicelib.services.platform.crypto"
NOTIFICATIONS = "chalicelib.services.platform.notifications"
SENDER = "chalicelib.services.platform.outbox_sender"


def reach(name):
    return function_reach(next(s for s in function_specs() if s.name == name))


def test_the_stream_router_reaches_its_consumers_and_queues_the_outbox_but_never_sends():
    # table_stream's handler names only the router; the consumers are strings in CONSUMERS
    found = reach("table_stream")
    assert f"{NOTIFICATIONS}:on_outbox_record" in found.operations
    assert f"{SENDER}:queue_message" in found.operations and f"{SENDER}:deliver" not in found.operations
    assert "sqs" in found.services and not {"ses", "sns"} & found.services  # the outbox, fan-out queues
    assert f"{CRYPTO}:open_sealed" not in found.operations
    assert {"outbox", "stats", "stream_marks", "appointments"} <= found.tables


def test_the_outbox_sender_sends_and_opens_sealed_visitor_recipients():
    # its handler (outbox_events.outbox_send) delivers the rows whose ids come off the outbox queue
    found = reach("outbox_sender")
    assert f"{SENDER}:deliver" in found.operations and f"{CRYPTO}:open_sealed" in found.operations
    assert {"ses", "sns", "kms", "sqs"} <= found.services  # e-mail, SMS, recipients, retries
    assert {"outbox", "suppressed_addresses", "sms_budget"} <= found.tables
    assert not {"appointments", "citizens", "visitors"} & found.tables


def test_ses_feedback_only_records_suppressions():
    found = reach("ses_feedback")
    assert found.tables == {"suppressed_addresses"}
    assert not {"ses", "sns", "sqs", "kms"} & found.services


def test_the_api_enqueues_but_never_sends_and_seals_but_never_opens():
    found = reach("api_handler")
    assert f"{NOTIFICATIONS}:enqueue" in found.operations
    assert f"{SENDER}:deliver" not in found.operations and not {"ses", "sns"} & found.services
    assert f"{CRYPTO}:seal" in found.operations and f"{CRYPTO}:open_sealed" not in found.operations
    # AND the health page's list of every model reaches every table
    from dimotis_infra.code import table_specs

    assert found.tables == {s.key for s in table_specs()}


def test_the_exposure_sender_opens_contacts_through_the_lazy_visits_package():
    # its handler calls visits.handle_sqs_batch: the package's export table leads to sender.py
    found = reach("exposure_sender")
    assert f"{CRYPTO}:open_sealed" in found.operations and "kms" in found.services
    assert {"visitors", "exposure_incidents", "exposure_recipients", "outbox"} <= found.tables


def test_a_schedule_of_the_same_module_reaches_only_its_own_work():
    # visits_close_open is in the same handler module as exposure_sender
    found = reach("visits_close_open")
    assert f"{CRYPTO}:open_sealed" not in found.operations and not found.services
    assert "visits" in found.tables and not {"outbox", "citizens"} & found.tables
