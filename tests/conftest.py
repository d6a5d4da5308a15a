"""Shared fixtures.

- The environment is set before any ``chalicelib`` model is imported (table names come from it).
- Unit tests run under moto's ``mock_aws`` with the tables created from the models; they cannot
  reach the network (only loopback is allowed, for the local-stack and browser tests). moto is
  imported first: a thread's botocore session (``chalicelib/botocore_session.py``, one for the
  thread's life) reaches moto only if made after moto registered its hook.
- ``local_stack`` starts the real local stack (``python -m devstack``) in a subprocess once per
  test session and worker; ``browser`` is Playwright driving Debian's Chromium.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import moto  # noqa: F401 - before any botocore session: a session carries moto's hook only if made after
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_ENV = {
    "DIMOTIS_STAGE": "test",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "eu-central-1",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "DIMOTIS_SESSION_KEY": "test-session-key-0123456789-0123456789-0123456789",
    "DIMOTIS_PUBLIC_BASE_URL": "http://localhost:8000",
    "TAXISNET_CLIENT_ID": "test-client",
    "TAXISNET_CLIENT_SECRET": "test-secret",
    "COGNITO_USER_POOL_ID": "eu-central-1_placeholder",
    "COGNITO_CLIENT_ID": "placeholder",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}
os.environ.update(TEST_ENV)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "DIMOTIS_SESSION_KEY_SECRET", "TAXISNET_SECRET_NAME"):
    os.environ.pop(_name, None)
sys.path.insert(0, str(ROOT))

# -- no network but loopback --------------------------------------------------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            allowed = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = False
        if not allowed:
            raise OSError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect


# -- unit tests under moto ----------------------------------------------------------------------
# What a Lambda container keeps between invocations, each emptied by its module's own function
# before and after every test under moto: a test must not see the settings, clients, service
# cache, keys or secrets of the test before it. A module not imported yet holds nothing.
CONTAINER_STATE = (
    ("chalicelib.settings", "reset_settings"),
    ("chalicelib.aws", "reset_clients"),
    ("chalicelib.ddb", "forget_connection"),
    ("chalicelib.services.platform.health", "forget_tables"),
    ("chalicelib.services.platform.secrets", "forget"),
    ("chalicelib.services.platform.staff_auth", "forget_jwks"),
    ("chalicelib.services.platform.staff_revocation", "forget"),
    ("chalicelib.services.platform.staff_password", "forget_policy"),
    ("chalicelib.services.platform.stream_router", "forget_consumers"),
    ("chalicelib.services.appointments", "forget_services"),
    ("chalicelib.services.platform.service_points", "forget_points"),
    ("chalicelib.services.platform.municipality", "forget_settings"),
    ("chalicelib.services.platform.limits", "forget_refusals"),
)


def forget_container_state() -> None:
    for module, function in CONTAINER_STATE:
        if module in sys.modules:
            getattr(sys.modules[module], function)()


@pytest.fixture
def aws():
    """moto for every AWS service, with every table created from the models, and nothing kept
    from the test before (``CONTAINER_STATE``)."""
    from moto import mock_aws

    forget_container_state()
    with mock_aws():
        from chalicelib.models import create_all_tables

        create_all_tables()
        yield
    forget_container_state()


def _moto_jwks(kind: str) -> dict:
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / f"jwks-{kind}.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


@pytest.fixture
def cognito(aws, monkeypatch):
    """A moto user pool made as the local stack and infra make it (``devstack/cognito.py``: the
    password policy, optional TOTP, the role groups; moto taught Cognito's reset codes,
    invitations and TOTP checks); staff tokens verify against its JWKS."""
    from chalicelib.aws import client
    from chalicelib.services.platform import staff_auth
    from chalicelib.settings import reset_settings
    from devstack import cognito as local_cognito

    local_cognito.apply()
    local_cognito.forget_mail()
    pool, app_client = local_cognito.create_staff_pool(client("cognito-idp"), "test-staff")
    monkeypatch.setenv("COGNITO_USER_POOL_ID", pool)
    monkeypatch.setenv("COGNITO_CLIENT_ID", app_client)
    monkeypatch.delenv("COGNITO_ISSUER", raising=False)
    monkeypatch.delenv("COGNITO_JWKS_URL", raising=False)
    reset_settings()
    staff_auth.set_jwks(staff_auth.Jwks(document=_moto_jwks("public")))
    private = _moto_jwks("private")
    yield {"pool_id": pool, "client_id": app_client, "private_jwk": private.get("keys", [private])[0]}
    staff_auth.set_jwks(None)
    reset_settings()


STAFF_PASSWORD = "Test-Password-42!"


def sign_in(username: str, password: str = STAFF_PASSWORD) -> dict:
    """The tokens of a full staff sign-in, answering what it asks as the member would: an
    authenticator to enrol (``MFA_SETUP``, roles that need MFA) or a code from it."""
    from chalicelib.services.platform import staff_signin
    from tests.totp import fresh_code

    step = staff_signin.login(username, password)
    secrets_seen = {}
    while step.challenge:
        challenge = step.challenge
        if challenge["challenge"] == "MFA_SETUP":
            secrets_seen[username] = challenge["secret"]
        code = fresh_code(secrets_seen.get(username) or TOTP_SECRETS[username])
        step = staff_signin.answer(challenge["username"], challenge["session"], challenge["challenge"], code=code)
        TOTP_SECRETS.update(secrets_seen)
    return step.tokens


TOTP_SECRETS: dict[str, str] = {}  # username -> the secret its authenticator was enrolled with


@pytest.fixture
def make_staff(cognito):
    """``make_staff("clerk", "roads")`` -> a bearer ID token for a new staff member (signed in as
    they would: an administrator or health officer enrols an authenticator first)."""
    from chalicelib.services.backoffice import staff_directory

    counter = {"n": 0}

    def make(role: str = "clerk", department: str | None = "roads", username: str | None = None) -> str:
        counter["n"] += 1
        name = username or f"{role}.{department}.{counter['n']}"
        staff_directory.ensure_user(username=name, email=f"{name}@test.gr", name=name,
                                    department_id=department, role=role, password=STAFF_PASSWORD)
        return sign_in(name)["id_token"]

    return make


@pytest.fixture
def make_citizen(aws):
    """``make_citizen("123456789", email=..., mobile=...)`` -> a bearer session token."""
    from chalicelib.models.citizens import Citizen
    from chalicelib.services.platform import sessions

    def make(taxid: str = "123456789", **fields) -> str:
        fields.setdefault("first_name", "ΜΑΡΙΑ")
        fields.setdefault("last_name", "ΠΑΠΑΔΟΠΟΥΛΟΥ")
        Citizen(taxid, **fields).save()
        return sessions.issue(taxid, "test")[0]

    return make


@pytest.fixture
def client(aws):
    """Chalice's test client over the real app."""
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the local stack and the browser ------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningStack:
    def __init__(self, url: str, process: subprocess.Popen, log_path: Path):
        self.url = url
        self.process = process
        self.log_path = log_path

    def get(self, path: str, headers: dict | None = None, timeout: float = 10):
        req = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def request(self, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 15):
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        req = urllib.request.Request(self.url + path, data=data, headers=hdrs, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, json.loads(raw) if raw else None

    def manage(self, *args: str) -> str:
        """Run ``manage.py`` against this stack and return what it printed."""
        out = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT, env={**_stack_env(), "DIMOTIS_STACK_STATE": str(state_file(self.url))},
            capture_output=True, text=True, timeout=60, check=True,
        )
        return out.stdout.strip()

    def book_first_free(self, service_id: str, token: str, **fields: str) -> dict:
        """Book, for the citizen of ``token``, the first time of ``service_id`` with a free place
        (``fields``: subject, notes); the appointment as the API answers it."""
        status, availability = self.request("GET", f"/api/services/{service_id}/availability")
        assert status == 200, availability
        start = next(s["start"] for d in availability["days"] for s in d["slots"] if s["remaining"] > 0)
        body = {"service_id": service_id, "start": start, **fields}
        status, booked = self.request("POST", "/api/appointments", body, {"Authorization": f"Bearer {token}"})
        assert status == 201, booked
        return booked

    def citizen_token(self, taxid: str = "123456789") -> str:
        return self.manage("dev-token", "--citizen", taxid)

    def staff_token(self, username: str) -> str:
        return self.manage("dev-token", "--staff", username)


def state_file(url: str) -> Path:
    return ROOT / ".devstack" / f"state-{url.rsplit(':', 1)[-1]}.json"


# The stack under test takes hundreds of tickets and files fifty requests as one citizen within a
# minute, all from loopback: its clients are trusted and the per-line and per-citizen limits off
# (the limits themselves are the unit tests' to prove: tests/unit/live_queue/test_limits.py).
STACK_LIMITS = {
    "DIMOTIS_LIMITS_TRUSTED_CLIENTS": "127.0.0.0/8,::1",
    "DIMOTIS_LIMIT_WALK_IN_LINE": "off",
    "DIMOTIS_LIMIT_REQUESTS_CITIZEN_DAY": "off",
    "DIMOTIS_LIMIT_PHOTO_FORMS_CITIZEN_DAY": "off",
}


def _stack_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ENV and not k.startswith("AWS_")}
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in STACK_LIMITS.items():
        env.setdefault(name, value)
    return env


def start_stack(log_path: Path, *extra: str) -> RunningStack:
    """Start ``python -m devstack`` on a free port and wait until ``/api/health`` answers 200."""
    port = _free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack", "--port", str(port), *extra],
        cwd=ROOT, env=_stack_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local stack exited: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError(f"local stack did not become healthy: {log_path.read_text()[-3000:]}")
    return RunningStack(url, process, log_path)


def stop_stack(stack: RunningStack) -> None:
    stack.process.terminate()
    try:
        stack.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        stack.process.kill()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    """The whole local stack in a subprocess, with demo data, on a free port."""
    stack = start_stack(tmp_path_factory.mktemp("stack") / "stack.log")
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="session")
def empty_stack(tmp_path_factory):
    """The local stack as ``make run DEMO=0`` starts it: no demo data, production's MFA rule (a
    process of its own, on a free port of its own)."""
    stack = start_stack(tmp_path_factory.mktemp("empty-stack") / "stack.log", "--no-demo")
    yield stack
    stop_stack(stack)


CHROMIUM = os.environ.get("DIMOTIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Every expect() waits up to 15 s (Playwright's default is 5 s), as pages and actions do: a
    # browser test checks what shows, never how soon (two workers and two browsers share 2 cores).
    expect.set_options(timeout=15_000)
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="el-GR")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def set_cookies(response) -> str:
    """All ``Set-Cookie`` values of a test-client response, joined (one or several)."""
    value = response.headers.get("Set-Cookie", "")
    return "\n".join(value) if isinstance(value, list) else value
