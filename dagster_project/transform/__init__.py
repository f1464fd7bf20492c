"""dbt, wired into Dagster: the project, the translator and the dbt assets."""

# The dbt ops' names, read by the runner, the console and the timings: defined here, where
# importing them loads nothing (the assets module loads dagster-dbt and the manifest).
DBT_OP = "dbt_models"
AFTER_VERDICTS_OP = "dbt_models_after_verdicts"
DBT_OPS = (DBT_OP, AFTER_VERDICTS_OP)
