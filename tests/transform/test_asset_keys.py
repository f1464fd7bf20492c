"""Asset keys of dbt models come from dagster-dbt (transform/keys.py), never spelt by hand: the
key every other stage asks for is the one dagster-dbt's get_asset_key_for_model gives."""

from dagster_dbt import get_asset_key_for_model

from dagster_project.spc.assets import INPUTS, spc_tables
from dagster_project.transform.assets import build_dbt_assets
from dagster_project.transform.keys import _nodes_by_name, dbt_asset_key


def test_every_model_and_seed_key_is_dagster_dbts_own():
    dbt_assets = [build_dbt_assets()]
    names = sorted(_nodes_by_name())
    assert len(names) > 50
    for name in names:
        assert dbt_asset_key(name) == get_asset_key_for_model(dbt_assets, name), name


def test_the_spc_asset_depends_on_the_dbt_assets_it_reads():
    dbt_keys = set(build_dbt_assets().keys)
    deps = {dep.asset_key for spec in spc_tables.specs for dep in spec.deps}
    assert deps == {dbt_asset_key(m) for m in INPUTS}
    assert deps <= dbt_keys  # each is an asset dbt materialises
