"""Time the load of one mandatory_training snapshot of N rows (default 200k) into a fresh warehouse.

    .venv/bin/python tests/ingest/bench_load.py [rows]

Not collected by pytest (the name does not start with test_).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from ingest_helpers import NOW, Landing, load  # noqa: E402

from dagster_project.resources import connect_warehouse  # noqa: E402

COMPETENCES = ["CSTF_CONFLICT", "CSTF_EQUALITY", "CSTF_FIRE", "CSTF_HEALTH_SAFETY",
               "CSTF_INFECTION", "CSTF_INFO_GOV", "CSTF_MOVING_HANDLING", "CSTF_PREVENT",
               "CSTF_RESUS", "CSTF_SAFEGUARD_ADULTS", "CSTF_SAFEGUARD_CHILDREN"]


def main(rows: int = 200_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        landing = Landing(Path(tmp) / "landing")
        landing.write_rows("org_structure")
        path = landing.path("mandatory_training", "mandatory_training_20250131.csv")
        gen = duckdb.connect()
        comp = "[" + ", ".join(f"'{c}'" for c in COMPETENCES) + "]"
        gen.execute(f"""
            COPY (SELECT '2025-01-31' AS snapshot_date,
                   'P' || lpad(CAST(i // 11 AS VARCHAR), 6, '0') AS person_key,
                   CASE WHEN i % 3 = 0 THEN 'CSU_SURG' ELSE 'CSU_MED' END AS csu_code,
                   'nursing_midwifery_registered' AS staff_group,
                   {comp}[i % 11 + 1] AS competence_code,
                   'NHS|CSTF|Something - 2 Years|' AS competence_name,
                   CASE WHEN i % 7 = 0 THEN 'N' ELSE 'Y' END AS required,
                   CASE WHEN i % 5 = 0 THEN 'expired' ELSE 'compliant' END AS status,
                   CASE WHEN i % 1000 = 0 THEN '31/02/2024' ELSE '01/06/2024' END AS achieved_date,
                   '2026-06-01' AS expiry_date
                  FROM range({rows}) t(i)) TO '{path}' (HEADER)""")
        gen.close()
        size = path.stat().st_size
        con = connect_warehouse(str(Path(tmp) / "w.duckdb"))
        load(con, landing, "org_structure")
        t0, c0 = time.perf_counter(), time.process_time()
        result = load(con, landing, "mandatory_training")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        f = result.files[0]
        print(f"{rows} rows, {size / 1e6:.1f} MB: {f.status} in {elapsed:.2f}s wall, "
              f"{cpu:.2f}s CPU "
              f"(loaded {f.rows_loaded}, quarantined {f.rows_quarantined}; "
              f"load average {os.getloadavg()[0]:.1f})")
        t0 = time.perf_counter()
        again = load(con, landing, "mandatory_training", NOW)
        print(f"re-run (unchanged, hash only): {time.perf_counter() - t0:.3f}s, "
              f"unchanged={again.unchanged}")
        con.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
