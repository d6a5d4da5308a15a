"""A daemon thread that repeats one step until stopped: the shape the stream pump, the SQS poller
and the scheduler share."""

from __future__ import annotations

import threading
import time


class BackgroundLoop:
    """Calls ``step()`` again at once while it reports work, else after ``interval`` seconds.

    An exception in a step is kept in ``error`` (shown by health) and the loop goes on.
    """

    thread_name = "loop"

    def __init__(self, interval: float):
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self.last_loop: float | None = None
        self.error: str | None = None

    def step(self) -> bool:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def alive(self) -> bool:
        """Running, and it went round within the last ten seconds."""
        return bool(self._thread.is_alive() and self.last_loop and time.time() - self.last_loop < 10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.last_loop = time.time()
            try:
                busy = self.step()
                self.error = None
            except Exception as exc:  # noqa: BLE001 - keep going; health shows the error
                self.error = f"{type(exc).__name__}: {exc}"
                busy = False
            if not busy:
                self._stop.wait(self._interval)
