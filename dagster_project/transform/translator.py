"""Maps dbt resources onto Dagster asset keys from what the manifest says, never from model names:
a source becomes the ingestion asset that loads it (`raw/<table>`), a model or seed becomes
`<schema>/<name>`, grouped by the layer folder it lives in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class ProjectDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        # Every dbt test becomes a Dagster asset check on the model it tests.
        super().__init__(DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        props = dbt_resource_props
        name = props.get("identifier") if props["resource_type"] == "source" else None
        return dg.AssetKey([props["schema"], name or props.get("alias") or props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "catalogue"
        # fqn is [project, layer folder, ..., name]
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"
