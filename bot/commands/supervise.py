"""`bot serve`'s children kept running: gunicorn (the web) and the job worker.

A child that exits on its own is started again, after 1, 2, 5, 10, then 30 s while it
keeps failing (a child that ran for a minute starts the count again). One that exits
with an error code of its own in its first 30 s on its first start is a configuration
problem (the port is taken, a setting is wrong): everything stops and `serve` exits with
that code. A child killed by a signal (the OOM killer) is always started again. SIGTERM or
SIGINT stops every child (SIGTERM, then SIGKILL after STOP_SECONDS) and `serve` returns.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
HEALTHY_AFTER = 60.0  # a child that ran this long starts the backoff again
FIRST_START_GRACE = 30.0  # an error exit sooner than this on the first start: give up
STOP_SECONDS = 10.0
POLL = 0.2


@dataclass
class Child:
    name: str
    command: list[str]
    env: Mapping[str, str]
    cwd: Path
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    failures: int = 0
    starts: int = 0
    due: float = 0.0  # when to start it again, after it exited

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=dict(self.env), cwd=self.cwd)
        self.started = time.monotonic()
        self.starts += 1

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    children: list[Child]
    clock: Callable[[], float] = time.monotonic
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> int:
        """Start every child and keep them running until asked to stop; the exit code."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                child.start()
            code = self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()

    def _watch(self) -> int:
        while not self.stopping.wait(POLL):
            now = self.clock()
            for child in self.children:
                if child.process is None:
                    if now >= child.due:
                        log.warning("starting %s again", child.name)
                        child.start()
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                ran = now - child.started
                if child.starts == 1 and ran < FIRST_START_GRACE and code > 0:
                    log.error("%s exited with code %s as it started: stopping", child.name, code)
                    return code or 1
                child.failures = 1 if ran >= HEALTHY_AFTER else child.failures + 1
                wait = BACKOFF[min(child.failures, len(BACKOFF)) - 1]
                log.error("%s exited with code %s after %.0f s; starting it again in %.0f s",
                          child.name, code, ran, wait)
                child.process, child.due = None, now + wait
        return 0

    def _stop_all(self) -> None:
        for child in self.children:
            if child.running():
                child.process.terminate()  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s: killed", child.name, STOP_SECONDS)
                child.process.kill()
                child.process.wait()
