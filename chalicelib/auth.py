"""Who is calling: the citizen session or the staff token of a request.

Citizens send the ``dimotis_session`` cookie or ``Authorization: Bearer``; staff send the
``dimotis_staff`` cookie or ``Authorization: Bearer`` with a Cognito ID token. Handlers call
``require_citizen`` or ``require_staff`` and pass the result to the service, which checks every
object it loads against it (DESIGN invariant 4).
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.services.platform import sessions, staff_auth
from chalicelib.services.platform.sessions import CitizenSession
from chalicelib.services.platform.staff_auth import StaffMember


def cookies(request: Any) -> dict[str, str]:
    raw = (request.headers or {}).get("cookie", "")
    if not raw:
        return {}
    from http.cookies import CookieError, SimpleCookie  # only a request with cookies needs it

    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def _bearer(request: Any) -> str | None:
    header = (request.headers or {}).get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def require_citizen(request: Any) -> CitizenSession:
    token = _bearer(request) or cookies(request).get(sessions.COOKIE)
    if not token:
        raise Unauthorized("Sign in with Taxisnet first.", code="not_signed_in")
    return sessions.verify(token)


def optional_citizen(request: Any) -> CitizenSession | None:
    token = _bearer(request) or cookies(request).get(sessions.COOKIE)
    if not token:
        return None
    return sessions.verify(token)


def require_staff(request: Any, *roles: str) -> StaffMember:
    """The signed-in staff member; 403 unless they hold one of ``roles`` (admins hold all)."""
    token = _bearer(request) or cookies(request).get(staff_auth.COOKIE_ID)
    if not token:
        raise Unauthorized("Staff sign-in required.", code="not_signed_in")
    staff = staff_auth.verify(token)
    if roles and not staff.has_any(roles):
        raise Forbidden("Your role does not allow this.", code="role_forbidden")
    return staff


def staff_of(request: Any) -> StaffMember | None:
    """The staff member whose token the request carries, or ``None`` (no token, or not valid)."""
    token = _bearer(request) or cookies(request).get(staff_auth.COOKIE_ID)
    if not token:
        return None
    try:
        return staff_auth.verify(token)
    except (Unauthorized, Forbidden):
        return None


def cookie(
    name: str, value: str, *, max_age: int, path: str = "/", secure: bool = False, same_site: str = "Lax"
) -> str:
    parts = [f"{name}={value}", f"Path={path}", f"Max-Age={max_age}", "HttpOnly", f"SameSite={same_site}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def clear_cookie(name: str, path: str = "/") -> str:
    return f"{name}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Lax"


STAFF_REFRESH_PATH = "/api/staff"  # the access and refresh cookies go only to the staff routes
STAFF_REFRESH_MAX_AGE = 30 * 24 * 3600


def staff_session_cookies(tokens: dict[str, Any], max_age: int, secure: bool) -> list[str]:
    """The cookies of a staff session: the ID token for every route, the access and refresh
    tokens for the staff routes only (all HttpOnly, SameSite=Strict)."""
    out = [cookie(staff_auth.COOKIE_ID, tokens["id_token"], max_age=max_age, secure=secure, same_site="Strict")]
    if tokens.get("access_token"):
        out.append(cookie(staff_auth.COOKIE_ACCESS, tokens["access_token"], max_age=max_age,
                          path=STAFF_REFRESH_PATH, secure=secure, same_site="Strict"))
    if tokens.get("refresh_token"):
        out.append(cookie(staff_auth.COOKIE_REFRESH, tokens["refresh_token"], max_age=STAFF_REFRESH_MAX_AGE,
                          path=STAFF_REFRESH_PATH, secure=secure, same_site="Strict"))
    return out


def staff_signed_out_cookies() -> list[str]:
    return [
        clear_cookie(staff_auth.COOKIE_ID),
        clear_cookie(staff_auth.COOKIE_ACCESS, STAFF_REFRESH_PATH),
        clear_cookie(staff_auth.COOKIE_REFRESH, STAFF_REFRESH_PATH),
    ]
