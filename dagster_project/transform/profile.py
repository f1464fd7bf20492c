"""What dbt's profile (dbt_project/profiles.yml) takes from this pipeline's settings.

The pipeline hands dbt these values as `--vars` on its command line, never through os.environ:
settings.py is the one place their defaults live, and dbt runs in its project folder, where a
relative WAREHOUSE_PATH would name another file. The profile falls back to the environment and
to the same defaults (written out again there, checked equal by tests/transform/
test_dbt_profile.py) only when dbt is run by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..settings import Settings

WAREHOUSE_PATH_VAR = "warehouse_path"
MEMORY_LIMIT_VAR = "duckdb_memory_limit"
THREADS_VAR = "dbt_threads"


def profile_vars(settings: Settings, warehouse_path: str) -> dict[str, Any]:
    """The profile's vars for a run against `warehouse_path` (made absolute)."""
    return {WAREHOUSE_PATH_VAR: str(Path(warehouse_path).resolve()),
            MEMORY_LIMIT_VAR: settings.duckdb_memory_limit,
            THREADS_VAR: settings.dbt_threads}


if __name__ == "__main__":
    # `make setup` parses dbt with the vars a run will pass, so the run reuses that parse.
    import json

    from ..settings import get_settings

    print(json.dumps(profile_vars(get_settings(), get_settings().warehouse_path)))
