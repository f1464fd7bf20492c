"""Who may read what the pipeline writes: its owner and its group, never everyone.

The warehouse holds row-level incident data (ethnic group, IMD decile), and the logs, the
published files and the report all derive from it. Every file and folder the pipeline creates
(the warehouse and its `.lock`, `.wal` and `.tmp` spill folder, the published folder, the report,
DAGSTER_HOME) takes its mode from one process umask, set by `apply_output_permissions()` at every
entry point: the Dagster definitions when they load (so `dagster dev`'s code server and every run
worker), the CLI runner through them, and `python -m dagster_project.permissions <command>` for
the processes that load no definitions (`make dev` starts `dagster dev` through it). dbt and
every other child process inherits the umask. One setting chooses it:

    OUTPUT_PERMISSIONS=group   (default) files 0640, folders 0750: the service account reads and
                               writes, its group (the analysts, the BI service) reads
    OUTPUT_PERMISSIONS=owner   files 0600, folders 0700: the service account only

What already exists from before (or was copied in by a tool that keeps modes, like `cp`) is
brought into line at each start: the output folders themselves, the files directly in them and
the warehouse's own files lose the bits the setting takes away; a folder without them already
keeps everyone else out of everything inside it.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from .settings import get_settings

SETTING = "OUTPUT_PERMISSIONS"
UMASKS = {"group": 0o027, "owner": 0o077}
WAREHOUSE_COMPANIONS = (".wal", ".lock", ".tmp")  # DuckDB's and our files beside the warehouse


def output_umask(choice: str | None = None) -> int:
    choice = get_settings().output_permissions if choice is None else choice
    if choice not in UMASKS:
        raise ValueError(f"{SETTING}={choice!r}: use one of {', '.join(sorted(UMASKS))}")
    return UMASKS[choice]


def folder_mode() -> int:
    """The mode of a folder made now (for code that must set one explicitly, e.g. mkdtemp)."""
    return 0o777 & ~output_umask()


def _tighten(path: Path, umask: int) -> None:
    try:
        info = path.lstat()
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & umask:
        return
    try:
        path.chmod(stat.S_IMODE(info.st_mode) & ~umask)
    except PermissionError:  # not ours to change: said by the permissions test, not here
        pass


def output_roots() -> list[Path]:
    """The folders the pipeline writes into (and owns)."""
    settings = get_settings()
    return [settings.publish_dir, settings.report_dir, settings.dagster_home]


def apply_output_permissions() -> int:
    """Set the process umask from OUTPUT_PERMISSIONS and bring existing outputs into line.
    Returns the umask set."""
    umask = output_umask()
    os.umask(umask)
    warehouse = get_settings().warehouse_path
    for path in [warehouse, *(warehouse.with_name(warehouse.name + suffix)
                              for suffix in WAREHOUSE_COMPANIONS)]:
        _tighten(path, umask)
    for root in output_roots():
        _tighten(root, umask)
        if root.is_dir() and not root.is_symlink():
            for child in root.iterdir():
                if child.is_file() and not child.is_symlink():
                    _tighten(child, umask)
    return umask


if __name__ == "__main__":  # python -m dagster_project.permissions <command> [args...]
    if len(sys.argv) < 2:
        sys.exit("usage: python -m dagster_project.permissions <command> [args...]: runs the "
                 f"command with the umask of {SETTING}")
    apply_output_permissions()
    os.execvp(sys.argv[1], sys.argv[1:])
