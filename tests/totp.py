"""RFC 6238 time-based one-time passwords, as an authenticator app computes them from the secret a
sign-in page shows (SHA-1, 6 digits, 30-second steps), for the tests of staff MFA."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP = 30
MARGIN = 3  # seconds: a code is not used this close to the end of its step


def code_at(secret: str, at: float) -> str:
    """The code of ``secret`` (base32, spaces allowed) at time ``at``."""
    key = secret.replace(" ", "").upper()
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // STEP), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_code(secret: str) -> str:
    """The current code, waiting for the next step when this one is about to end: the checker
    (moto) accepts the current step only, and the code must still be current when it arrives."""
    left = STEP - time.time() % STEP
    if left < MARGIN:
        time.sleep(left + 0.05)
    return code_at(secret, time.time())


def next_second() -> None:
    """Wait for the next whole second: a staff token issued in the second of a revocation is
    refused (``staff_revocation``: ``iat`` is whole seconds)."""
    time.sleep(1.02 - time.time() % 1)
