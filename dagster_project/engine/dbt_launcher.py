"""dbt's command line, run so that its event stream carries nothing but dbt's events.

dagster-dbt starts dbt with stdout and stderr on one pipe and reads it a line at a time, each line
one JSON event; a line that does not parse is echoed and dropped. Every process dbt starts
inherits that pipe. On Spark, dbt-spark's `session` method starts a JVM whose console progress bar
(`\\r[Stage 5:====>  (2 + 2) / 18]`, redrawn with `\\r`, never ended by a newline) and log went into
it: the next event dbt wrote was glued onto the bar and lost. On the tiny trust, 110 of the 391
model, seed and test results of a night never reached Dagster, so those assets were never
materialised and every step after them was skipped.

Here dbt runs in this process with its stdout (where its events go) on that pipe, and nothing else
writes there directly: file descriptors 1 and 2, which children inherit, and Python's stderr are
moved onto a second pipe, which a thread forwards to the first as whole lines (a `\\r` ends a line
too), each written between two of dbt's events, never inside one. What the JVM logs is still seen,
on lines of its own.

Run as `python -P dbt_launcher.py <dbt arguments>` (transform/resource.py): it imports nothing
from this project, and `-P` keeps its own folder, which holds a `dbt.py`, off `sys.path`.
"""

from __future__ import annotations

import io
import os
import re
import select
import sys
import threading
from collections.abc import Callable

LINE_END = re.compile(rb"[\r\n]")
# a child writing without ever ending a line is forwarded in pieces of this size
LONGEST_LINE = 1 << 16
# after dbt finished: what its children wrote within this long is still forwarded
DRAIN_SECONDS = 0.2


def whole_lines(buffer: bytes) -> tuple[list[bytes], bytes]:
    """The lines `buffer` completes (ended by `\\n` or `\\r`; blank ones, such as a progress
    bar's clearing, dropped) and what is left of an unfinished one."""
    *lines, rest = LINE_END.split(buffer)
    if len(rest) >= LONGEST_LINE:
        lines, rest = [*lines, rest], b""
    return [line for line in lines if line.strip()], rest


class WholeWrites(io.RawIOBase):
    """A file descriptor that every write reaches whole, under one lock shared by all writers
    (a pipe only keeps writes of up to 4 KiB apart, and an event line can be longer)."""

    def __init__(self, fd: int, lock: threading.Lock):
        super().__init__()
        self.fd, self.lock = fd, lock

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        with self.lock:
            while view:
                view = view[os.write(self.fd, view):]
        return len(data)


def forward_lines(source: int, sink: WholeWrites, finished: threading.Event) -> None:
    """Forward what arrives on `source` to `sink` as whole lines, until `source` is closed, or
    until nothing more arrives once `finished` is set."""
    rest = b""
    while True:
        if select.select([source], [], [], DRAIN_SECONDS)[0]:
            chunk = os.read(source, LONGEST_LINE)
            if not chunk:
                break
            lines, rest = whole_lines(rest + chunk)
            if lines:
                sink.write(b"".join(line + b"\n" for line in lines))
        elif finished.is_set():
            break
    if rest.strip():
        sink.write(rest + b"\n")


def events_only(run: Callable[[], object]) -> object:
    """`run()` with this process's stdout (Python's `sys.stdout`) the only writer of file
    descriptor 1's pipe; everything else written to descriptors 1 and 2 is forwarded as whole
    lines. Call before anything writes to stdout (dbt binds its logger to `sys.stdout`)."""
    lock = threading.Lock()
    sink = WholeWrites(os.dup(1), lock)
    sys.stdout.flush()
    sys.stderr.flush()
    source, children = os.pipe()
    os.dup2(children, 1)
    os.dup2(children, 2)
    os.close(children)
    sys.stdout = io.TextIOWrapper(sink, encoding="utf-8", errors="replace",
                                  line_buffering=True, write_through=True)
    finished = threading.Event()
    forwarder = threading.Thread(target=forward_lines, args=(source, sink, finished),
                                 name="children-output", daemon=True)
    forwarder.start()
    try:
        return run()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        finished.set()
        forwarder.join(timeout=10 * DRAIN_SECONDS)


def run_dbt() -> object:
    """dbt's own command line (what its `dbt` script runs), on this process's arguments."""
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    return cli()


if __name__ == "__main__":
    sys.exit(events_only(run_dbt))
