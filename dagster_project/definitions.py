"""The one place the Dagster definitions are assembled.

`defs` is built when the code location loads (not at import), from a dbt manifest that the
setup step prepared; settings are read then, never at import.
"""

from __future__ import annotations

import dagster as dg

from .permissions import apply_output_permissions
from .resources import WarehouseResource
from .telemetry import switch_off_telemetry


def build_definitions() -> dg.Definitions:
    switch_off_telemetry()  # however the code location is started
    apply_output_permissions()  # owner/group only, for everything this process and dbt write
    from .improvement.assets import impact_verdicts
    from .ingest.assets import ingest_assets
    from .jobs import nightly_job
    from .publish.assets import publish_assets
    from .quality.checks import quality_checks
    from .report.assets import report_assets
    from .schedules import nightly_schedule
    from .sensors import landing_folder_sensor
    from .spc.assets import spc_tables
    from .transform.assets import build_dbt_selections
    from .transform.resource import dbt_resource

    return dg.Definitions(
        assets=[*ingest_assets, *build_dbt_selections(), impact_verdicts, spc_tables,
                *publish_assets, *report_assets],
        asset_checks=[*quality_checks],
        jobs=[nightly_job()],
        schedules=[nightly_schedule()],
        sensors=[landing_folder_sensor],
        resources={
            "warehouse": WarehouseResource(),
            "dbt": dbt_resource(),
        },
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
