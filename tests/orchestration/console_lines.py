"""Reading a `python -m dagster_project run` subprocess's console up to a given moment."""

from __future__ import annotations

import subprocess

import pytest


def read_until(run: subprocess.Popen, starts: str, seen: list[str]) -> None:
    """Read the run's console until a line starting with `starts` (the run must not end)."""
    for line in run.stdout:
        seen.append(line)
        if line.lstrip().startswith(starts):
            return
    pytest.fail("the run ended before the moment to stop it:\n" + "".join(seen[-40:]))
