"""What other stages need to know of a dbt model or seed: its asset key and its relation, read from
the prepared manifest through the project's dagster-dbt translator (translator.py), so the key
rule is written once and no stage spells a dbt asset key by hand.

The manifest is read when a key is first asked for (dagster-dbt caches it: the dbt assets share
the same copy), never when this module is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt.dbt_manifest import validate_manifest
from dagster_dbt.utils import ASSET_RESOURCE_TYPES

from .project import dbt_project
from .translator import ProjectDbtTranslator


@cache
def _nodes_by_name() -> Mapping[str, Mapping[str, Any]]:
    path = dbt_project().manifest_path
    if not path.exists():
        raise FileNotFoundError(f"dbt manifest missing at {path}: run `make setup` (it runs "
                                "`dbt parse`) before loading the Dagster definitions")
    nodes = validate_manifest(path)["nodes"].values()
    # A model, seed or snapshot by its name, as dagster-dbt's get_asset_key_for_model finds it.
    return {n["name"]: n for n in nodes if n["resource_type"] in ASSET_RESOURCE_TYPES}


def dbt_node(name: str) -> Mapping[str, Any]:
    try:
        return _nodes_by_name()[name]
    except KeyError:
        raise KeyError(f"no dbt model, seed or snapshot named {name!r} in the manifest") from None


def dbt_asset_key(name: str) -> dg.AssetKey:
    """The asset key of dbt model (or seed) `name`: the translator's, as dbt assets get it."""
    return ProjectDbtTranslator().get_asset_key(dbt_node(name))


def dbt_relation(name: str) -> str:
    """`<schema>.<table>` that dbt builds model (or seed) `name` into."""
    node = dbt_node(name)
    return f"{node['schema']}.{node.get('alias') or node['name']}"


def dbt_models_in(folder: str) -> list[str]:
    """The names of the models under `models/<folder>/` (fqn: project, folder, ..., name)."""
    return sorted(name for name, node in _nodes_by_name().items()
                  if node["resource_type"] == "model" and node["fqn"][1:2] == [folder])


def built_when_first_asked(module: str, name: str,
                           build: Callable[[], Any]) -> Callable[[str], Any]:
    """A module `__getattr__` that builds attribute `name` once, when first asked for: an asset
    whose upstream keys come from the manifest is built when the definitions load, not at import."""
    built = cache(build)

    def __getattr__(attribute: str):
        if attribute == name:
            return built()
        raise AttributeError(f"module {module!r} has no attribute {attribute!r}")

    return __getattr__
