"""A stand-in Taxisnet (GSIS OAuth 2.0) for the local stage: authorize (a page to pick a test
taxpayer), token, and the XML ``userinfo``. It speaks the same protocol as GSIS, so the real
client code in ``chalicelib/services/platform/taxisnet.py`` runs unchanged against it."""

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


class TaxisnetStandIn:
    def __init__(self, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.client_id = client_id
        self.client_secret = client_secret
        self._codes: dict[str, tuple[str, str, float]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, query: dict[str, str], form: dict[str, str],
               headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        sub = path[len(PREFIX):]
        if sub == "/oauth/authorize" and method == "GET":
            return self._authorize_page(query)
        if sub == "/oauth/authorize" and method == "POST":
            return self._authorize_submit(form)
        if sub == "/oauth/token" and method == "POST":
            return self._token(form, headers)
        if sub == "/userinfo" and method in ("GET", "POST"):
            return self._userinfo(headers)
        if sub == "/logout":
            target = query.get("url") or "/"
            return 302, {"Location": target if target.startswith("/") else "/"}, b""
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _authorize_page(self, q: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return 400, {"Content-Type": "text/plain; charset=utf-8"}, b"invalid_request"
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(q.get(k, ""))}">'
            for k in ("client_id", "redirect_uri", "state", "scope")
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
<form method="post" action="{PREFIX}/oauth/authorize">{hidden}<ul>{options}</ul>
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
            with self._lock:
                self._codes[code] = (taxid, redirect, time.time() + 300)
            params["code"] = code
        sep = "&" if "?" in redirect else "?"
        return 302, {"Location": redirect + sep + urllib.parse.urlencode(params)}, b""

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
