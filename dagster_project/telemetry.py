"""Telemetry off for every tool in the stack, switched in this one place.

Dagster, dbt and Great Expectations each read an environment variable; a process of this
pipeline switches them off before it imports or starts any of them (the dbt process inherits
them). The tools' own configuration says the same where they read one: `dagster.yaml`
(`telemetry: enabled: false`) and `dbt_project.yml` (`flags: send_anonymous_usage_stats`).
"""

from __future__ import annotations

import os

TELEMETRY_OFF = {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
}


def switch_off_telemetry() -> None:
    """Overrides whatever the environment said: the pipeline never sends telemetry."""
    os.environ.update(TELEMETRY_OFF)
