"""Import Great Expectations in the background while the extracts load.

Importing GX takes 5-10 s of one core (it pulls in pandas, SQLAlchemy, SciPy and Altair). The
loads before the first check spend most of their time inside DuckDB, which releases the GIL, so
a background import costs them little; the first check then finds GX imported (or waits on
Python's import lock for the rest of it), instead of paying for all of it.
"""

from __future__ import annotations

import threading

_started = threading.Event()


def _import() -> None:
    try:
        from .gx_runner import gx_context

        gx_context()
    except Exception:  # noqa: BLE001 - the check that needs GX reports the real error
        pass


def warm_up_great_expectations() -> None:
    """Start the import once per process (later calls return at once)."""
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_import, name="gx-warm-up", daemon=True).start()
