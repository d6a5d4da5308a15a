"""One origin for everything on the local stack, as CloudFront gives in AWS:

- ``/api/*`` and ``/open311/*``: the Chalice app, through Chalice's own ``LocalGateway``;
- ``/admin/*``: the staff site; ``/vendor/*``: front-end packages installed from npm;
  everything else: the citizens' site;
- ``/dev/*``: the outbox, what the staff user pool e-mailed (``/dev/cognito``: invitations with
  their temporary password, password-reset codes), the stream pump's set-aside records, firing
  schedules, and the stand-in Taxisnet.
"""

from __future__ import annotations

import html
import json
import mimetypes
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from devstack.taxisnet import PREFIX as TAXISNET_PREFIX
from devstack.taxisnet import TaxisnetStandIn

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static_site"
VENDOR_ALLOWED = ("@digigov/css/dist/", "leaflet/dist/", "chart.js/dist/", "axe-core/axe.min.js")
# Pages that take a path argument: /board/{service_point}, /kiosk/{building}, ...
PAGE_ROUTES = {"board": "site/board.html", "kiosk": "site/kiosk.html", "pass": "site/pass.html",
               "ticket": "site/ticket.html"}
API_PREFIXES = ("/api/", "/open311/")

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/css", ".css")


def _request_per_thread(app: Any) -> None:
    """Chalice keeps the request it serves in ``app.current_request``, one attribute per app: right
    in Lambda (one request at a time per container), wrong here, where the HTTP server serves
    requests on several threads at once and a handler could read another request (another
    citizen's token and Idempotency-Key). Each thread sees its own request instead."""
    if getattr(type(app), "_request_per_thread", False):
        return
    local = threading.local()

    def get(self: Any) -> Any:
        return getattr(local, "request", None)

    def set_(self: Any, request: Any) -> None:
        local.request = request

    # a data descriptor on a subclass wins over the instance's own attribute
    app.__class__ = type(type(app).__name__, (type(app),), {"current_request": property(get, set_),
                                                             "_request_per_thread": True})


def _decode_path_parameters(matcher: Any) -> None:
    match = matcher.match_route

    def match_route(url: str) -> Any:
        result = match(url)
        captured = {k: urllib.parse.unquote(v) for k, v in result.captured.items()}
        return type(result)(result.route, captured, result.query_params)

    matcher.match_route = match_route


class Gateway:
    def __init__(self, chalice_app: Any, stack: Any = None, taxisnet: TaxisnetStandIn | None = None):
        from chalice.config import Config
        from chalice.local import LocalGateway

        self._app = chalice_app
        _request_per_thread(chalice_app)
        self._local = LocalGateway(chalice_app, Config(chalice_stage="local", config_from_disk={}))
        _decode_path_parameters(self._local.event_converter._route_matcher)
        self._stack = stack
        self.taxisnet = taxisnet or TaxisnetStandIn()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        # WSGI gives the decoded path as ISO-8859-1 text: its bytes are the URL's UTF-8
        path = (environ.get("PATH_INFO", "/") or "/").encode("latin-1").decode("utf-8", "replace")
        query_string = environ.get("QUERY_STRING", "")
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            if path.startswith(API_PREFIXES):
                status, out_headers, payload = self._api(method, path, query_string, headers, body)
            elif path.startswith(TAXISNET_PREFIX):
                form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
                query = dict(urllib.parse.parse_qsl(query_string))
                status, single, payload = self.taxisnet.handle(method, path, query, form, headers)
                out_headers = list(single.items())
            elif path.startswith("/dev/"):
                status, out_headers, payload = self._dev(method, path, query_string)
            else:
                status, out_headers, payload = self._static(path)
        except Exception as exc:  # noqa: BLE001
            status, out_headers = 500, [("Content-Type", "application/json")]
            payload = json.dumps({"error": {"code": "internal_error", "message": str(exc)}}).encode()
        start_response(f"{status} {_reason(status)}", out_headers)
        return [payload]

    # the API ---------------------------------------------------------------------------------
    def _api(self, method: str, path: str, query_string: str, headers: dict[str, str], body: bytes):
        from chalice.local import LocalGatewayException

        # Chalice's matcher reads the path as a URL: a decoded '#' or '?' inside a parameter would
        # end the path there (and answer 405 for a route it cut short). It is given the path
        # percent-encoded, and the parameters are decoded after matching, as API Gateway does.
        full_path = urllib.parse.quote(path, safe="/") + (f"?{query_string}" if query_string else "")
        try:
            response = self._local.handle_request(method, full_path, headers, body or None)
        except LocalGatewayException as exc:
            code = getattr(exc, "CODE", 403)
            status = 404 if code == 403 else code
            message = "No such route." if status == 404 else "Not allowed."
            payload = json.dumps({"error": {"code": "not_found" if status == 404 else "forbidden",
                                            "message": message}}).encode()
            return status, [("Content-Type", "application/json")], payload
        out = [(k, str(v)) for k, v in (response.get("headers") or {}).items()]
        for k, values in (response.get("multiValueHeaders") or {}).items():
            out.extend((k, str(v)) for v in values)
        payload = response.get("body") or b""
        if isinstance(payload, str):
            if response.get("isBase64Encoded"):
                import base64

                payload = base64.b64decode(payload)
            else:
                payload = payload.encode("utf-8")
        return int(response["statusCode"]), out, payload

    # static sites ----------------------------------------------------------------------------
    def _static(self, path: str):
        relative = urllib.parse.unquote(path).lstrip("/")
        if relative.startswith("vendor/"):
            inner = relative[len("vendor/"):]
            if not inner.startswith(VENDOR_ALLOWED):
                return _not_found()
            target = STATIC / "node_modules" / inner
        elif relative == "admin":
            return 301, [("Location", "/admin/")], b""
        elif relative.startswith(("admin/", "shared/")):
            target = STATIC / relative
        else:
            first = relative.split("/", 1)[0]
            target = STATIC / PAGE_ROUTES[first] if first in PAGE_ROUTES else STATIC / "site" / relative
        try:
            target = target.resolve()
            target.relative_to(STATIC.resolve())
        except (ValueError, OSError):
            return _not_found()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return _not_found()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "text/javascript"):
            ctype += "; charset=utf-8"
        headers = [("Content-Type", ctype), ("Cache-Control", "no-cache"),
                   ("X-Content-Type-Options", "nosniff")]
        return 200, headers, target.read_bytes()

    # dev pages -------------------------------------------------------------------------------
    def _dev(self, method: str, path: str, query_string: str):
        stack = self._stack
        if path in ("/dev/outbox", "/dev/outbox.json"):
            from chalicelib.services.platform.notifications import recent

            rows = recent(reveal=True)  # sealed recipients opened: this page is the local stack's
            if path.endswith(".json"):
                return 200, [("Content-Type", "application/json")], json.dumps(rows).encode()
            return 200, [("Content-Type", "text/html; charset=utf-8")], _outbox_page(rows).encode()
        if path in ("/dev/cognito", "/dev/cognito.json"):
            from devstack.cognito import mails

            found = mails()
            if path.endswith(".json"):
                return 200, [("Content-Type", "application/json")], json.dumps(found).encode()
            return 200, [("Content-Type", "text/html; charset=utf-8")], _cognito_page(found).encode()
        if path in ("/dev/streams", "/dev/streams.json") and stack is not None:
            data = stack.streams_report()
            if path.endswith(".json"):
                return 200, [("Content-Type", "application/json")], json.dumps(data, default=str).encode()
            return 200, [("Content-Type", "text/html; charset=utf-8")], _streams_page(data).encode()
        if path.startswith("/dev/fire/") and method == "POST" and stack is not None:
            name = path[len("/dev/fire/"):]
            try:
                result = stack.scheduler.fire(name)
            except KeyError:
                return 404, [("Content-Type", "application/json")], json.dumps(
                    {"error": {"code": "unknown_schedule", "message": f"No schedule {name!r}.",
                               "details": {"known": stack.scheduler.names()}}}).encode()
            return 200, [("Content-Type", "application/json")], json.dumps(
                {"fired": name, "result": result}, default=str).encode()
        return _not_found()


def _not_found():
    return 404, [("Content-Type", "text/html; charset=utf-8")], (
        b"<!doctype html><html lang='el'><head><meta charset='utf-8'><title>404</title></head>"
        b"<body><main><h1>404</h1><p>\xce\x94\xce\xb5\xce\xbd \xce\xb2\xcf\x81\xce\xad\xce\xb8\xce\xb7\xce\xba\xce\xb5.</p>"
        b"<p><a href='/'>Dimotis</a></p></main></body></html>"
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _outbox_page(rows: list[dict[str, Any]]) -> str:
    items = "".join(
        "<tr>"
        f"<td>{html.escape(r['created_at'])}</td><td>{html.escape(r['channel'])}</td>"
        f"<td>{html.escape(r['recipient'])}</td><td>{html.escape(r['kind'])}</td>"
        f"<td>{html.escape(r['status'])}</td><td>{html.escape(r.get('subject') or '')}</td>"
        f"<td><pre>{html.escape(r['body'])}</pre>{html.escape(', '.join(r['attachments']))}</td>"
        "</tr>"
        for r in rows
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev outbox</title>
<style>body{{font-family:sans-serif;margin:1rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}}pre{{white-space:pre-wrap;margin:0}}</style>
</head><body><main><h1>Dev outbox</h1><p>Every email and SMS that would have gone out, newest first.
<a href="/dev/outbox.json">JSON</a></p>
<table id="outbox"><thead><tr><th>When (UTC)</th><th>Channel</th><th>To</th><th>Kind</th><th>Status</th>
<th>Subject</th><th>Body</th></tr></thead><tbody>{items}</tbody></table></main></body></html>"""


def _cognito_page(found: list[dict[str, Any]]) -> str:
    items = "".join(
        f"<tr><td>{html.escape(m['at'])}</td><td>{html.escape(m['to'])}</td><td>{html.escape(m['username'])}</td>"
        f"<td>{html.escape(m['kind'])}</td><td>{html.escape(m['subject'])}</td>"
        f"<td><pre>{html.escape(m['body'])}</pre></td></tr>"
        for m in found
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev Cognito mail</title>
<style>body{{font-family:sans-serif;margin:1rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}}pre{{white-space:pre-wrap;margin:0}}</style>
</head><body><main><h1>Staff user pool mail</h1><p>What Cognito would have e-mailed to staff, newest
first: invitations with their temporary password, password-reset codes. <a href="/dev/cognito.json">JSON</a></p>
<table id="cognito-mail"><thead><tr><th>When (UTC)</th><th>To</th><th>User</th><th>Kind</th><th>Subject</th>
<th>Body</th></tr></thead><tbody>{items}</tbody></table></main></body></html>"""


def _streams_page(data: dict[str, Any]) -> str:
    stats = "".join(
        f"<tr><td>{html.escape(t)}</td><td>{s['delivered']}</td><td>{s['failures']}</td></tr>"
        for t, s in data["tables"].items()
    )
    aside = "".join(
        f"<li><b>{html.escape(a['table'])}</b> after {a['attempts']} attempts: "
        f"<pre>{html.escape(json.dumps(a['record'], default=str, indent=1))}</pre></li>"
        for a in data["set_aside"]
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev streams</title></head>
<body><main><h1>Stream pump</h1><table><thead><tr><th>Table</th><th>Delivered</th><th>Failed batches</th></tr>
</thead><tbody>{stats}</tbody></table><h2>Set aside</h2><ul id="set-aside">{aside or '<li>none</li>'}</ul>
</main></body></html>"""
