"""``python -m devstack``: start the whole local stack on http://localhost:8000 (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("DIMOTIS_PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("DIMOTIS_HOST", "127.0.0.1"))
    parser.add_argument("--no-seed", "--no-demo", dest="no_seed", action="store_true",
                        help="start empty: no demo data (make run DEMO=0); staff MFA as in production")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # Ctrl-C (or SIGTERM) sets ``stopping``: the start ends at its next step, serving ends at once,
    # and the stop is never cut short by it. A second Ctrl-C interrupts whatever runs.
    stopping = threading.Event()

    def on_signal(*_: object) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)

    from devstack.stack import LocalStack

    stack = LocalStack(port=args.port, host=args.host, seed=not args.no_seed)
    try:
        stack.start(stopping)
        print(
            f"\nDimotis local stack on {stack.url}\n"
            f"  citizens' site   {stack.url}/\n"
            f"  staff site       {stack.url}/admin/\n"
            f"  API              {stack.url}/api/health   {stack.url}/api/openapi.json\n"
            f"  dev outbox       {stack.url}/dev/outbox   streams {stack.url}/dev/streams\n"
            "Ctrl-C stops everything.\n",
            flush=True,
        )
        stack.serve_forever(stopping)
    except KeyboardInterrupt:
        pass
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # the stop is bounded; another Ctrl-C forces it
            signal.signal(sig, lambda *_: os._exit(130))
        print("stopping... (Ctrl-C again to force)", flush=True)
        stack.stop()
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
