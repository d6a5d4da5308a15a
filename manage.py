#!/usr/bin/env python3
"""Operators' commands.

    python manage.py seed                         demo data into the configured endpoint
    python manage.py create-admin --username U --email E [--name N] [--department D]
                                                  the first administrator (temporary password)
    python manage.py create-staff --username U --email E --name N --department D --role R [--password P]
    python manage.py import-org FILE [--dry-run]  the org chart from the HR export (CSV or JSON)
    python manage.py unsuppress ADDRESS           send e-mail to an address SES feedback suppressed, again
    python manage.py fire SCHEDULE                fire a scheduled handler now on the running local stack
    python manage.py dev-token --citizen TAXID    a citizen bearer token (local stage only)
    python manage.py dev-token --staff USERNAME   a staff bearer token (local stage only)

Against the running local stack the settings come from ``.devstack/state.json`` (or the file named
by ``DIMOTIS_STACK_STATE``); elsewhere from the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def _load_stack_state(required: bool) -> dict:
    path = Path(os.environ.get("DIMOTIS_STACK_STATE") or ROOT / ".devstack" / "state.json")
    if not path.exists():
        if required:
            sys.exit("No running local stack found (start it with `make run`).")
        return {}
    state = json.loads(path.read_text())
    from devstack.stack import LOCAL_SESSION_KEY

    os.environ.update({k: str(v) for k, v in state.items() if k.isupper() and v})
    os.environ.setdefault("DIMOTIS_STAGE", "local")
    os.environ.setdefault("DIMOTIS_SESSION_KEY", LOCAL_SESSION_KEY)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ.setdefault(name, "testing")
    os.environ.setdefault("AWS_REGION", "eu-central-1")
    return state


def cmd_seed(_args) -> int:
    _load_stack_state(required=False)
    from devstack.demo import seed_all

    print(json.dumps(seed_all(), ensure_ascii=False))
    return 0


def cmd_create_staff(args) -> int:
    _load_stack_state(required=False)
    from chalicelib.models.org import Employee
    from chalicelib.services import backoffice

    created = backoffice.ensure_user(
        username=args.username, email=args.email, name=args.name,
        department_id=args.department, role=args.role, password=args.password,
    )
    Employee(args.number or args.username, username=args.username, full_name=args.name, email=args.email,
             department_id=args.department, role=args.role, active=True).save()
    print("created" if created else "updated", args.username)
    return 0


def create_admin(username: str, email: str, *, name: str | None = None, department: str | None = None,
                 number: str | None = None) -> list[str]:
    """Invite an administrator (``backoffice.invite_staff``); the lines to print. Locally the
    temporary password is the last word of the last line; elsewhere the user pool e-mails it."""
    from chalicelib.services import backoffice
    from chalicelib.services.backoffice.staff_directory import make_temporary_password
    from chalicelib.services.platform import audit
    from chalicelib.settings import get_settings

    local = get_settings().is_local
    temporary = make_temporary_password() if local else None
    with audit.recording(source="manage.py create-admin"):
        done = backoffice.invite_staff(
            audit.Operator("manage.py"), username=username, email=email, name=name or username, role="admin",
            department_id=department, employee_number=number, temporary_password=temporary,
        )
    lines = [f"created administrator {username} (employee {done['employee_number']}); "
             "the first sign-in asks for a new password and an authenticator app"]
    if temporary:
        lines.append(f"temporary password: {temporary}")
    else:
        lines.append(f"the user pool e-mailed the temporary password to {email}")
    return lines


def cmd_create_admin(args) -> int:
    _load_stack_state(required=False)
    from chalicelib.errors import ApiError

    try:
        lines = create_admin(args.username, args.email, name=args.name, department=args.department,
                             number=args.number)
    except ApiError as exc:
        print(json.dumps(exc.body(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def cmd_import_org(args) -> int:
    _load_stack_state(required=False)
    from chalicelib.errors import ApiError
    from chalicelib.services.backoffice import import_org
    from chalicelib.services.platform import audit

    try:
        with audit.recording(source="manage.py import-org"):
            report = import_org(Path(args.file).read_text(encoding="utf-8-sig"), filename=args.file,
                                staff=audit.Operator("manage.py"), dry_run=args.dry_run)
    except ApiError as exc:
        print(json.dumps(exc.body(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_unsuppress(args) -> int:
    _load_stack_state(required=False)
    from chalicelib.services.platform import addresses, audit, suppression

    with audit.recording(source="manage.py unsuppress"):
        found = suppression.unsuppress("email", args.address)
        masked = addresses.mask("email", addresses.normal_email(args.address))
        if found:
            audit.note(audit.Operator("manage.py"), "suppressed_address", masked, action="unsuppress")
    print(("lifted" if found else "not suppressed:"), masked)
    return 0 if found else 1


def cmd_fire(args) -> int:
    state = _load_stack_state(required=True)
    url = f"{state['DIMOTIS_PUBLIC_BASE_URL']}/dev/fire/{args.schedule}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST", data=b""), timeout=120) as r:  # noqa: S310
            print(r.read().decode())
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(), file=sys.stderr)
        return 1
    return 0


def cmd_dev_token(args) -> int:
    _load_stack_state(required=False)
    from chalicelib.settings import get_settings

    if get_settings().stage != "local":
        print("dev-token runs only in the local stage.", file=sys.stderr)
        return 2
    if args.citizen:
        print(_citizen_token(args.citizen))
    else:
        print(_staff_token(args.staff))
    return 0


def _citizen_token(taxid: str) -> str:
    from chalicelib.models.citizens import Citizen
    from chalicelib.services.platform import sessions
    from devstack.taxisnet import TEST_TAXPAYERS

    try:
        citizen = Citizen.get(taxid)
    except Citizen.DoesNotExist:
        person = next((t for t in TEST_TAXPAYERS if t["taxid"] == taxid), None)
        citizen = Citizen(taxid, first_name=person["firstname"] if person else "ΔΟΚΙΜΗ",
                          last_name=person["lastname"] if person else "ΔΟΚΙΜΑΣΤΙΚΟΣ")
        citizen.save()
    return sessions.issue(taxid, f"{citizen.first_name} {citizen.last_name}")[0]


def _staff_token(username: str) -> str:
    """An ID token for ``username``, signed with moto's key exactly as moto's Cognito signs."""
    import gzip

    import jwt
    import moto.cognitoidp

    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    settings = get_settings()
    idp = client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=settings.cognito_user_pool_id, Username=username)
    attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    groups = [g["GroupName"] for g in idp.admin_list_groups_for_user(
        UserPoolId=settings.cognito_user_pool_id, Username=username)["Groups"]]
    now = int(time.time())
    claims = {
        "iss": settings.cognito_issuer, "aud": settings.cognito_client_id, "token_use": "id",
        "sub": attrs.get("sub", username), "cognito:username": username, "cognito:groups": groups,
        "custom:department": attrs.get("custom:department", ""), "email": attrs.get("email", ""),
        "name": attrs.get("name", ""), "iat": now, "auth_time": now, "exp": now + 3600,
    }
    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    private = json.loads(gzip.decompress(path.read_bytes()))
    key = jwt.PyJWK(private.get("keys", [private])[0], algorithm="RS256")
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed", help="load the demo data").set_defaults(func=cmd_seed)
    admin = sub.add_parser("create-admin", help="create the first administrator (temporary password)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", help="full name (default: the username)")
    admin.add_argument("--department", help="department id (an administrator may have none)")
    admin.add_argument("--number", help="employee number (default: the username)")
    admin.set_defaults(func=cmd_create_admin)
    staff = sub.add_parser("create-staff", help="create or update a staff account")
    for name in ("username", "email", "name", "department", "role"):
        staff.add_argument(f"--{name}", required=True)
    staff.add_argument("--password")
    staff.add_argument("--number", help="employee number (default: the username)")
    staff.set_defaults(func=cmd_create_staff)
    org = sub.add_parser("import-org", help="import the org chart from the HR export (CSV or JSON)")
    org.add_argument("file")
    org.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    org.set_defaults(func=cmd_import_org)
    lift = sub.add_parser("unsuppress", help="send e-mail again to an address SES feedback suppressed")
    lift.add_argument("address")
    lift.set_defaults(func=cmd_unsuppress)
    fire = sub.add_parser("fire", help="fire a scheduled handler now")
    fire.add_argument("schedule")
    fire.set_defaults(func=cmd_fire)
    token = sub.add_parser("dev-token", help="print a bearer token (local stage only)")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--citizen", metavar="TAXID")
    who.add_argument("--staff", metavar="USERNAME")
    token.set_defaults(func=cmd_dev_token)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
