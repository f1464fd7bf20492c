"""dbt's parse state (partial_parse.msgpack), kept once per set of dbt arguments it depends on.

dbt reuses a stored parse only when the run's --vars, --profile and --target and the profile's
connection are those it was made with: the warehouse path is among them. One shared state file,
written back by every run, was replaced by another warehouse's run (tests side by side, two runs
at once) between a night's two dbt steps, and the second step parsed the whole project again
(9 s of a 38 s step on the small trust). Keyed by those arguments, each run reads the state its
own arguments produced: the step after the verdicts, and the next night on the same warehouse,
always reuse the first step's parse.

A state for arguments never seen is absent: dagster-dbt then seeds the run with the project's
`target/partial_parse.msgpack` (what `make setup`'s `dbt parse` wrote, with the settings' vars).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# The dbt arguments whose values dbt's parse state check compares (with the profile they select).
PARSE_KEY_ARGS = ("--vars", "--profile", "--target")
# States kept in the store, newest first: every warehouse a test builds has its own key.
STATES_KEPT = 16


def state_store(project_dir: Path) -> Path:
    return Path(project_dir) / "target" / "partial_parse"


def parse_key(args: Sequence[str]) -> str:
    """What identifies the parse `args` make: the values of the arguments dbt's check reads."""
    args = list(args)
    keyed = [(name, args[args.index(name) + 1]) for name in PARSE_KEY_ARGS
             if name in args[:-1]]
    return hashlib.sha256(repr(keyed).encode()).hexdigest()[:32]


def seed_parse_state(run_target: Path, store: Path, args: Sequence[str]) -> bool:
    """Put the state `args` made last time where this run's dbt reads it; False if none."""
    state = Path(store) / f"{parse_key(args)}.msgpack"
    Path(run_target).mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(state, Path(run_target) / PARTIAL_PARSE_FILE)
    except FileNotFoundError:  # never made, or pruned by another run just now
        return False
    return True


def keep_parse_state(run_target: Path, store: Path, args: Sequence[str]) -> None:
    """Keep the state this run's dbt wrote, under its arguments' key; prune the oldest."""
    produced = Path(run_target) / PARTIAL_PARSE_FILE
    if not produced.exists():
        return
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    key = parse_key(args)
    temporary = store / f".{key}.{os.getpid()}"
    shutil.copyfile(produced, temporary)
    os.replace(temporary, store / f"{key}.msgpack")  # atomic: a reader never sees half
    states = sorted(store.glob("*.msgpack"), key=_modified, reverse=True)
    for old in states[STATES_KEPT:]:
        old.unlink(missing_ok=True)


def _modified(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:  # pruned by another run meanwhile
        return 0
