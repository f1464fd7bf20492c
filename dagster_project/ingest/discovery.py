"""Find the files waiting in an extract's landing folder (docs/extracts.md, "Landing layout").

    <landing>/<extract>/<extract>_<YYYYMMDD>[_<anything>].(csv|parquet|xlsx)[.ctl]

The date in the name is the extract date. Files sharing an extract date are an original and its
corrections: the later name in plain string sort order wins (`x_20250131.csv` sorts before
`x_20250131_v2.csv` because `.` < `_`; note that `_v10` sorts before `_v2`). Only the winner of
each date is returned for loading; the earlier names are reported as superseded.

The folder's entries are judged by their own metadata (lstat), never by what they point at
(landing.py has the rules). Refused, each with its reason, for a `rejected` load-log row: a
symbolic link, FIFO, device, socket or folder named like an extract file; a name with control
characters or bytes that are not UTF-8; an extract date later than `latest_date` (tomorrow, for
the loader: a date decades ahead would let rows dated decades ahead through the "not after the
extract date" rules). `<data file>.ctl` is the data file's control file (control.py), not a file
of its own; one with no data file beside it is ignored.

A file modified less than `stable_seconds` ago (it, or its control file) is still being written:
its whole date group waits for the next run (so an original is never loaded while its correction
is half-copied), unless the synthetic generator listed it, unchanged, as complete (landing.py).
Anything else in the folder is ignored and logged. Sub-folders are not searched. The landing
sensor calls `discover` too, so it applies exactly these rules.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .control import CONTROL_SUFFIX
from .landing import entry_kind, generated_files, is_generated, name_problem, read_error
from .rejection import shown

log = logging.getLogger(__name__)

EXTENSIONS = ("csv", "parquet", "xlsx")


@dataclass(frozen=True)
class LandedFile:
    path: Path
    extract: str
    extract_date: date
    suffix: str  # the `_<anything>` part without the underscore, "" for an original
    fmt: str  # csv | parquet | xlsx
    size: int = 0  # as listed (lstat)
    mtime_ns: int = 0
    control: Path | None = None  # `<name>.ctl` beside it, if any

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Refusal:
    """An entry named like an extract file that must not be read, and why."""

    name: str  # as shown (control characters escaped): the load log's file_name
    extract_date: date | None
    reason: str


@dataclass
class Discovery:
    """What one look at a landing folder found."""

    to_load: list[LandedFile] = field(default_factory=list)  # one winner per date, oldest first
    superseded: list[LandedFile] = field(default_factory=list)  # beaten by a later name
    pending: list[str] = field(default_factory=list)  # still being written: next run
    ignored: list[str] = field(default_factory=list)  # not named like an extract file
    refused: list[Refusal] = field(default_factory=list)  # named like one, but not readable


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


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def discover(landing_dir: Path | str, extract: str, *, stable_seconds: float = 0.0,
             now: float | None = None, latest_date: date | None = None) -> Discovery:
    """Group the extract's files by extract date and pick the winner of each date."""
    folder = Path(landing_dir) / extract
    found = Discovery()
    if folder.is_symlink():
        log.warning("%s: landing folder %s is a symbolic link: not followed", extract, folder)
        found.ignored.append(folder.name)
        return found
    if not folder.is_dir():
        log.info("%s: no landing folder %s", extract, folder)
        return found
    now_ts = time.time() if now is None else now
    try:
        entries = _entries(folder)
    except OSError as exc:  # a folder the service may not list: this extract waits, nothing stops
        log.error("%s: landing folder %s %s", extract, folder, read_error(exc))
        return found
    names = {e.name for e in entries}
    groups: dict[date, list[LandedFile]] = {}
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            log.debug("%s: hidden file %s ignored", extract, shown(name))
            continue
        problem = name_problem(name)
        parsed = parse_file_name(extract, name)
        if problem is None and name.endswith(CONTROL_SUFFIX) and \
                name[: -len(CONTROL_SUFFIX)] in names and parse_file_name(
                    extract, name[: -len(CONTROL_SUFFIX)]):
            continue  # a control file: read with its data file
        if problem:
            clean = "".join(ch if ch.isprintable() and ch.isascii() else "_" for ch in name)
            again = parse_file_name(extract, clean)
            found.refused.append(Refusal(shown(name), again[0] if again else None, problem))
            continue
        if parsed is None:
            log.warning("%s: %s ignored: not named %s_<YYYYMMDD>[_<anything>].(%s)",
                        extract, shown(name), extract, "|".join(EXTENSIONS))
            found.ignored.append(name)
            continue
        d, suffix, fmt = parsed
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:  # gone since the listing (taken back by its supplier): next run
            log.info("%s: %s vanished while the folder was read", extract, name)
            continue
        kind = entry_kind(st.st_mode)
        if kind:
            found.refused.append(Refusal(name, d, f"not a regular file: {kind}"))
            continue
        if latest_date is not None and d > latest_date:
            found.refused.append(Refusal(
                name, d, f"the extract date in the name, {d.isoformat()}, is later than "
                         f"tomorrow ({latest_date.isoformat()})"))
            continue
        ctl = name + CONTROL_SUFFIX
        groups.setdefault(d, []).append(LandedFile(
            folder / name, extract, d, suffix, fmt, st.st_size, st.st_mtime_ns,
            folder / ctl if ctl in names else None))

    listed = generated_files(folder) if groups and stable_seconds > 0 else {}

    def still_written(f: LandedFile) -> bool:
        if is_generated(listed, f.name, f.size, f.mtime_ns):
            return False
        mtimes = [f.mtime_ns]
        if f.control is not None:
            try:
                mtimes.append(f.control.lstat().st_mtime_ns)
            except OSError:
                pass
        return any(now_ts - m / 1e9 < stable_seconds for m in mtimes)

    for d in sorted(groups):
        files = sorted(groups[d], key=lambda f: f.name)
        unstable = [f.name for f in files if still_written(f)]
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
    for r in found.refused:
        log.warning("%s: %s rejected: %s", extract, r.name, r.reason)
    return found
