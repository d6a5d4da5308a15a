"""API fuzzing: Schemathesis against ``/api/openapi.json`` on a local stack of its own.

Every operation of the document gets generated requests (valid and invalid); every response must
not be a server error and must conform to the document (status codes, content type, body schema).
Requests carry a citizen session and an admin staff session as cookies, and this site's
``Origin`` as a browser's would, so the authorised paths are exercised too.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import start_stack, stop_stack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory):
    stack = start_stack(tmp_path_factory.mktemp("fuzz") / "stack.log")
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="module")
def api_schema(fuzz_stack):
    return schemathesis.openapi.from_url(f"{fuzz_stack.url}/api/openapi.json")


@pytest.fixture(scope="module")
def session_cookies(fuzz_stack):
    citizen = fuzz_stack.citizen_token("123456789")
    staff = fuzz_stack.staff_token("admin")
    return {"dimotis_session": citizen, "dimotis_staff": staff}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_document(case, fuzz_stack, session_cookies):
    if case.path in ("/api/auth/logout", "/api/staff/logout", "/api/me/close"):
        pytest.skip("signing out (or closing the account) would end the fuzzing sessions")
    # a browser's call from this site: cookie-authenticated writes must say so (middleware.guard)
    case.call_and_validate(base_url=fuzz_stack.url, cookies=session_cookies, headers={"Origin": fuzz_stack.url})
