"""dbt, wired into Dagster: the project, the translator and the dbt assets."""
