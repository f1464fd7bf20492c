"""Control files: `<data file name>.ctl` beside a delivery, the count-and-checksum convention of
NHS data feeds, so a file cut short in transit is refused rather than loaded as complete.

Format (UTF-8 text, at most 4 KiB; blank lines and lines starting with `#` are ignored):

    rows=1234
    sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08

`rows` is the number of data rows (the header not counted; for a workbook, the non-empty rows of
the first sheet), `sha256` the hex digest of the data file's bytes. Either may be left out, but
not both. A control file is optional; when present it must be a regular file, well formed, and
match, or the data file is rejected with the reason. It is never loaded itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .landing import OpenedFile, read_error
from .rejection import FileRejected, shown

CONTROL_SUFFIX = ".ctl"
MAX_CONTROL_BYTES = 4096
_LINE = re.compile(r"(rows)=(\d{1,15})|(sha256)=([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Control:
    name: str
    rows: int | None
    sha256: str | None


def control_name(data_name: str) -> str:
    return data_name + CONTROL_SUFFIX


def read_control(data_name: str, path: Path) -> Control:
    """The control file at `path` for data file `data_name`; FileRejected (against the data
    file) if it cannot be read or is not well formed."""
    ctl = Path(path).name
    try:
        with OpenedFile(path) as opened:
            if opened.stat.st_size > MAX_CONTROL_BYTES:
                raise FileRejected(data_name, f"control file {shown(ctl)}: larger than "
                                              f"{MAX_CONTROL_BYTES} bytes")
            data = opened.read_all()
    except FileRejected as exc:
        if exc.file == data_name:
            raise
        raise FileRejected(data_name, f"control file {shown(ctl)}: {exc.reason}") from None
    except OSError as exc:
        raise FileRejected(data_name, f"control file {shown(ctl)}: {read_error(exc)}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected(data_name, f"control file {shown(ctl)}: not UTF-8 text") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.fullmatch(line)
        if not m or (m[1] or m[3]) in values:
            raise FileRejected(data_name, f"control file {shown(ctl)} line {number}: expected "
                                          "one of rows=<count>, sha256=<64 hex digits>, "
                                          "each once")
        key = m[1] or m[3]
        values[key] = m[2] or m[4]
    if not values:
        raise FileRejected(data_name, f"control file {shown(ctl)}: no rows= or sha256= line")
    rows = values.get("rows")
    return Control(ctl, int(rows) if rows is not None else None,
                   values["sha256"].lower() if "sha256" in values else None)


def check_hash(data_name: str, control: Control, content_hash: str) -> None:
    if control.sha256 is not None and control.sha256 != content_hash:
        raise FileRejected(data_name, f"sha256 does not match control file {shown(control.name)} "
                                      "(the file is incomplete or was changed in transit)")


def check_rows(data_name: str, control: Control, rows_in: int) -> None:
    if control.rows is not None and control.rows != rows_in:
        raise FileRejected(data_name, f"{rows_in} data rows, but control file "
                                      f"{shown(control.name)} says {control.rows} (the file is "
                                      "incomplete or was changed in transit)")
