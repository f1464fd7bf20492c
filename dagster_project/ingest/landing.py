"""The landing folder's trust rules: which entries may be read, and reading them so that nothing a
supplier controls can redirect the read.

- Only a regular file directly inside `<landing>/<extract>/` is read. A symbolic link, a FIFO, a
  device, a socket or a folder is never followed or opened (a FIFO would block the run for ever,
  a link could point at any file the service can read).
- The file is opened here, with O_NOFOLLOW (a link swapped in after the folder was listed is
  refused too) and O_NONBLOCK (opening a FIFO never waits), and checked with fstat to be a
  regular file. Python reads it through the descriptor; DuckDB is handed `/dev/fd/<n>`, a path
  naming that same open file which no reader can expand as a glob pattern (a name such as
  `incidents_20250131_[v2].csv` would otherwise be read as a pattern matching other files).
- A name with control characters, or bytes that are not UTF-8, is refused: it cannot be shown
  faithfully in a log or a table.
- Files the synthetic generator has just written are listed, with their size and modification
  time, in a hidden marker file `.generated.json` in their folder: a listed file whose size and
  mtime still match is complete, so `make run` does not wait FILE_STABLE_SECONDS for files this
  machine wrote. Any change to the file (a later copy over it) breaks the match.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Self

from .rejection import FileRejected

GENERATED_MARKER = ".generated.json"
MAX_MARKER_BYTES = 1 << 20
FD_DIR = "/dev/fd"  # Linux: opening /dev/fd/<n> opens the file behind descriptor n


def name_problem(name: str) -> str | None:
    """Why a directory entry's name cannot be accepted, or None."""
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in name):
        return "the file name is not valid UTF-8"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in name):
        return "the file name contains control characters"
    return None


def entry_kind(mode: int) -> str | None:
    """What a non-regular entry is (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link, never followed"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), never read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, never read"
    if stat.S_ISSOCK(mode):
        return "a socket, never read"
    return "not a regular file"


def read_error(exc: OSError) -> str:
    """A short reason for an OSError, without the path (which may be long or hostile)."""
    code = errno.errorcode.get(exc.errno or 0, "unknown")
    what = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    return f"cannot be read: {what.lower()} ({code})"


class OpenedFile:
    """A landed file opened safely (see module doc); use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            self.fd = os.open(self.path, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise FileRejected(self.name, "not a regular file: a symbolic link, never "
                                              "followed") from None
            raise FileRejected(self.name, read_error(exc)) from None
        try:
            self.stat = os.fstat(self.fd)
            kind = entry_kind(self.stat.st_mode)
            if kind:
                raise FileRejected(self.name, f"not a regular file: {kind}")
        except BaseException:
            os.close(self.fd)
            raise

    @property
    def reader_path(self) -> str:
        """A path for DuckDB that opens this very file and holds no glob character."""
        return f"{FD_DIR}/{self.fd}"

    def chunks(self, size: int) -> Iterator[bytes]:
        """The file's bytes, `size` at a time (positional reads: the offset is not shared)."""
        offset = 0
        while data := os.pread(self.fd, size, offset):
            offset += len(data)
            yield data

    def read_all(self, size: int = 1 << 24) -> bytes:
        return b"".join(self.chunks(size))

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- files the generator wrote ----------------------------------------------------------------

def generated_files(folder: Path) -> dict[str, tuple[int, int]]:
    """name -> (size, mtime_ns) from the folder's marker; {} if absent or unreadable."""
    try:
        with OpenedFile(Path(folder) / GENERATED_MARKER) as marker:
            if marker.stat.st_size > MAX_MARKER_BYTES:
                return {}
            listed = json.loads(marker.read_all())
        return {str(name): (int(v[0]), int(v[1])) for name, v in listed.items()}
    except (FileRejected, ValueError, TypeError, AttributeError, IndexError, OSError):
        return {}


def record_generated(path: Path) -> None:
    """List `path` (just written, closed) in its folder's marker, atomically."""
    folder = Path(path).parent
    listed = generated_files(folder)
    st = os.stat(path)
    listed[Path(path).name] = (st.st_size, st.st_mtime_ns)
    tmp = folder / f"{GENERATED_MARKER}.tmp"
    tmp.write_text(json.dumps(listed, sort_keys=True))
    os.replace(tmp, folder / GENERATED_MARKER)


def is_generated(listed: dict[str, tuple[int, int]], name: str, size: int, mtime_ns: int) -> bool:
    return listed.get(name) == (size, mtime_ns)
