"""The command line of a file generator: files written from a declaration (the raw suites from the
contracts, the docs' reference tables), rewritten on demand and checked by a test.

    python -m <generator>           # rewrite what is out of date, saying which files
    python -m <generator> --check   # write nothing; exit 1 if a file is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def generator_main(sync: Callable[[bool], Sequence[Path]], argv: list[str] | None = None) -> int:
    """`sync(write)` regenerates (or, with write false, only compares) and returns the files that
    changed (or would)."""
    argv = sys.argv[1:] if argv is None else argv
    check_only = "--check" in argv
    changed = sync(not check_only)
    for path in changed:
        print(("out of date: " if check_only else "wrote ") + str(path))
    return 1 if (check_only and changed) else 0
