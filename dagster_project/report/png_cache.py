"""Each chart's PNG kept in the pipeline's state, keyed by its final SVG: a chart whose SVG did
not change since a night rasterised it is copied, not rasterised again.

The key is the SHA-256 of the renderer (png.RENDERER: scale, colours, cairosvg and Pillow
versions) and the SVG exactly as the report writes it, after disclosure control: a withheld value
is absent from that SVG, so it cannot be in its PNG, and any change to a chart, a withheld point
included, is a new key and a new rasterisation. A report built from the cache is byte-for-byte the
report built without it.

The cache holds PNGs of row-level-derived charts, so it is the service account's only: folder
0700, files 0600 (written to a temporary file, then renamed, so a reader sees a whole entry or
none). Several builds may share it (a night and a test run): entries are only ever added, read
or removed whole, and an entry that vanishes or fails its check is rasterised again. Entries no
build has used for PRUNE_AFTER_DAYS are removed after each build.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .png import renderer

PRUNE_AFTER_DAYS = 7  # a report built weekly, or a night missed, still finds its charts
_SUFFIX = ".png"
_PNG_START = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"  # the IEND chunk's type and CRC: a whole file ends with it


class PngCache:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.folder.stat().st_mode & 0o077:
            self.folder.chmod(0o700)  # made by something else: nobody else reads the entries
        self.renderer = renderer()

    def entry(self, svg: str) -> Path:
        digest = hashlib.sha256(f"{self.renderer}\n{svg}".encode()).hexdigest()
        return self.folder / f"{digest}{_SUFFIX}"

    def copy_hits(self, jobs: Sequence[tuple[str, Path]]) -> list[tuple[str, Path]]:
        """Write the PNG of every job whose SVG is cached; returns the jobs still to rasterise."""
        todo = []
        for svg, png_path in jobs:
            entry = self.entry(svg)
            try:
                data = entry.read_bytes()
            except FileNotFoundError:
                todo.append((svg, png_path))
                continue
            if not (data.startswith(_PNG_START) and data.endswith(_PNG_END)):
                entry.unlink(missing_ok=True)  # cut short (a crash before the disk caught up)
                todo.append((svg, png_path))
                continue
            png_path.write_bytes(data)
            _touch(entry)
        return todo

    def store(self, jobs: Sequence[tuple[str, Path]]) -> None:
        """Keep the PNGs just rasterised for these jobs."""
        for svg, png_path in jobs:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=_SUFFIX)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(png_path.read_bytes())
                os.replace(tmp, self.entry(svg))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def prune(self, older_than_days: float = PRUNE_AFTER_DAYS) -> int:
        """Remove entries (and temporary files of killed builds) unused for `older_than_days`.
        Returns how many were removed."""
        cutoff = time.time() - older_than_days * 86400
        removed = 0
        for path in self.folder.glob(f"*{_SUFFIX}"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another build pruned it first
                pass
        return removed


def _touch(entry: Path) -> None:
    """An entry's modification time is when a build last used it (what pruning goes by)."""
    try:
        os.utime(entry)
    except FileNotFoundError:
        pass
