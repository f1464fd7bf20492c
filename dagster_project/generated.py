"""The command line of a file generator: files written from a declaration (the raw suites from the
contracts, the docs' reference tables), rewritten on demand and checked by a test.

    python -m <generator>           # rewrite what is out of date, saying which files
    python -m <generator> --check   # write nothing; exit 1 if a file is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
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


def sync_files(rendered: Mapping[Path, str], write: bool) -> list[Path]:
    """Write each file whose text differs from `rendered` (only when `write`); return those that
    differed: the body of a generator whose files are generated whole."""
    changed = [path for path, text in rendered.items()
               if not path.exists() or path.read_text(encoding="utf-8") != text]
    for path in changed if write else ():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered[path], encoding="utf-8")
    return changed
