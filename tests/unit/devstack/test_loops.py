"""The local stack's background loops: alive while they work, stopped all at once."""

from __future__ import annotations

import threading
import time

from devstack.loop import BackgroundLoop
from devstack.stack import LocalStack


def test_stopping_the_stack_asks_every_loop_at_once_and_does_not_wait_on_a_stuck_step():
    release = threading.Event()
    entered = []

    class Stuck(BackgroundLoop):
        thread_name = "stuck"

        def step(self):
            entered.append(self)
            release.wait()  # a step that does not end by itself (a long handler, a slow moto)
            return False

    class Idle(BackgroundLoop):
        thread_name = "idle"

        def step(self):
            return False

    # GIVEN a stack whose scheduler and pump are in the middle of a step that does not end
    stack = LocalStack(seed=False)
    stack.scheduler, stack.pump = Stuck(0.01).start(), Stuck(0.01).start()
    stack.poller = Idle(0.01).start()
    while len(entered) < 2:
        threading.Event().wait(0.01)
    try:
        # WHEN the stack stops
        stack.stop(timeout=0.2)
        # THEN it returned: every loop was asked, the idle one ended, the stuck ones were left
        # as the daemon threads they are (they end with the process)
        assert all(part._stop.is_set() for part in (stack.scheduler, stack.pump, stack.poller))
        assert not stack.poller._thread.is_alive()
        assert stack.scheduler._thread.is_alive() and stack.scheduler._thread.daemon
    finally:
        release.set()
    # AND once their step ends they do not start another
    assert stack.scheduler.join(5) and stack.pump.join(5)
    assert len(entered) == 2


def test_a_loop_in_a_long_step_is_alive_and_one_stuck_or_silent_is_not():
    release, entered = threading.Event(), threading.Event()

    class Busy(BackgroundLoop):
        def step(self):
            entered.set()
            release.wait()  # e.g. the pump delivering many records on a loaded machine
            return False

    loop = Busy(0.01).start()
    entered.wait(5)
    try:
        # GIVEN the step began a minute ago (the last round as long ago)
        loop.step_started = loop.last_loop = time.time() - 60
        # THEN the loop is alive: a long step is work, health must not call it down
        assert loop.alive()
        # WHEN the step has run for longer than a loop may be stuck THEN it is not
        loop.step_started = time.time() - 400
        assert not loop.alive()
    finally:
        release.set()
        loop.stop()
    # AND between steps, a loop that has not gone round for ten seconds is not alive either
    loop.step_started, loop.last_loop = None, time.time() - 11
    loop._thread = threading.current_thread()  # as if still running
    assert not loop.alive()
