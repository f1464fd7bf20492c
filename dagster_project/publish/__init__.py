"""Write-audit-publish: the gated, atomic copy into schema `published` and Parquet files.

publish.py  `publish(con, publish_dir, run_id, tables) -> PublishResult` (pure; no Dagster run)
assets.py   the `published/tables` asset (`publish_assets`) that calls it
"""
