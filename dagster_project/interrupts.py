"""Stopping `python -m dagster_project run` with a signal, as a service manager (SIGTERM) or a
user at a terminal (Ctrl-C, SIGINT) does.

Inside the run Dagster's own handlers turn either signal into an interrupted step: the step's
code unwinds (its open transaction is rolled back as its DuckDB connection closes, dagster-dbt
forwards the interrupt to the dbt process and waits for it), no RetryPolicy retries it, and no
further step starts. Outside the run (synthetic data, loading the definitions, the summary) the
handlers installed here raise `Interrupted`. Either way the process exits with the status a shell
gives a process killed by that signal (128 + its number: 130 for SIGINT, 143 for SIGTERM).

Dagster's handlers do not say which signal arrived, so it is noted through the interpreter's
wakeup file descriptor, which receives the number of every signal that has a Python handler.

An interrupt can be mistaken for an ordinary error: DuckDB turns one that arrives during a query
into `RuntimeError("Query interrupted")`, which any `except Exception` may swallow. So while the
run executes, a noted signal is delivered again every REPEAT_SECONDS until the run has stopped,
and `only_transient_retried` (retries.py) turns an error raised after a stop signal into the
interrupt it is.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
REPEAT_SECONDS = 2.0

_current: SignalsSeen | None = None  # of the run in progress in this process, if any


def stop_requested() -> int | None:
    """The stop signal this process received during its run, if any."""
    return _current.first() if _current is not None else None


def exit_status(signum: int) -> int:
    return 128 + signum


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class SignalsSeen:
    """The stop signals received so far, in arrival order."""

    def __init__(self, reader: socket.socket) -> None:
        self._reader = reader
        self._seen: list[int] = []
        self._guard = threading.Lock()

    def first(self) -> int | None:
        with self._guard:
            while True:
                try:
                    data = self._reader.recv(64)
                except OSError:  # nothing more to read now, or closed
                    break
                if not data:
                    break
                self._seen += [n for n in data if n in STOP_SIGNALS]
            return self._seen[0] if self._seen else None

    @contextmanager
    def insisting(self) -> Iterator[None]:
        """While the block runs, repeat a noted stop signal to the main thread every
        REPEAT_SECONDS, so that code which swallowed the interrupt meets it again."""
        done = threading.Event()
        main = threading.main_thread().ident

        def repeat() -> None:
            while not done.wait(REPEAT_SECONDS):
                signum = self.first()
                if signum is not None and not done.is_set():
                    signal.pthread_kill(main, signum)

        watchdog = threading.Thread(target=repeat, name="stop-signal-repeater", daemon=True)
        watchdog.start()
        try:
            yield
        finally:
            done.set()
            watchdog.join()


@contextmanager
def stop_on_signals() -> Iterator[SignalsSeen]:
    """Note every SIGINT/SIGTERM received in the block; raise `Interrupted` where Dagster does
    not handle them itself. Main thread only (signal handlers live there)."""
    def interrupt(signum, _frame):
        raise Interrupted(signum)

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    previous = {s: signal.signal(s, interrupt) for s in STOP_SIGNALS}
    global _current
    seen = _current = SignalsSeen(reader)
    try:
        yield seen
    finally:
        _current = None
        for s, handler in previous.items():
            signal.signal(s, handler)
        seen.first()  # read what arrived before the descriptor goes
        signal.set_wakeup_fd(previous_fd)
        reader.close()
        writer.close()
