"""Where a run's time went: each step's wall time, from the run's own event log.

Used by `python -m dagster_project run` (the slowest steps in the summary, all of them with
`--timings FILE`) and by the benchmark harness (`benchmarks/run.py`), which groups the steps
into the pipeline's stages.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import dagster as dg

from .transform import DBT_OP

_ENDS = {"STEP_SUCCESS": "success", "STEP_FAILURE": "failure", "STEP_SKIPPED": "skipped"}


@dataclass(frozen=True)
class StepTiming:
    step_key: str
    stage: str
    seconds: float
    status: str
    started: float  # seconds after the run's first event


def stage_of(step_key: str) -> str:
    """The pipeline stage a step belongs to, from its key (one step per asset or check)."""
    if "_gx_" in step_key or step_key.endswith("_contract"):
        return "checks"  # asset checks run as steps `<asset>_<check name>`
    if step_key.startswith("raw__"):
        return "ingest"
    if step_key.startswith(DBT_OP):  # both dbt ops' names start so
        return "dbt build"
    if step_key.startswith("spc"):
        return "spc"
    if "publish" in step_key:
        return "publish"
    if "report" in step_key:
        return "report"
    return "other"


def step_timings(instance: dg.DagsterInstance, run_id: str,
                 records: list | None = None) -> list[StepTiming]:
    """Every step of the run with its wall time (start event to end event), in start order."""
    starts: dict[str, float] = {}
    ends: dict[str, tuple[float, str]] = {}
    first: float | None = None
    for record in records if records is not None else instance.all_logs(run_id):
        event = record.dagster_event
        first = record.timestamp if first is None else min(first, record.timestamp)
        if event is None or record.step_key is None:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            starts.setdefault(record.step_key, record.timestamp)
        elif kind in _ENDS:
            ends[record.step_key] = (record.timestamp, _ENDS[kind])
    out = []
    for key, (end, status) in ends.items():
        start = starts.get(key, end)
        out.append(StepTiming(key, stage_of(key), end - start, status, start - (first or start)))
    return sorted(out, key=lambda t: t.started)


def run_window(records: list) -> tuple[float, float] | None:
    """Epoch seconds of the run's first and last events."""
    stamps = [record.timestamp for record in records]
    return (min(stamps), max(stamps)) if stamps else None


def write_timings(path: str | Path, timings: list[StepTiming], **extra) -> None:
    Path(path).write_text(json.dumps({**extra, "steps": [asdict(t) for t in timings]}, indent=1),
                          encoding="utf-8")
