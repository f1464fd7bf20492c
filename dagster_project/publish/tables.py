"""What gets published, declared once: every dbt model under `models/published/` (its alias is
the published name), the tables the SPC and impact assets write, and the check summary.

Nothing is found by scanning a schema: a table is published because it is declared here (a dbt
model by where it lives), so lineage, docs and the disclosure registry cover every one of them
(tests/publish/test_published_tables.py: every declared table is in disclosure.REGISTRY).
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from ..improvement.tables import ANNOTATIONS, PROPOSALS, PUBLISHED_IMPACT
from ..spc.tables import PUBLISHED_SPC_TABLES, SIGNALS, SPC_SCHEMA, SPC_TABLES
from ..transform.keys import dbt_asset_key, dbt_models_in, dbt_relation

# dbt's folder of publication candidates (`dbt_project/models/published/`)
PUBLISHED_MODELS_FOLDER = "published"
# written by the quality step's history (quality/history.py), after every check of the run
CHECK_SUMMARY = "quality.check_summary"


@dataclass(frozen=True)
class PublishedTable:
    name: str  # published.<name> and <PUBLISH_DIR>/<name>/
    source: str  # the relation it is copied from
    asset_key: dg.AssetKey | None  # the asset that writes the source (None: the checks)


def published_tables() -> list[PublishedTable]:
    """Every published table, in publication order."""
    tables = [PublishedTable(dbt_relation(m).split(".")[-1], dbt_relation(m), dbt_asset_key(m))
              for m in dbt_models_in(PUBLISHED_MODELS_FOLDER)]
    # the SPC asset writes its history beside its outputs: it comes with the signals
    tables += [PublishedTable(t, f"{SPC_SCHEMA}.{t}",
                              dg.AssetKey([SPC_SCHEMA, t if t in SPC_TABLES else SIGNALS]))
               for t in PUBLISHED_SPC_TABLES]
    tables += [PublishedTable(t[1], ".".join(t), dg.AssetKey(list(t)))
               for t in (PUBLISHED_IMPACT, ANNOTATIONS, PROPOSALS)]
    tables.append(PublishedTable(CHECK_SUMMARY.split(".")[-1], CHECK_SUMMARY, None))
    return tables
