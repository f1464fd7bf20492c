"""The impact step sits between two dbt selections in the nightly job: the verdicts read the
scorecard before M11, and M11 (a dbt model reading the verdicts through the dbt source
`improvement_verdicts`) enters the scorecard after them. One dbt selection would be a cycle;
this checks the job runs dbt, then the verdicts, then dbt again, on the real definitions and
the prepared dbt manifest."""

import dagster as dg

from dagster_project.definitions import build_definitions
from dagster_project.jobs import NIGHTLY_JOB_NAME
from dagster_project.transform.assets import AFTER_VERDICTS_OP, DBT_OP

IMPACT = dg.AssetKey(["marts", "fct_qi_impact"])
SCORECARD = dg.AssetKey(["marts", "fct_scorecard_monthly"])
M11 = dg.AssetKey(["intermediate", "int_measure_values_qi_outcomes"])


def test_dbt_runs_before_and_after_the_impact_step():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    # the M11 family model reads the verdicts (a dbt source mapped onto the asset's key) ...
    assert IMPACT in graph.get(M11).parent_keys
    # ... and the verdicts read the scorecard's series before M11, never the scorecard itself
    parents = graph.get(IMPACT).parent_keys
    assert dg.AssetKey(["intermediate", "int_scorecard_values_before_verdicts"]) in parents
    assert SCORECARD not in parents

    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    deps = job.graph.dependency_structure
    upstream = {n.name: {o.node_name for o in deps.all_upstream_outputs_from_node(n.name)}
                for n in job.graph.nodes}
    # exactly two dbt steps (Dagster did not have to split a cycle), in this order
    assert sorted(n for n in upstream if n.startswith("dbt_models")) == sorted(
        [DBT_OP, AFTER_VERDICTS_OP])
    assert DBT_OP in upstream["impact_verdicts"]
    assert "impact_verdicts" in upstream[AFTER_VERDICTS_OP]
    assert AFTER_VERDICTS_OP not in upstream[DBT_OP]
    selections = {a.node_def.name: a.keys for a in defs.assets
                  if isinstance(a, dg.AssetsDefinition) and a.is_executable
                  and a.node_def.name in (DBT_OP, AFTER_VERDICTS_OP)}
    assert {M11, SCORECARD} <= selections[AFTER_VERDICTS_OP]
    assert dg.AssetKey(["marts", "dim_qi_project"]) in selections[DBT_OP]
