"""The stand-in Taxisnet remembers who signed in on a browser, as GSIS does, and its logout ends
that: the next person at the same computer is asked who they are."""

from __future__ import annotations

import urllib.parse

from devstack.taxisnet import CLIENT_ID, PREFIX, SESSION_COOKIE, TaxisnetStandIn

HOST = {"host": "localhost:8000"}
AUTHORIZE = {"client_id": CLIENT_ID, "response_type": "code", "redirect_uri": "http://localhost:8000/cb", "state": "s"}


def _sign_in(gsis: TaxisnetStandIn, taxid: str) -> str:
    """The browser's cookie after choosing ``taxid`` on the stand-in."""
    _, headers, _ = gsis.handle("POST", f"{PREFIX}/oauth/authorize", {},
                                {**AUTHORIZE, "taxid": taxid}, HOST)
    assert "code=" in headers["Location"]
    return headers["Set-Cookie"].split(";", 1)[0]


def _page(gsis: TaxisnetStandIn, cookie: str = "") -> str:
    status, _, body = gsis.handle("GET", f"{PREFIX}/oauth/authorize", AUTHORIZE, {}, {**HOST, "cookie": cookie})
    assert status == 200
    return body.decode()


def test_taxisnet_remembers_the_browser_until_its_logout():
    # GIVEN a citizen signed in on this browser
    gsis = TaxisnetStandIn()
    cookie = _sign_in(gsis, "123456789")
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    # THEN the next sign-in offers to continue as her; another browser is asked afresh
    assert 'data-testid="continue"' in _page(gsis, cookie) and "ΜΑΡΙΑ" in _page(gsis, cookie)
    assert 'data-testid="continue"' not in _page(gsis)
    # WHEN the browser goes to the logout, as our sign-out sends it
    back = "http://localhost:8000/"
    status, headers, _ = gsis.handle(
        "GET", f"{PREFIX}/logout/{CLIENT_ID}/", {"url": back}, {}, {**HOST, "cookie": cookie}
    )
    # THEN it returns to our home page, the cookie is cleared, and nobody is remembered
    assert (status, headers["Location"]) == (302, back)
    assert "Max-Age=0" in headers["Set-Cookie"]
    assert 'data-testid="continue"' not in _page(gsis, cookie)


def test_the_logout_returns_only_to_the_same_host():
    # WHEN the logout is asked to return to another host, or by another client
    gsis = TaxisnetStandIn()
    evil = urllib.parse.quote("https://evil.example/")
    _, headers, _ = gsis.handle("GET", f"{PREFIX}/logout/{CLIENT_ID}/", {"url": urllib.parse.unquote(evil)}, {}, HOST)
    status, _, _ = gsis.handle("GET", f"{PREFIX}/logout/another-client/", {"url": "/"}, {}, HOST)
    # THEN it goes home instead, and another client is refused
    assert headers["Location"] == "/"
    assert status == 400
