"""The Dagster asset: key, group, dependency, read-only warehouse, metadata."""

from __future__ import annotations

import dagster as dg

from dagster_project.report.assets import integrated_performance_report, report_assets
from dagster_project.resources import WarehouseResource

from .conftest import build_frames, subset, write_warehouse


def test_asset_definition():
    assert report_assets == [integrated_performance_report]
    key = dg.AssetKey(["report", "integrated_performance_report"])
    assert integrated_performance_report.key == key
    assert integrated_performance_report.group_names_by_key[key] == "report"
    deps = integrated_performance_report.asset_deps[key]
    assert deps == {dg.AssetKey(["published", "tables"])}
    assert "warehouse" in integrated_performance_report.required_resource_keys


def test_materialise_writes_report_with_metadata(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    write_warehouse(warehouse, subset(build_frames(n_csus=1), {"D02", "Q03", "M02"}))
    monkeypatch.setenv("REPORT_DIR", str(tmp_path / "report"))
    monkeypatch.setenv("REPORT_PNG_CACHE_DIR", str(tmp_path / "png_cache"))
    result = dg.materialize(
        [integrated_performance_report],
        resources={"warehouse": WarehouseResource(path=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["path"].value == str(tmp_path / "report" / "index.html")
    # summary, 3 measures, 1 CSU, the Improvement portfolio
    assert metadata["pages"].value == 1 + 3 + 1 + 1
    assert metadata["charts"].value == 2 * 3 + 1  # both levels, and Q03's g chart
    assert metadata["seconds"].value > 0
    assert (tmp_path / "report" / "index.html").is_file()
    # every chart's PNG kept in the cache the setting names, for the next night
    assert metadata["pngs_from_cache"].value == 0
    assert len(list((tmp_path / "png_cache").glob("*.png"))) == metadata["charts"].value
