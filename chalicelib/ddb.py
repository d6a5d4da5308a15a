"""DynamoDB plumbing every capability shares: the connection, labelled transactions, and "did a
condition fail?".

- ``connection()``: one PynamoDB connection per thread for transactions (its botocore client is
  made once per container and thread; models share one botocore session, see
  ``botocore_session.py``).
- ``transact(build, ...)``: runs ``build(tx)`` as one ``TransactWriteItems`` whose operations carry
  labels (``tx.update("slot", Slot(...), actions=..., condition=...)``). A cancelled transaction
  raises ``TxFailed`` naming the labels whose conditions failed, so the caller answers a precise
  409; a ``TransactionConflict`` (another transaction on the same items at that moment) is retried
  with exponential backoff and full jitter, then ``TxBusy``. A ``token`` is sent as the
  ``ClientRequestToken`` on every attempt, so DynamoDB itself makes a resend idempotent for ten
  minutes (botocore's own resend after a timeout included).
- ``condition_failed(exc)``: whether a ``PutError``/``UpdateError``/``DeleteError`` or a cancelled
  transaction failed on a condition (and not on throttling or a network fault).
- ``rewrite(item, make, condition=..., belongs=...)``: replace an item whole with ``make(item)`` on a
  condition naming the state read (its version, say), reading it again when another write came
  first.

Example::

    from chalicelib import ddb

    def build(tx):
        tx.update("slot", Slot(service_id, start), actions=[Slot.booked.add(1)],
                  condition=Slot.booked < Slot.capacity)
        tx.save("appointment", appointment, condition=Appointment.appointment_id.does_not_exist())

    try:
        ddb.transact(build, token=idempotency_token)
    except ddb.TxFailed as exc:
        if "slot" in exc.failed: raise Conflict("Full.", code="slot_full")

Limitation: the labels follow PynamoDB's order of sending (condition checks, deletes, puts, then
updates); ``Tx`` records that order itself, so callers may add operations in any order.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CONFLICT = "TransactionConflict"
DEFAULT_RETRIES = 6
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.5

_local = threading.local()


def connection() -> Any:
    """This thread's PynamoDB ``Connection`` (for ``TransactWrite``), made on first use."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        from pynamodb.connection import Connection

        from chalicelib.settings import get_settings

        conn = _local.connection = Connection(region=get_settings().region)
    return conn


def forget_connection() -> None:
    """Drop this thread's connection (tests: the next one is made with the settings of then)."""
    _local.__dict__.pop("connection", None)


def cancellation_reasons(exc: BaseException) -> list[str | None]:
    """The per-operation reason codes of a cancelled transaction, in the order sent (``None`` where
    that operation was fine)."""
    return [getattr(r, "code", None) if r else None for r in (getattr(exc, "cancellation_reasons", None) or [])]


def condition_failed(exc: BaseException) -> bool:
    """Whether a write (or a cancelled transaction) failed on a condition expression."""
    reasons = [r for r in cancellation_reasons(exc) if r]
    if reasons:
        return CONDITION_FAILED in reasons
    code = getattr(exc, "cause_response_code", None)
    if code:
        return code.startswith(CONDITION_FAILED)  # "ConditionalCheckFailedException"
    return CONDITION_FAILED in str(exc)


def backoff(attempt: int) -> None:
    """Sleep before retry ``attempt`` (0-based): full jitter on an exponential cap."""
    cap = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2**attempt))
    time.sleep(random.uniform(cap / 4, cap))  # noqa: S311 - jitter, not a secret


def rewrite(
    item: Any,
    make: Callable[[Any], Any],
    *,
    condition: Callable[[Any], Any],
    belongs: Callable[[Any], bool],
    attempts: int = 3,
) -> bool:
    """Save ``make(item)`` in place of ``item`` on ``condition(item)`` (e.g. the version read).

    When another write came first, the item is read again (strongly consistent) and rewritten from
    what it holds now, while ``belongs(item)`` still says it is one to rewrite. Returns False when
    it is gone or no longer belongs; raises ``TxBusy`` if it kept changing for ``attempts``."""
    from pynamodb.exceptions import PutError

    for _ in range(attempts):
        try:
            make(item).save(condition=condition(item))
            return True
        except PutError as exc:
            if not condition_failed(exc):
                raise
        try:
            item.refresh(consistent_read=True)
        except type(item).DoesNotExist:
            return False
        if not belongs(item):
            return False
    raise TxBusy(f"{type(item).__name__} kept changing while it was rewritten")


class TxFailed(Exception):
    """The transaction was cancelled because the conditions labelled ``failed`` did not hold."""

    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed


class TxBusy(Exception):
    """Every attempt met another transaction on the same items (``TransactionConflict``)."""


class Tx:
    """A ``TransactWrite`` whose operations carry labels (see the module's docstring)."""

    def __init__(self, tx: Any):
        self.tx = tx
        self.order: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def update(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["update"].append(label)
        self.tx.update(item, **kwargs)

    def save(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["put"].append(label)
        self.tx.save(item, **kwargs)

    def delete(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["delete"].append(label)
        self.tx.delete(item, **kwargs)

    def check(self, label: str, model_cls: Any, hash_key: Any, range_key: Any = None, *, condition: Any) -> None:
        self.order["check"].append(label)
        self.tx.condition_check(model_cls, hash_key, range_key, condition=condition)

    def labels(self) -> list[str]:
        return self.order["check"] + self.order["delete"] + self.order["put"] + self.order["update"]


def transact(
    build: Callable[[Tx], Any], *, retries: int = DEFAULT_RETRIES, token: str | None = None
) -> None:
    """Run ``build(tx)`` as one ``TransactWriteItems``; ``build`` runs again on each attempt.

    Raises ``TxFailed`` (labels whose conditions failed), ``TxBusy`` (still conflicting after
    ``retries`` attempts), or the PynamoDB error for anything else. ``build`` must add at least one
    operation (DynamoDB refuses an empty transaction)."""
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    for attempt in range(retries):
        labelled: Tx | None = None
        try:
            with TransactWrite(connection=connection(), client_request_token=token) as tx:
                labelled = Tx(tx)
                build(labelled)
            return
        except TransactWriteError as exc:
            reasons = cancellation_reasons(exc)
            labels = labelled.labels() if labelled else []
            failed = {label for label, r in zip(labels, reasons, strict=False) if r == CONDITION_FAILED}
            if failed:
                raise TxFailed(failed) from None
            conflict = TRANSACTION_CONFLICT in reasons or TRANSACTION_CONFLICT in str(exc)
            if not conflict:
                raise
            if attempt + 1 >= retries:
                raise TxBusy(str(exc)) from None
            backoff(attempt)
