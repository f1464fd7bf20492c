"""A sensor on the landing folder: a run when a new or changed extract arrives.

The cursor remembers every file's size, modification time and content hash, so a restart
replays nothing, an unchanged file is not hashed again, and the same bytes delivered again
(under any name) start nothing. A file whose modification time is more recent than
FILE_STABLE_SECONDS is still being written and waits for a later tick.

The sensor sees the landing folder through the loader's own `discover` (ingest/discovery.py), so
it applies the same rules: only regular files named like an extract are hashed, opened without
following links and without blocking (a FIFO, a device, a folder or a link named like a file is
left to the loader, which records it as rejected). A file that cannot be read is skipped, never
an error of the sensor.
"""


import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from .contracts import CONTRACTS
from .ingest.discovery import discover
from .ingest.load import latest_extract_date
from .ingest.reader import FileRejected, file_sha256
from .jobs import NIGHTLY_JOB_NAME
from .settings import get_settings

log = logging.getLogger(__name__)

file_hash = file_sha256  # the loader's own hash: the sensor and the load log agree


@dataclass(frozen=True)
class LandingScan:
    new_hashes: dict[str, str]  # relative path -> content hash of files not seen before
    cursor: dict
    waiting: list[str]  # files still being written


def scan_landing(landing: Path, cursor: dict, stable_seconds: float,
                 now: float | None = None) -> LandingScan:
    """Pure apart from reading the folder: what is new since `cursor`, and the next cursor."""
    now = time.time() if now is None else now
    latest = latest_extract_date(datetime.fromtimestamp(now, UTC).replace(tzinfo=None))
    files: dict = dict(cursor.get("files", {}))
    seen: set[str] = set(cursor.get("hashes", []))
    new: dict[str, str] = {}
    waiting: list[str] = []
    for contract in CONTRACTS if Path(landing).is_dir() else ():
        found = discover(landing, contract.name, stable_seconds=stable_seconds, now=now,
                         latest_date=latest)
        waiting += [f"{contract.name}/{name}" for name in found.pending]
        for landed in sorted(found.superseded + found.to_load, key=lambda f: f.name):
            rel = f"{contract.name}/{landed.name}"
            known = files.get(rel)
            if known and known[0] == landed.size and known[1] == landed.mtime_ns:
                continue
            try:
                digest = file_hash(landed.path)
            except (FileRejected, OSError) as exc:  # the loader records why
                log.info("%s: not hashed (%s)", rel, type(exc).__name__)
                continue
            files[rel] = [landed.size, landed.mtime_ns, digest]
            if digest not in seen:
                seen.add(digest)
                new[rel] = digest
    return LandingScan(new, {"files": files, "hashes": sorted(seen)}, waiting)


def changed_extracts(new_hashes: dict[str, str]) -> list[str]:
    return sorted({rel.split("/", 1)[0] for rel in new_hashes})


def assets_to_refresh(extracts: list[str], asset_graph) -> list[dg.AssetKey]:
    """Only what the new files can change: their ingestion assets and everything downstream.
    dbt then builds just the models below those sources (dagster-dbt turns the selection into
    a dbt `--select`), which is what makes a night with one new file cheap."""
    selection = dg.AssetSelection.assets(*(dg.AssetKey(["raw", e]) for e in extracts))
    return sorted(selection.downstream().resolve(asset_graph), key=lambda k: k.path)


def run_key_for(new_hashes: dict[str, str]) -> str:
    return hashlib.sha256("".join(sorted(new_hashes.values())).encode()).hexdigest()[:32]


@dg.sensor(
    name="landing_folder_sensor",
    job_name=NIGHTLY_JOB_NAME,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts the pipeline when a new or changed extract lands in LANDING_DIR.",
)
def landing_folder_sensor(context: dg.SensorEvaluationContext):
    settings = get_settings()
    cursor = json.loads(context.cursor) if context.cursor else {}
    scan = scan_landing(settings.landing_dir, cursor, settings.file_stable_seconds)
    context.update_cursor(json.dumps(scan.cursor, separators=(",", ":")))
    if not scan.new_hashes:
        reason = f"{len(scan.waiting)} file(s) still being written" if scan.waiting \
            else "no new or changed extracts"
        return dg.SkipReason(reason)
    extracts = changed_extracts(scan.new_hashes)
    repository = context.repository_def
    return dg.RunRequest(
        run_key=run_key_for(scan.new_hashes),
        asset_selection=assets_to_refresh(extracts, repository.asset_graph)
        if repository else None,
        tags={"trigger": "landing_folder_sensor", "new_files": str(len(scan.new_hashes)),
              "extracts": ",".join(extracts)},
    )
