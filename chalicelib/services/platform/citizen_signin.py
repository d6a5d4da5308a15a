"""A citizen's sign-in with Taxisnet, from the first redirect to the session: what the two routes
of ``handlers/citizen_auth.py`` do besides setting cookies.

``start(next)`` makes the OAuth ``state`` and packs with it the page to return to (the packed
value goes in a short-lived cookie); ``finish(params, packed)`` checks the state GSIS sends back
against the cookie's, trades the code for the taxpayer's details, creates or refreshes the
citizen, and issues the session token.

Example::

    url, packed = start("/appointments")                       # redirect to url, cookie = packed
    signed_in = finish({"code": "...", "state": "..."}, packed)  # SignedIn(token, next_path)

``sign_out_url()`` is where the browser goes after the citizen signs out here: GSIS's logout,
which ends the Taxisnet session too (a computer at a counter is safe for the next person) and
returns to the home page.

Limitation: ``next`` is a path on this site only, as ``redirects.safe_next`` judges it (anything
else returns to ``/``).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Mapping

from chalicelib.errors import BadRequest, Forbidden
from chalicelib.services.platform.redirects import safe_next

STATE_COOKIE = "dimotis_oauth"
STATE_PATH = "/api/auth/taxisnet"
STATE_SECONDS = 600


class SignedIn:
    """The session token issued and the page to return to."""

    __slots__ = ("token", "next_path")

    def __init__(self, token: str, next_path: str):
        self.token, self.next_path = token, next_path


def start(next_path: str | None) -> tuple[str, str]:
    """(the Taxisnet URL to send the citizen to, the value of the state cookie)."""
    from chalicelib.services.platform import taxisnet

    state = secrets.token_urlsafe(24)
    packed = f"{state}.{base64.urlsafe_b64encode(safe_next(next_path).encode()).decode().rstrip('=')}"
    return taxisnet.authorize_url(state), packed


def finish(params: Mapping[str, str], packed: str) -> SignedIn:
    """Complete the sign-in Taxisnet sends back to (403 ``invalid_state``, 400
    ``taxisnet_cancelled`` or ``missing_code``, 502 when Taxisnet fails)."""
    from chalicelib.services.platform import citizens, sessions, taxisnet

    expected, _, next_b64 = packed.partition(".")
    given = params.get("state", "")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Forbidden("The sign-in state does not match; start again.", code="invalid_state")
    if params.get("error"):
        raise BadRequest("Taxisnet sign-in was cancelled.", code="taxisnet_cancelled")
    code = params.get("code")
    if not code:
        raise BadRequest("The sign-in code is missing.", code="missing_code")
    user = taxisnet.fetch_userinfo(taxisnet.exchange_code(code))
    citizen = citizens.sign_in(user)
    token, _ = sessions.issue(citizen.taxid, f"{citizen.first_name} {citizen.last_name}")
    try:
        next_path = base64.urlsafe_b64decode(next_b64 + "=" * (-len(next_b64) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        next_path = "/"
    return SignedIn(token, safe_next(next_path))


def sign_out_url() -> str:
    """GSIS's logout address, returning to this site's home page."""
    from chalicelib.services.platform import taxisnet
    from chalicelib.settings import get_settings

    return taxisnet.logout_url(f"{get_settings().public_base_url}/")
