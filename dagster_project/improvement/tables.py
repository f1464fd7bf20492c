"""The tables the impact step reads and writes, as (schema, table): named once, here."""

# The dbt models and seed the impact step reads, by name: their relations and asset keys come
# from the dbt manifest (transform/keys.py).
SCORECARD_SERIES = "int_scorecard_values_before_verdicts"
LOCAL_SERIES = "int_qi_measure_series"
PROJECTS = "dim_qi_project"
LINKS = "fct_qi_project_measures"
CHANGES = "fct_qi_changes"
SPREAD = "fct_qi_spread"
REBASE_SEED = "spc_rebase_dates"
INPUTS = (SCORECARD_SERIES, LOCAL_SERIES, PROJECTS, LINKS, CHANGES, SPREAD, REBASE_SEED)

IMPACT = ("marts", "fct_qi_impact")
IMPACT_POINTS = ("marts", "fct_qi_impact_points")
# schema spc is published as a whole (publish/assets.py): these reach `published` by name
PUBLISHED_IMPACT = ("spc", "qi_impact")
ANNOTATIONS = ("spc", "spc_annotations")
PROPOSALS = ("spc", "spc_rebase_proposals")


def relation(table: tuple[str, str]) -> str:
    return ".".join(table)
