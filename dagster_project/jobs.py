"""The main job: every asset, landing files to the published report."""

from __future__ import annotations

import dagster as dg

from .hooks import record_failed_run

NIGHTLY_JOB_NAME = "nightly"


def nightly_job() -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        NIGHTLY_JOB_NAME,
        selection=dg.AssetSelection.all(),
        description="Ingest the landing folder, build the scorecard, chart it, check it, "
                    "publish it and write the report.",
        hooks={record_failed_run},
    )
