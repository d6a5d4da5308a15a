"""The local stack's API gateway: each request served on its own thread sees its own request."""

from __future__ import annotations

import io
import json
import threading

from chalice import Chalice

from devstack.gateway import Gateway


def test_the_gateway_gives_each_thread_its_own_request():
    """Chalice keeps the request in one attribute of the app; the local stack serves requests on
    several threads, so a handler must not read another thread's request (two citizens booking at
    once became one citizen booking twice)."""
    app = Chalice(app_name="two-at-once")
    inside, leave = threading.Event(), threading.Event()

    @app.route("/api/who")
    def who():
        if app.current_request.headers.get("x-who") == "first":
            inside.set()
            leave.wait(5)  # the second request is served meanwhile
        return {"who": app.current_request.headers.get("x-who")}

    gateway = Gateway(app)

    def call(name: str, out: dict) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/who", "HTTP_X_WHO": name,
                   "wsgi.input": io.BytesIO(b"")}
        out[name] = json.loads(b"".join(gateway(environ, lambda status, headers: None)))["who"]

    answers: dict[str, str] = {}
    # GIVEN a request that waits inside its handler
    first = threading.Thread(target=call, args=("first", answers))
    first.start()
    assert inside.wait(5)
    # WHEN a second request is served on another thread meanwhile
    call("second", answers)
    leave.set()
    first.join(5)
    # THEN each handler read its own request
    assert answers == {"first": "first", "second": "second"}


def test_a_path_parameter_holding_a_hash_or_non_ascii_text_reaches_its_route_decoded():
    """WSGI hands the path decoded; Chalice's matcher parses it as a URL, so a '#' or '?' inside a
    parameter cut the path short and a POST answered 405 (the fuzzer found it). API Gateway gives
    the route the parameter decoded, whatever it holds."""
    app = Chalice(app_name="odd-ids")

    @app.route("/api/flags/{flag_id}/move", methods=["POST"])
    def move(flag_id):
        return {"flag_id": flag_id}

    gateway = Gateway(app)
    raw = "#4º?x Δ/".encode()  # what a client percent-encodes, as the server's WSGI layer decodes it
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/flags/" + raw[:-1].decode("latin-1")
               + "/move", "wsgi.input": io.BytesIO(b"")}
    statuses: list[str] = []
    body = json.loads(b"".join(gateway(environ, lambda status, headers: statuses.append(status))))
    assert statuses == ["200 OK"]
    assert body == {"flag_id": "#4º?x Δ"}
