"""A stand-in Taxisnet (GSIS OAuth 2.0) for the local stage: authorize (a page to pick a test
taxpayer), token, the XML ``userinfo`` and logout. It speaks the same protocol as GSIS, so the
real client code in ``chalicelib/services/platform/taxisnet.py`` runs unchanged against it.

Like GSIS it remembers who signed in on this browser (a cookie on ``/dev/taxisnet``, the "Taxisnet
session"): the next sign-in offers "continue as ..." first. ``/logout/{client_id}/?url=...``
ends that session and returns to ``url`` (an address on the same host); it is where the
citizens' sign-out sends the browser, so a computer at a counter is safe for the next person."""

from __future__ import annotations

import base64
import html
import secrets
import threading
import time
import urllib.parse
from typing import Any

TEST_TAXPAYERS = [
    {"userid": "User001", "taxid": "123456789", "lastname": "ΠΑΠΑΔΟΠΟΥΛΟΥ", "firstname": "ΜΑΡΙΑ",
     "fathername": "ΓΕΩΡΓΙΟΣ", "mothername": "ΕΛΕΝΗ", "birthyear": "1980"},
    {"userid": "User002", "taxid": "987654321", "lastname": "ΝΙΚΟΛΑΟΥ", "firstname": "ΓΙΑΝΝΗΣ",
     "fathername": "ΔΗΜΗΤΡΙΟΣ", "mothername": "ΑΝΝΑ", "birthyear": "1972"},
    {"userid": "User003", "taxid": "111222333", "lastname": "ΚΩΝΣΤΑΝΤΙΝΙΔΗ", "firstname": "ΕΛΕΝΗ",
     "fathername": "ΚΩΝΣΤΑΝΤΙΝΟΣ", "mothername": "ΣΟΦΙΑ", "birthyear": "1995"},
    {"userid": "User004", "taxid": "444555666", "lastname": "SMITH", "firstname": "JOHN",
     "fathername": "PETER", "mothername": "MARY", "birthyear": "1965"},
]

CLIENT_ID = "dimotis-local"
CLIENT_SECRET = "dimotis-local-secret"
PREFIX = "/dev/taxisnet"
SESSION_COOKIE = "taxisnet_sso"
SESSION_SECONDS = 8 * 3600


class TaxisnetStandIn:
    def __init__(self, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self._codes: dict[str, tuple[str, str, float]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._sessions: dict[str, tuple[str, float]] = {}  # the browser's Taxisnet session -> taxid
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, query: dict[str, str], form: dict[str, str],
               headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        sub = path[len(PREFIX):]
        if sub == "/oauth/authorize" and method == "GET":
            return self._authorize_page(query, self._signed_in(headers))
        if sub == "/oauth/authorize" and method == "POST":
            return self._authorize_submit(form)
        if sub == "/oauth/token" and method == "POST":
            return self._token(form, headers)
        if sub == "/userinfo" and method in ("GET", "POST"):
            return self._userinfo(headers)
        if sub == "/logout" or sub.startswith("/logout/"):
            return self._logout(sub, query, headers)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    # the browser's Taxisnet session --------------------------------------------------------
    def _session_id(self, headers: dict[str, str]) -> str:
        from http.cookies import CookieError, SimpleCookie

        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except CookieError:
            return ""
        return jar[SESSION_COOKIE].value if SESSION_COOKIE in jar else ""

    def _signed_in(self, headers: dict[str, str]) -> dict[str, str] | None:
        """The test taxpayer this browser is signed in to Taxisnet as, if any."""
        with self._lock:
            found = self._sessions.get(self._session_id(headers))
        if not found or found[1] < time.time():
            return None
        return next((t for t in TEST_TAXPAYERS if t["taxid"] == found[0]), None)

    def _logout(self, sub: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        client = sub[len("/logout"):].strip("/")
        if client and client != self.client_id:
            return 400, {"Content-Type": "text/plain"}, b"invalid_client"
        with self._lock:
            self._sessions.pop(self._session_id(headers), None)
        target = query.get("url") or "/"
        parts = urllib.parse.urlsplit(target)
        same_host = parts.scheme in ("http", "https") and parts.netloc == headers.get("host")
        if not (same_host or (target.startswith("/") and not target.startswith("//"))):
            target = "/"
        return 302, {"Location": target, "Set-Cookie": f"{SESSION_COOKIE}=; Path={PREFIX}; Max-Age=0; HttpOnly"}, b""

    def _authorize_page(self, q: dict[str, str], signed_in: dict[str, str] | None) -> tuple[int, dict[str, str], bytes]:
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return 400, {"Content-Type": "text/plain; charset=utf-8"}, b"invalid_request"
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(q.get(k, ""))}">'
            for k in ("client_id", "redirect_uri", "state", "scope")
        )
        again = ""
        if signed_in:
            again = (
                f'<p id="signed-in">Έχετε ήδη συνδεθεί στο Taxisnet σε αυτόν τον υπολογιστή.</p>'
                f'<p><button type="submit" name="taxid" value="{signed_in["taxid"]}" data-testid="continue">'
                f'Συνέχεια ως {html.escape(signed_in["firstname"])} {html.escape(signed_in["lastname"])}'
                f"</button></p><p>Ή επιλέξτε άλλον:</p>"
            )
        options = "".join(
            f'<li><button type="submit" name="taxid" value="{t["taxid"]}" data-taxid="{t["taxid"]}">'
            f'{html.escape(t["firstname"])} {html.escape(t["lastname"])} — ΑΦΜ {t["taxid"]}</button></li>'
            for t in TEST_TAXPAYERS
        )
        page = f"""<!doctype html><html lang="el"><head><meta charset="utf-8">
<title>Taxisnet (δοκιμαστικό)</title><meta name="viewport" content="width=device-width">
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto}}button{{font-size:1rem;margin:.3rem 0;padding:.5rem 1rem}}</style>
</head><body><main><h1>Taxisnet — δοκιμαστική σύνδεση</h1>
<p>Τοπικό περιβάλλον: επιλέξτε δοκιμαστικό φορολογούμενο.</p>
<form method="post" action="{PREFIX}/oauth/authorize">{hidden}{again}<ul>{options}</ul>
<button type="submit" name="deny" value="1">Άκυρο</button></form></main></body></html>"""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def _authorize_submit(self, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        redirect = form.get("redirect_uri", "")
        if form.get("client_id") != self.client_id or not redirect:
            return 400, {"Content-Type": "text/plain"}, b"invalid_request"
        params: dict[str, str] = {"state": form.get("state", "")}
        taxid = form.get("taxid", "")
        if form.get("deny") or not any(t["taxid"] == taxid for t in TEST_TAXPAYERS):
            params["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(16)
            session = secrets.token_urlsafe(16)
            with self._lock:
                self._codes[code] = (taxid, redirect, time.time() + 300)
                self._sessions[session] = (taxid, time.time() + SESSION_SECONDS)
            params["code"] = code
            cookie = f"{SESSION_COOKIE}={session}; Path={PREFIX}; HttpOnly; SameSite=Lax"
        sep = "&" if "?" in redirect else "?"
        headers = {"Location": redirect + sep + urllib.parse.urlencode(params)}
        if "code" in params:
            headers["Set-Cookie"] = cookie
        return 302, headers, b""

    def _token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        import json

        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"Content-Type": "application/json"}, b'{"error":"invalid_client"}'
        with self._lock:
            found = self._codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or not found
            or found[2] < time.time()
            or found[1] != form.get("redirect_uri")
        ):
            return 400, {"Content-Type": "application/json"}, b'{"error":"invalid_grant"}'
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (found[0], time.time() + 600)
        body = {"access_token": token, "token_type": "bearer", "expires_in": 600, "scope": "read"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _userinfo(self, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        with self._lock:
            found = self._tokens.get(token)
        if not found or found[1] < time.time():
            return 401, {"Content-Type": "application/json"}, b'{"error":"invalid_token"}'
        person: dict[str, Any] = next(t for t in TEST_TAXPAYERS if t["taxid"] == found[0])
        attrs = " ".join(f'{k}="{html.escape(v)}"' for k, v in person.items())
        xml = f'<?xml version="1.0" encoding="UTF-8"?><root><userinfo {attrs}/></root>'
        return 200, {"Content-Type": "application/xml; charset=utf-8"}, xml.encode()
