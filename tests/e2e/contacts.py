"""Confirming a citizen's contacts on the local stack as she would (a code asked for, read in the
dev outbox, typed): messages go only to confirmed contacts, so a test that expects a message to an
address it set confirms it first."""

from __future__ import annotations

import json
import re
import time
import urllib.request

from tests.conftest import bearer


def sent_code(stack, recipient: str, timeout: float = 30) -> str:
    """The code of the newest confirmation message to ``recipient`` in the dev outbox."""
    deadline = time.time() + timeout
    while True:
        with urllib.request.urlopen(f"{stack.url}/dev/outbox.json", timeout=10) as resp:  # noqa: S310
            rows = [
                r
                for r in json.loads(resp.read())
                if r["recipient"] == recipient and r["kind"] == "contact.verify"
            ]
        if rows:
            newest = max(rows, key=lambda r: r["created_at"])
            return re.search(r"\b(\d{6})\b", newest["body"]).group(1)
        assert time.time() < deadline, f"no confirmation code reached {recipient}"
        time.sleep(0.3)


def confirm_contacts(stack, token: str, *, email: str | None = None, mobile: str | None = None) -> dict:
    """Make ``email`` and/or ``mobile`` the citizen's confirmed contacts; returns her profile."""
    profile: dict = {}
    for channel, field, address in (("email", "email", email), ("sms", "mobile", mobile)):
        if not address:
            continue
        status, started = stack.request(
            "POST", "/api/me/contacts/verifications", {field: address}, bearer(token)
        )
        assert status in (200, 202), started
        if started["sent"]:
            body = {"channel": channel, "code": sent_code(stack, started["address"])}
            status, profile = stack.request(
                "POST", "/api/me/contacts/verifications/confirm", body, bearer(token)
            )
            assert status == 200, profile
    return profile
