"""Staff accounts in the Cognito user pool, kept in step with the employees table.

Used by ``manage.py create-staff``, the demo data and the org chart import.

Example::

    ensure_user(username="clerk.kep", email="clerk.kep@example.gr", name="Δημήτρης",
                department_id="kep", role="clerk")      # True when the user was created

Limitation: a user is in exactly one role group; the Cognito calls are not one transaction with the
employees table (the org import's next run completes a part-done change).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.services.platform import staff_revocation
from chalicelib.services.platform.staff_auth import ROLES
from chalicelib.settings import get_settings


def _cognito() -> Any:
    from chalicelib.aws import client

    return client("cognito-idp")


def make_temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "Dm-" + "".join(secrets.choice(alphabet) for _ in range(14)) + "7a!"


def ensure_user(
    *,
    username: str,
    email: str,
    name: str,
    department_id: str | None,
    role: str,
    password: str | None = None,
    temporary_password: str | None = None,
    create_only: bool = False,
) -> bool:
    """Create or update the Cognito user; put it in exactly the group of ``role``.

    Returns ``True`` when the user was created. With ``password`` the password is set permanent
    (local stage and operators' tooling); without, Cognito e-mails its invitation with
    ``temporary_password`` (or one it makes). ``create_only``: 409 ``username_taken`` when the user
    exists. A change of an existing user's role or department revokes the tokens it holds
    (``staff_revocation``): they stop working within a minute.
    """
    if role not in ROLES:
        raise ValidationFailed(f"Unknown role {role!r}.", code="unknown_role")
    pool = get_settings().cognito_user_pool_id
    cognito = _cognito()
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "name", "Value": name},
        {"Name": "custom:department", "Value": department_id or ""},
    ]
    created = False
    department_before = None
    try:
        user = cognito.admin_get_user(UserPoolId=pool, Username=username)
        if create_only:
            raise Conflict(f"There is already a staff account {username!r}.", code="username_taken")
        current = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        department_before = current.get("custom:department", "")
        changed = [a for a in attributes if current.get(a["Name"]) != a["Value"]]
        if changed:
            cognito.admin_update_user_attributes(UserPoolId=pool, Username=username, UserAttributes=changed)
        if not user.get("Enabled", True):
            cognito.admin_enable_user(UserPoolId=pool, Username=username)
    except cognito.exceptions.UserNotFoundException:
        kwargs: dict[str, Any] = {"UserPoolId": pool, "Username": username, "UserAttributes": attributes}
        if password:
            kwargs["MessageAction"] = "SUPPRESS"
            kwargs["TemporaryPassword"] = make_temporary_password()
        elif temporary_password:
            kwargs["TemporaryPassword"] = temporary_password
        cognito.admin_create_user(**kwargs)
        created = True
    if password:
        cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    groups = {
        g["GroupName"]
        for g in cognito.admin_list_groups_for_user(UserPoolId=pool, Username=username).get("Groups", [])
    }
    for group in groups - {role}:
        if group in ROLES:
            cognito.admin_remove_user_from_group(UserPoolId=pool, Username=username, GroupName=group)
    if role not in groups:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=role)
    moved = department_before is not None and department_before != (department_id or "")
    if not created and (moved or (groups & set(ROLES)) != {role}):
        staff_revocation.role_changed(username, (role,), department_id)
    return created


def disable_user(username: str) -> bool:
    """Disable the Cognito user and end its sessions (refresh tokens, and the ID tokens it holds
    within a minute); ``False`` when there was none."""
    cognito = _cognito()
    pool = get_settings().cognito_user_pool_id
    try:
        cognito.admin_disable_user(UserPoolId=pool, Username=username)
        cognito.admin_user_global_sign_out(UserPoolId=pool, Username=username)
    except cognito.exceptions.UserNotFoundException:
        return False
    staff_revocation.revoke(username, "disabled")
    return True
