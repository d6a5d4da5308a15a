"""Powertools Logger and Tracer, shared by every entry point.

The tracer patches only botocore (what X-Ray must see) and switches itself off outside Lambda.
Each is made once, under a lock: Lambda calls one request at a time, but the local stack's gateway
serves requests in threads, and two Powertools Loggers of one service made at the same moment
share a half-made handler (the second one's formatter lacked ``append_keys``: 500s on the first
requests after a start).

The Logger is made when something is first logged, not when a request comes in: the middleware
hands each request's correlation id to ``set_correlation_id``, which keeps it until a Logger
exists (importing Powertools' logging costs a cold start ~20-40 ms that a request logging nothing
need not pay, see ``bench/RESULTS.md``).

Every line is redacted before it is written (``RedactingFormatter``, Powertools' formatter with
its ``serialize`` step wrapped): e-mail addresses and phone numbers are replaced wherever they
appear (the message, extra keys, an exception's text and traceback), and the values of keys that
name a contact (``email``, ``mobile``, ``phone``, ``recipient``, ``contact``...: ``SENSITIVE_KEYS``,
a visitor's contact included) are replaced whole. The logger is the service's only handler: the
plain one Chalice adds to the same logger would write the line again, unredacted.

Example::

    set_correlation_id("abc-123")               # every request (the middleware)
    logger().warning("outbox send failed")      # the record carries correlation_id abc-123
    redact("SNS refused +306912345678")         # "SNS refused [phone]"

Limitation: the correlation id is the process's latest, as Powertools keeps it: two requests served
at once by the local stack's threads may log each other's. Only what goes through this logger is
redacted: an exception a Lambda handler lets escape is printed by the runtime, and other libraries
log through the root logger. Phone numbers are recognised in international form (``+`` and 8-15
digits) and as Greek ten-digit numbers (``2...``, ``69...``); a foreign number without its ``+`` is
not.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_correlation_id: str | None = None

EMAIL = "[email]"
PHONE = "[phone]"
REDACTED = "[redacted]"
# keys whose value is a contact, whatever it looks like (compared in lower case)
SENSITIVE_KEYS = frozenset(
    {
        "email",
        "mobile",
        "phone",
        "recipient",
        "recipients",
        "contact",
        "contact_email",
        "contact_phone",
        "requester_name",
        "first_name",
        "last_name",
        "full_name",
        "address",
    }
)
# (pattern, replacement), compiled on the first line logged: a request that logs nothing pays nothing
_PATTERN_SOURCES = (
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", EMAIL),
    # international (E.164, what the app stores), spaces, dots or hyphens allowed between digits
    (r"(?<![\w+])\+\d(?:[ .-]?\d){7,14}(?![\w])", PHONE),
    (r"(?<![\w+./-])00 ?[1-9]\d(?: ?\d){8,12}(?![\w-])", PHONE),
    # Greek numbers without the country code: ten digits, landlines 2..., mobiles 69...
    (r"(?<![\w+.:/-])(?:2\d|69)\d(?: ?\d){7}(?![\w:])", PHONE),
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(source), replacement) for source, replacement in _PATTERN_SOURCES)


def redact(value: Any) -> Any:
    """``value`` with e-mail addresses and phone numbers replaced, and the values of
    ``SENSITIVE_KEYS`` replaced whole (dicts and lists are walked)."""
    if isinstance(value, str):
        for pattern, replacement in _patterns():
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and k.lower() in SENSITIVE_KEYS and v else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(str(value))  # an exception, a datetime...: written as its text anyway


def set_correlation_id(value: str | None) -> None:
    """The correlation id of the request being served, for whatever it logs."""
    global _correlation_id
    _correlation_id = value
    if _logger.cache_info().currsize:
        _logger().set_correlation_id(value)


def logger() -> Any:
    with _lock:
        made = _logger.cache_info().currsize
        log = _logger()
        if not made:
            log.set_correlation_id(_correlation_id)
        return log


def tracer() -> Any:
    with _lock:
        return _tracer()


@lru_cache(maxsize=1)
def _logger() -> Any:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class RedactingFormatter(LambdaPowertoolsFormatter):
        """Powertools' JSON lines, each redacted (``redact``) just before it is serialised."""

        def serialize(self, log: dict[str, Any]) -> str:
            return super().serialize(redact(log))

    made = Logger(service="dimotis", logger_formatter=RedactingFormatter())
    for handler in list(made._logger.handlers):  # Chalice's plain handler on the same logger
        if handler is not made.registered_handler:
            made._logger.removeHandler(handler)
    return made


@lru_cache(maxsize=1)
def _tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer(service="dimotis", patch_modules=("botocore",))
