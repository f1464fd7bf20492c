"""Later deliveries on top of a generated landing folder, for demos, tests and benchmarks of
incremental nights."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dagster_project.ingest.landing import record_generated


def new_day_of_incidents(landing: Path, day: dt.date, count: int = 100) -> Path:
    """A new extract dated `day` holding `count` incidents that happened the day before,
    shaped like the latest monthly file."""
    latest = sorted((landing / "incidents").glob("incidents_*.csv"))[-1]
    with latest.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(count), reader)]
        fields = reader.fieldnames
    target = landing / "incidents" / f"incidents_{day:%Y%m%d}.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for n, row in enumerate(rows):
            occurred = day - dt.timedelta(days=1)
            row.update(incident_id=f"NEWDAY{n:05d}", incident_date=occurred.isoformat(),
                       reported_date=day.isoformat(), closed_date="", status="open",
                       learning_response_completed="",
                       last_modified=f"{day.isoformat()} 09:00:00")
            writer.writerow(row)
    record_generated(target)  # complete: the loader need not wait FILE_STABLE_SECONDS for it
    return target
