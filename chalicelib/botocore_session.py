"""One botocore session per thread, and one client per service and settings in it (cold start).

Every new botocore session loads and parses a service's model and endpoint rules again: about
100 ms per session on a cold Lambda container. PynamoDB gives each model's connection a session of
its own, and ``boto3.session.Session().client(...)`` makes one per call. Here every PynamoDB
connection (``share_per_thread()``, installed by ``chalicelib.models.base``) and every
``chalicelib.aws.client`` takes this thread's session, so that data is loaded once per thread;
PynamoDB's own rule (a session is never shared between threads) holds.

A service is looked up by its own directory: botocore's loader lists all 445 service directories
to check that one is known before loading its model (``_ServiceNames``).

Clients are shared too: every model's connection asks for a DynamoDB client with the same
settings, and each new client in a warm session still costs 3-15 ms (its class, endpoint,
signer), so one client per (service, region, endpoint, settings) is made per thread session and
handed to every caller that asks.

A thread's session lives as long as the thread, so hooks registered on it reach every client made
from it (the benches count requests so). A client is shared only with callers that ask with the
same settings under the same endpoints in the environment (``AWS_ENDPOINT_URL``...): when the local
stack points at another endpoint, the next caller gets a new client.

Example::

    session = thread_session()
    ses = session.create_client("ses", region_name="eu-central-1")   # made once per thread

Limitation: a session reads credentials once, so a change of credentials in the environment is seen
by new threads only. PynamoDB registers a ``before-send`` hook (its ``extra_headers``) on the client
of each connection, so a shared client carries one hook per model; they add headers only when
PynamoDB's ``extra_headers`` setting is set, which Dimotis never sets (``tests/unit/kernel/
test_botocore_session.py`` checks it). Measured in ``bench/cold_start.py`` (``bench/RESULTS.md``).
"""

from __future__ import annotations

import os
import threading
from typing import Any

_local = threading.local()
_installed = False


def thread_session() -> Any:
    """This thread's botocore session (with shared clients), made on first use."""
    session = getattr(_local, "session", None)
    if session is None:
        from botocore.session import get_session

        session = _local.session = get_session()
        _share_clients(session)
        _known_services_by_directory(session)
    return session


class _ServiceNames:
    """What ``Loader.list_available_services`` answers, read lazily: ``load_service_model`` only asks
    whether one service is in it, and botocore answers that by listing every service directory
    (445 of them, ~11 ms of a cold start's first client); here by looking at that service's own
    directory. Iterating it lists them all, as botocore does."""

    def __init__(self, loader: Any, type_name: str, listed: Any):
        self._loader, self._type_name, self._listed = loader, type_name, listed

    def __contains__(self, name: object) -> bool:
        from botocore.exceptions import DataNotFoundError

        try:
            return bool(self._loader.list_api_versions(name, self._type_name))
        except DataNotFoundError:
            return False

    def __iter__(self) -> Any:
        return iter(self._listed(self._type_name))

    def __len__(self) -> int:
        return len(self._listed(self._type_name))


def _known_services_by_directory(session: Any) -> None:
    """Make ``session``'s data loader answer "is this service known?" from that service's directory."""
    loader = session.get_component("data_loader")
    listed = loader.list_available_services
    loader.list_available_services = lambda type_name: _ServiceNames(loader, type_name, listed)


def _endpoints() -> tuple[tuple[str, str], ...]:
    """The endpoints the environment names (``AWS_ENDPOINT_URL`` and per service): a client is
    made for the endpoint of its time."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL")))


def _client_key(service_name: str, region_name: Any, args: tuple, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    config = kwargs.get("config")
    return (
        service_name,
        region_name,
        kwargs.get("endpoint_url"),
        _endpoints(),
        args,
        tuple(sorted((k, repr(v)) for k, v in kwargs.items() if k not in ("config", "endpoint_url"))),
        repr(sorted(vars(config).items())) if config is not None else None,
    )


def _share_clients(session: Any) -> None:
    """Make ``session.create_client`` hand out one client per service and settings. A client
    made without credentials (botocore caches an empty answer of the metadata service) is never
    handed out again: the next caller gets a new one, as PynamoDB itself does."""
    create = session.create_client
    made: dict[tuple[Any, ...], Any] = {}
    lock = threading.Lock()

    def create_client(service_name: str, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        key = _client_key(service_name, region_name, args, kwargs)
        with lock:
            found = made.get(key)
            if found is None or not getattr(found._request_signer, "_credentials", True):
                found = made[key] = create(service_name, region_name, *args, **kwargs)
        return found

    session.create_client = create_client


def share_per_thread() -> None:
    """Make PynamoDB's connections take this thread's shared session instead of a new one."""
    global _installed
    if _installed:
        return
    import pynamodb.connection.base as connection_base

    connection_base.get_session = thread_session
    _installed = True
