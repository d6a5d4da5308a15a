"""A daemon thread that repeats one step until stopped: the shape the stream pump, the SQS poller
and the scheduler share."""

from __future__ import annotations

import threading
import time

IDLE_SECONDS = 10  # between steps, a loop goes round at least this often
STUCK_SECONDS = 300  # a step running longer than this is reported as stuck


class BackgroundLoop:
    """Calls ``step()`` again at once while it reports work, else after ``interval`` seconds.

    An exception in a step is kept in ``error`` (shown by health) and the loop goes on.
    """

    thread_name = "loop"

    def __init__(self, interval: float):
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self.last_loop: float | None = None  # when a step last began or ended
        self.step_started: float | None = None  # while a step runs: when it began
        self.error: str | None = None

    def step(self) -> bool:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self.request_stop()
        self.join(timeout)

    def request_stop(self) -> None:
        """Ask the loop to end after its current step (returns at once)."""
        self._stop.set()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the loop to end; whether it did (a daemon thread
        still in a long step does not keep the process alive)."""
        if self._thread.is_alive():
            self._thread.join(timeout=max(timeout, 0))
        return not self._thread.is_alive()

    def alive(self) -> bool:
        """Running: between steps, it went round within the last ten seconds; in a step, the step
        began less than ``STUCK_SECONDS`` ago (a long step is work, e.g. the pump delivering the
        records of fifty bookings on a loaded machine, not a dead loop)."""
        if not (self._thread.is_alive() and self.last_loop):
            return False
        started = self.step_started
        if started is not None:
            return time.time() - started < STUCK_SECONDS
        return time.time() - self.last_loop < IDLE_SECONDS

    def _run(self) -> None:
        while not self._stop.is_set():
            self.last_loop = self.step_started = time.time()
            try:
                busy = self.step()
                self.error = None
            except Exception as exc:  # noqa: BLE001 - keep going; health shows the error
                self.error = f"{type(exc).__name__}: {exc}"
                busy = False
            self.last_loop, self.step_started = time.time(), None
            if not busy:
                self._stop.wait(self._interval)
