"""The scorecard's measure ids, read from the one place they are declared: the dbt seed
`measure_catalogue.csv`. The improvement register's contract checks a linked measure against them
(a measure id is either one of these or a project's own `L-` code)."""

from __future__ import annotations

import csv
from functools import cache

from ..settings import DBT_PROJECT_DIR

MEASURE_CATALOGUE = DBT_PROJECT_DIR / "seeds" / "measure_catalogue.csv"


@cache
def catalogue_measure_ids() -> tuple[str, ...]:
    with MEASURE_CATALOGUE.open(newline="", encoding="utf-8") as handle:
        return tuple(row["measure_id"] for row in csv.DictReader(handle))
