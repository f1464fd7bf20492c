"""What a step retries: transient errors only.

A lock held by another process, a write conflict or an I/O hiccup may pass if the step runs
again a little later; a failed dbt test, a broken contract, a blocking check or a bug fails the
same way every time, so retrying it only delays the alert (and repeats its output). A step
carries TRANSIENT_RETRY_POLICY and runs its work inside `only_transient_retried`, which asks for
a retry (`dg.RetryRequested`) on a transient error and turns every other error into
`dg.Failure(allow_retries=False)`, which no policy retries.

A signal (SIGTERM, SIGINT) must stop the run, not start the step again: Dagster turns an
interrupt that leaves a step with a RetryPolicy into a retry, so `only_transient_retried` turns
it (and any error raised after a stop signal: DuckDB reports an interrupted query as
`RuntimeError`) into a Failure that is not retried; interrupts.py stops the rest of the run.
"""

from __future__ import annotations

import functools
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from .interrupts import stop_requested

TRANSIENT_RETRY_POLICY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL,
                                        jitter=dg.Jitter.PLUS_MINUS)

# OSErrors that say something about the request, not the moment: running again cannot help.
_DETERMINISTIC_OS_ERRORS = (FileNotFoundError, FileExistsError, PermissionError,
                            IsADirectoryError, NotADirectoryError)
# How DuckDB says another process holds the file.
LOCK_TEXT = ("could not set lock", "conflicting lock")


class WarehouseBusy(OSError):
    """Another process held the warehouse (seen in a subprocess's output, such as dbt's)."""


def mentions_lock(text: str) -> bool:
    return any(phrase in text.lower() for phrase in LOCK_TEXT)


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: another process holds the warehouse (DuckDB's lock, or our lock
    file timing out), a write conflict, an I/O hiccup."""
    if isinstance(exc, duckdb.TransactionException):
        return True
    if isinstance(exc, duckdb.IOException):
        return "lock" in str(exc).lower()
    return isinstance(exc, OSError) and not isinstance(exc, _DETERMINISTIC_OS_ERRORS)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


@contextmanager
def only_transient_retried(what: str, attempt: int = 0,
                           policy: dg.RetryPolicy = TRANSIENT_RETRY_POLICY) -> Iterator[None]:
    """Retry a transient error (`attempt`: the step's retry number, for the backoff); fail at
    once, without a retry, on anything else. `what` names the step in the failure."""
    try:
        yield
    except dg.RetryRequested:
        raise  # the step asked for a retry itself
    except (KeyboardInterrupt, dg.DagsterExecutionInterruptedError) as exc:
        raise stopped(what) from exc
    except Exception as exc:
        if stop_requested() is not None:
            raise stopped(what) from exc  # whatever the error says, a signal caused it
        if isinstance(exc, dg.Failure):
            if not exc.allow_retries:
                raise
            raise dg.Failure(description=exc.description, metadata=exc.metadata,
                             allow_retries=False) from exc
        if is_transient(exc):
            raise dg.RetryRequested(max_retries=policy.max_retries,
                                    seconds_to_wait=policy.calculate_delay(attempt + 1)) from exc
        raise dg.Failure(description=f"{what}: {first_line(exc)}", allow_retries=False) from exc


def stopped(what: str) -> dg.Failure:
    signum = stop_requested()
    name = signal.Signals(signum).name if signum else "a signal"
    return dg.Failure(description=f"{what}: stopped by {name} (not retried)",
                      allow_retries=False)


def transient_only(what: str) -> Callable:
    """`only_transient_retried` around a step function that yields its results (a multi-asset)
    and takes its context first; Dagster still sees the function's own signature."""
    def wrap(compute: Callable[..., Iterator]) -> Callable[..., Iterator]:
        @functools.wraps(compute)
        def run(context, *args, **kwargs) -> Iterator:
            with only_transient_retried(what, context.retry_number):
                yield from compute(context, *args, **kwargs)

        return run

    return wrap
