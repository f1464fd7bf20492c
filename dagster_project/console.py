"""What `python -m dagster_project run` prints while a run goes.

By default: one line per finished step (`✓ raw/incidents  12 files, 146,650 rows  3.1 s`), where
check steps that passed are counted into one line until another line is due; a line per failed
check, retry or warning; progress of long steps; the steps' other INFO notes except those of the
checks and dbt (their finished lines say it). Never Dagster's DEBUG events, which the UI and
`--verbose` still show.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable

import dagster as dg

from .hooks import FAILURE_PREFIX, asset_from_step_key
from .timings import stage_of
from .transform import AFTER_VERDICTS_OP, DBT_OP

# A step still going after this long says how far it got, and again as often.
PROGRESS_SECONDS = 10.0
# Progress messages start so; the console shows them for every step.
PROGRESS_MARK = "… "
# Stages whose other INFO messages the console leaves to the UI (their finished line says it).
QUIET_STAGES = ("checks", "dbt build")

_MARKS = {"STEP_SUCCESS": ("✓", "ok"), "STEP_FAILURE": ("✗", "FAILED"),
          "STEP_SKIPPED": ("-", "skipped"), "STEP_UP_FOR_RETRY": ("↻", "retry")}
_STEP_NAMES = {DBT_OP: "dbt build", AFTER_VERDICTS_OP: "dbt build (after verdicts)",
               "spc_tables": "spc tables", "impact_verdicts": "impact verdicts"}
_DOTTED_CLASS = re.compile(r"^(?:[A-Za-z_][\w]*\.)+([A-Za-z_]\w*:)")


def mark(kind: str, stream=None) -> str:
    """The step's symbol, or a word where the console cannot show it (an ASCII locale)."""
    symbol, word = _MARKS[kind]
    encoding = getattr(stream or sys.stdout, "encoding", None)  # None: a text buffer
    try:
        symbol.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return word
    return symbol


def step_name(step_key: str | None) -> str:
    if not step_key:
        return "run"
    return _STEP_NAMES.get(step_key, asset_from_step_key(step_key))


def _meta(materialization) -> dict:
    return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}


def describe(materialized: list[dict], checks: tuple[int, int, int]) -> str:
    """What a finished step did, from its materialisations' metadata and its check results."""
    parts = []
    if len(materialized) == 1:
        meta = materialized[0]
        if "files_loaded" in meta:  # an ingest step
            parts.append(f"{meta['files_loaded']} files, {meta.get('rows_loaded', 0):,} rows"
                         if meta["files_loaded"] else "nothing new")
            for key, label in (("rows_quarantined", "rows quarantined"),
                               ("files_rejected", "files rejected"),
                               ("files_pending", "files still being written (next run)")):
                if meta.get(key):
                    parts.append(f"{meta[key]:,} {label}")
        elif "pages" in meta:  # the report
            parts.append(f"{meta['pages']} pages, {meta.get('charts', 0)} charts")
        elif "version" in meta:  # the publication
            parts.append(f"{meta.get('tables')} tables, {meta.get('dagster/row_count', 0):,} rows")
        elif "dagster/row_count" in meta:
            parts.append(f"{meta['dagster/row_count']:,} rows")
    elif materialized:
        # a dbt node whose inputs did not change is carried, not rebuilt (transform/carry.py)
        carried = sum(1 for meta in materialized if "carried_from_run" in meta)
        parts.append(f"{len(materialized)} tables"
                     + (f" ({carried} unchanged, carried)" if carried else ""))
    passed, failed, warned = checks
    if passed or failed or warned:
        parts.append(f"{passed} checks passed" + (f", {failed} FAILED" if failed else "")
                     + (f", {warned} warned" if warned else ""))
    return ", ".join(parts)


class StepLines(logging.Handler):
    """Turns a run's log records into the console lines described above."""

    def __init__(self, stream=None) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.started: dict[str, float] = {}
        self.materialized: dict[str, list[dict]] = defaultdict(list)
        self.checks: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # passed, failed, warned
        self.passed_checks: list[float] = []  # seconds of each check step not yet said

    def say(self, line: str) -> None:
        self.say_passed_checks()
        self._print(line)

    def say_passed_checks(self) -> None:
        if self.passed_checks:
            n, seconds = len(self.passed_checks), sum(self.passed_checks)
            self.passed_checks = []
            self._print(f"{mark('STEP_SUCCESS', self.stream)} "
                        f"{f'{n} check step' + ('s' if n > 1 else '') + ' passed':<36} "
                        f"{'':<40} {seconds:5.1f} s")

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stdout, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._emit(record)
        except Exception:  # the console must never fail a step
            self.handleError(record)

    def _emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key")
        if event is None:  # a step's own message (context.log)
            text = meta.get("orig_message", record.getMessage())
            if text.startswith("Dependencies for step") and text.endswith("Not executing."):
                self.say(f"{mark('STEP_SKIPPED', self.stream)} {step_name(step):<36} "
                         "not run: a step it needs failed")
            elif record.levelno >= logging.WARNING and not text.startswith(FAILURE_PREFIX):
                self.say(f"  ! {step_name(step)}: {_clip(text)}")  # (the hook's line: stderr)
            elif text.startswith(PROGRESS_MARK):
                self.say(f"  {PROGRESS_MARK}{step_name(step)}: {_clip(text[len(PROGRESS_MARK):])}")
            elif record.levelno == logging.INFO and stage_of(step or "") not in QUIET_STAGES:
                self.say(f"  {step_name(step)}: {_clip(text)}")
            return
        kind = event.event_type_value
        data = event.event_specific_data
        if kind == "STEP_START":
            self.started[step] = record.created
        elif kind == "ASSET_MATERIALIZATION":
            self.materialized[step].append(_meta(data.materialization))
        elif kind == "ASSET_CHECK_EVALUATION":
            warn = data.severity == dg.AssetCheckSeverity.WARN
            self.checks[step][0 if data.passed else 2 if warn else 1] += 1
            if not data.passed:
                self.say(f"  ! check {data.check_name} on {data.asset_key.to_user_string()} "
                         f"failed ({data.severity.value})")
        elif kind == "STEP_UP_FOR_RETRY":
            wait = f" in {data.seconds_to_wait:.0f} s" if data.seconds_to_wait else ""
            self.say(f"{mark(kind, self.stream)} {step_name(step)}  retrying{wait}: "
                     f"{_first_line(data.error)}")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            seconds = record.created - self.started.get(step, record.created)
            checks = tuple(self.checks.pop(step, (0, 0, 0)))
            if kind == "STEP_SUCCESS" and stage_of(step or "") == "checks" and not any(checks[1:]):
                self.passed_checks.append(seconds)
                return
            detail = (_first_line(data.error) if kind == "STEP_FAILURE"
                      else describe(self.materialized.pop(step, []), checks))
            self.say(f"{mark(kind, self.stream)} {step_name(step):<36} {detail:<40} "
                     f"{seconds:5.1f} s")
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE", "PIPELINE_SUCCESS", "PIPELINE_FAILURE"):
            self.say_passed_checks()  # the outcome itself: the summary says it
        elif record.levelno >= logging.WARNING:
            self.say(f"  ! {step_name(step)}: {_clip(meta.get('orig_message', ''))}")


def _clip(text: str, width: int = 160) -> str:
    """A message's first line, cut to a console line."""
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def _first_line(error) -> str:
    """The user's error, not Dagster's wrapper around it, as `Class: first line`."""
    while error is not None and error.cls_name == "DagsterExecutionStepExecutionError" \
            and error.cause is not None:
        error = error.cause
    if error is None:
        return ""
    if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt", "Interrupted"):
        return "stopped by a signal (not retried)"
    text = (error.message or "").strip()
    line = text.splitlines()[0] if text else error.cls_name or ""
    return _clip(_DOTTED_CLASS.sub(r"\1", line), 100)  # dagster._core...Failure: -> Failure:


def console_logger(stream) -> dg.LoggerDefinition:
    """The run's console logger, printing to `stream` (the console, whatever sys.stdout is
    redirected to during the run)."""
    def build(_init_context) -> logging.Logger:
        log = logging.getLogger("dagster_project.console")
        log.handlers.clear()
        log.propagate = False
        log.setLevel(logging.DEBUG)  # every event arrives; StepLines decides what to print
        log.addHandler(StepLines(stream))
        return log

    return dg.LoggerDefinition(build, description="One line per finished step; Dagster's "
                                                  "DEBUG events only in the UI and --verbose.")


class Progress:
    """How a long step is going: said every PROGRESS_SECONDS (a quick step says nothing), never
    at its last item (the step's finished line says that)."""

    def __init__(self, say: Callable[[str], None], every: float = PROGRESS_SECONDS) -> None:
        self.say, self.every = say, every
        self.started = self.last = time.monotonic()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def __call__(self, done: int, total: int, text: str) -> None:
        now = time.monotonic()
        if done >= total or now - self.last < self.every:
            return
        self.last = now
        self.say(PROGRESS_MARK + text)
