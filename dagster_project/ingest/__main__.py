"""`python -m dagster_project.ingest`: load every extract from LANDING_DIR into WAREHOUSE_PATH
and print a summary (the same code the assets run, without Dagster)."""

from ..resources import WarehouseResource
from ..settings import get_settings
from .load import load_all


def main() -> None:
    settings = get_settings()
    # The same lock as the pipeline's steps: this can run beside a scheduled run.
    with WarehouseResource().connect() as con:
        for result in load_all(con, settings.landing_dir).values():
            print(result.summary())
            for f in result.files:
                print(f"  {f.file_name}: {f.status}: {f.message} ({f.seconds:.2f}s)")


if __name__ == "__main__":
    main()
