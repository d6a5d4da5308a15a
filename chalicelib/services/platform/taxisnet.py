"""Taxisnet sign-in: the GSIS OAuth 2.0 authorization-code flow.

``authorize_url`` builds the redirect, ``exchange_code`` trades the code for an access token,
``fetch_userinfo`` reads the XML ``userinfo``, and ``logout_url`` is GSIS's sign-out
(``{logout}/{client_id}/?url={where to return}``), which ends the Taxisnet session in the browser::

    <root><userinfo userid="..." taxid="..." lastname="..." firstname="..."
                    fathername="..." mothername="..." birthyear="..."/></root>

Endpoints, client id and secret are settings; the secret may live in Secrets Manager
(``TAXISNET_SECRET_NAME``, JSON ``{"client_id", "client_secret"}``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from xml.etree import ElementTree

from chalicelib.errors import ApiError
from chalicelib.settings import get_settings

TIMEOUT_SECONDS = 8


@dataclass(frozen=True)
class TaxisnetUser:
    userid: str
    taxid: str
    last_name: str
    first_name: str
    father_name: str
    mother_name: str
    birth_year: int | None


def _credentials() -> tuple[str, str]:
    settings = get_settings()
    if settings.taxisnet_secret_name:
        from chalicelib.services.platform.secrets import secret_json

        data = secret_json(settings.taxisnet_secret_name)
        return data["client_id"], data["client_secret"]
    return settings.taxisnet_client_id, settings.taxisnet_client_secret


def redirect_uri() -> str:
    return f"{get_settings().public_base_url}/api/auth/taxisnet/callback"


def authorize_url(state: str) -> str:
    client_id, _ = _credentials()
    query = urllib.parse.urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri(),
            "response_type": "code",
            "scope": "read",
            "state": state,
        }
    )
    return f"{get_settings().taxisnet_authorize_url}?{query}"


def logout_url(return_to: str) -> str:
    """GSIS's logout address for our client, returning the browser to ``return_to`` (an address
    GSIS has registered for the client)."""
    client_id, _ = _credentials()
    base = get_settings().taxisnet_logout_url.rstrip("/")
    query = urllib.parse.urlencode({"url": return_to})
    return f"{base}/{urllib.parse.quote(client_id, safe='')}/?{query}"


def _upstream_error(message: str) -> ApiError:
    return ApiError(message, code="taxisnet_unavailable", status=502)


def exchange_code(code: str) -> str:
    """The access token for an authorization ``code``."""
    client_id, client_secret = _credentials()
    data = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "client_id": client_id,
            "client_secret": client_secret,
        }
    ).encode()
    req = urllib.request.Request(
        get_settings().taxisnet_token_url,
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            payload = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500:
            raise ApiError(
                "Taxisnet did not accept the sign-in code.", code="taxisnet_denied", status=401
            ) from None
        raise _upstream_error("Taxisnet is not answering.") from None
    except (urllib.error.URLError, ValueError, TimeoutError):
        raise _upstream_error("Taxisnet is not answering.") from None
    token = payload.get("access_token")
    if not token:
        raise ApiError("Taxisnet returned no access token.", code="taxisnet_denied", status=401)
    return token


def fetch_userinfo(access_token: str) -> TaxisnetUser:
    req = urllib.request.Request(
        get_settings().taxisnet_userinfo_url,
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/xml"},
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            return parse_userinfo(resp.read())
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500:
            raise ApiError("Taxisnet refused the access token.", code="taxisnet_denied", status=401) from None
        raise _upstream_error("Taxisnet is not answering.") from None
    except (urllib.error.URLError, TimeoutError):
        raise _upstream_error("Taxisnet is not answering.") from None


def parse_userinfo(xml: bytes | str) -> TaxisnetUser:
    """Read GSIS's XML ``userinfo`` (attributes on ``<userinfo>``, or child elements)."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        raise _upstream_error("Taxisnet returned an unreadable answer.") from None
    node = root if root.tag == "userinfo" else root.find(".//userinfo")
    if node is None:
        raise _upstream_error("Taxisnet returned no user information.")

    def get(name: str) -> str:
        value = node.get(name)
        if value is None:
            child = node.find(name)
            value = child.text if child is not None else ""
        return (value or "").strip()

    taxid = get("taxid")
    if not taxid.isdigit() or len(taxid) != 9:
        raise _upstream_error("Taxisnet returned no valid tax id.")
    year = get("birthyear")
    return TaxisnetUser(
        userid=get("userid"),
        taxid=taxid,
        last_name=get("lastname"),
        first_name=get("firstname"),
        father_name=get("fathername"),
        mother_name=get("mothername"),
        birth_year=int(year) if year.isdigit() else None,
    )
