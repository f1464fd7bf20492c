"""Find the files waiting in an extract's landing folder (specs/extracts.md, "Landing layout").

    <landing>/<extract>/<extract>_<YYYYMMDD>[_<anything>].(csv|parquet|xlsx)

The date in the name is the extract date. Files sharing an extract date are an original and its
corrections: the later name in plain string sort order wins (`x_20250131.csv` sorts before
`x_20250131_v2.csv` because `.` < `_`; note that `_v10` sorts before `_v2`). Only the winner of
each date is returned for loading; the earlier names are reported as superseded.

A file modified less than `stable_seconds` ago is still being written: its whole date group waits
for the next run (so an original is never loaded while its correction is half-copied).
Anything else in the folder is ignored and logged. Sub-folders are not searched.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

log = logging.getLogger(__name__)

EXTENSIONS = ("csv", "parquet", "xlsx")


@dataclass(frozen=True)
class LandedFile:
    path: Path
    extract: str
    extract_date: date
    suffix: str  # the `_<anything>` part without the underscore, "" for an original
    fmt: str  # csv | parquet | xlsx

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Discovery:
    """What one look at a landing folder found."""

    to_load: list[LandedFile] = field(default_factory=list)  # one winner per date, oldest first
    superseded: list[LandedFile] = field(default_factory=list)  # beaten by a later name
    pending: list[str] = field(default_factory=list)  # still being written: next run
    ignored: list[str] = field(default_factory=list)  # not named like an extract file


def name_pattern(extract: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(extract)}_(?P<date>\d{{8}})(?:_(?P<suffix>.+?))?"
        rf"\.(?P<ext>{'|'.join(EXTENSIONS)})$",
        re.IGNORECASE,
    )


def parse_file_name(extract: str, name: str) -> tuple[date, str, str] | None:
    """(extract_date, suffix, format) for a well-named file of `extract`, else None."""
    m = name_pattern(extract).match(name)
    if not m:
        return None
    try:
        d = datetime.strptime(m["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return d, m["suffix"] or "", m["ext"].lower()


def discover(landing_dir: Path | str, extract: str, *, stable_seconds: float = 0.0,
             now: float | None = None) -> Discovery:
    """Group the extract's files by extract date and pick the winner of each date."""
    folder = Path(landing_dir) / extract
    found = Discovery()
    if not folder.is_dir():
        log.info("%s: no landing folder %s", extract, folder)
        return found
    now_ts = time.time() if now is None else now
    groups: dict[date, list[LandedFile]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            log.debug("%s: hidden file %s ignored", extract, path.name)
            continue
        parsed = parse_file_name(extract, path.name) if path.is_file() else None
        if parsed is None:
            log.warning("%s: %s ignored: not named %s_<YYYYMMDD>[_<anything>].(%s)",
                        extract, path.name, extract, "|".join(EXTENSIONS))
            found.ignored.append(path.name)
            continue
        d, suffix, fmt = parsed
        groups.setdefault(d, []).append(LandedFile(path, extract, d, suffix, fmt))

    for d in sorted(groups):
        files = sorted(groups[d], key=lambda f: f.name)
        unstable = [f.name for f in files if now_ts - f.path.stat().st_mtime < stable_seconds]
        if unstable:
            log.info("%s: %s still being written; extract date %s waits for the next run",
                     extract, ", ".join(unstable), d.isoformat())
            found.pending.extend(unstable)
            continue
        *earlier, winner = files
        for f in earlier:
            log.info("%s: %s superseded by %s", extract, f.name, winner.name)
        found.superseded.extend(earlier)
        found.to_load.append(winner)
    return found
