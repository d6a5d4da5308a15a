"""Where a sign-in sends the browser back to (``next``): only a path on this site, as a browser
reads it. The server's rule (``redirects.safe_next``) and the pages' (``static_site/shared/next.js``)
answer every case of ``redirect_cases.json`` alike; the citizens' sign-in and its callback use it."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from chalicelib.services.platform import taxisnet
from chalicelib.services.platform.redirects import safe_next
from tests.conftest import ROOT, set_cookies

CASES = json.loads((Path(__file__).parent / "redirect_cases.json").read_text(encoding="utf-8"))
LONG = "/" + "a" * 400
LONGEST = "/" + "a" * 299
KEPT = [*CASES["kept"], LONGEST]
REFUSED = [LONG if v == "TOO_LONG" else v for v in CASES["refused"]]
NEXT_JS = ROOT / "static_site" / "shared" / "next.js"


def _js_answers(values: list, fallback: str = "/") -> list:
    """What ``safeNext`` answers for each value, run by node as the browser would import it."""
    node = shutil.which("node")
    assert node, "node is required to check static_site/shared/next.js"
    script = (
        f"import {{ safeNext }} from {json.dumps(NEXT_JS.as_uri())};\n"
        "const values = JSON.parse(process.argv[1]);\n"
        f"console.log(JSON.stringify(values.map((v) => safeNext(v, {json.dumps(fallback)}))));\n"
    )
    out = subprocess.run([node, "--input-type=module", "-e", script, json.dumps(values)],
                         capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("value", KEPT)
def test_a_path_of_this_site_is_kept(value):
    # WHEN a sign-in is asked to return to a path of this site; THEN it does
    assert safe_next(value) == value


@pytest.mark.parametrize("value", REFUSED, ids=lambda v: repr(v)[:60])
def test_anything_a_browser_could_read_as_another_site_returns_home(value):
    # WHEN a sign-in is asked to return anywhere else, or somewhere a browser reads differently
    # THEN it returns to the fallback instead
    assert safe_next(value) == "/"
    assert safe_next(value, "/admin/") == "/admin/"


def test_the_pages_rule_answers_every_case_as_the_servers():
    # GIVEN every case, and nothing at all
    values = [*KEPT, *REFUSED, None]
    # WHEN the pages' safeNext judges them (node, the module as the browser imports it)
    answers = _js_answers(values, "/fallback")
    # THEN it keeps and refuses exactly what the server does
    expected = [safe_next(v, "/fallback") for v in values]
    wrong = [(v, a, e) for v, a, e in zip(values, answers, expected, strict=True) if a != e]
    assert wrong == []
    assert answers[: len(KEPT)] == KEPT


def _packed_next(resp) -> str:
    packed = set_cookies(resp).split("dimotis_oauth=", 1)[1].split(";", 1)[0]
    encoded = packed.partition(".")[2]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


@pytest.mark.parametrize("raw", ["/%09/evil.example/", "/%0a/evil.example", "//evil.example", "/appointments.html"])
def test_the_taxisnet_sign_in_keeps_only_a_safe_next(client, raw):
    # WHEN the sign-in starts with ?next=<raw> (a tab, a newline, another site, or a page here)
    resp = client.http.get(f"/api/auth/taxisnet/login?next={raw}")
    # THEN the page it will return to is that page, or home
    assert resp.status_code == 302
    assert _packed_next(resp) == safe_next(urllib.parse.unquote(raw))
    assert _packed_next(resp) in ("/", "/appointments.html")


@pytest.mark.parametrize("stored", ["/\n/evil.example", "/\t/evil.example", "//evil.example", "https://evil.example"])
def test_the_callback_never_sends_the_browser_off_site_nor_fails(client, monkeypatch, stored):
    # GIVEN a state cookie whose page to return to is unsafe (a newline used to answer 500)
    monkeypatch.setattr(taxisnet, "exchange_code", lambda code: "access-1")
    monkeypatch.setattr(taxisnet, "fetch_userinfo", lambda token: taxisnet.parse_userinfo(
        b'<root><userinfo userid="U1" taxid="123456789" lastname="L" firstname="F"/></root>'))
    packed = "st." + base64.urlsafe_b64encode(stored.encode()).decode().rstrip("=")
    # WHEN Taxisnet sends the citizen back
    resp = client.http.get("/api/auth/taxisnet/callback?code=c&state=st", headers={"Cookie": f"dimotis_oauth={packed}"})
    # THEN they are signed in and go home
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
