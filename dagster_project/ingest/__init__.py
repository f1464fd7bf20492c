"""Ingestion: landing-folder discovery, file reading, validation, quarantine, load log, assets.

landing.py    the landing folder's trust rules: which entries may be read, opened safely
discovery.py  which files to load (extract date, corrections, files still being written)
control.py    `<file>.ctl` control files: row count and sha256, verified when present
rejection.py  FileRejected and its message: file, line, rule; never content; capped
reader.py     a file as text columns, or FileRejected with one clear message
validate.py   set-based contract checks in DuckDB (rule names documented there)
load.py       the transactional load into raw.<extract>, raw.quarantine, raw.load_log
parallel.py   files read and validated side by side in worker processes (INGEST_WORKERS)
assets.py     one Dagster asset per contract (`ingest_assets`)
"""

from .load import ExtractLoadResult, FileResult, ensure_tables, load_all, load_extract
from .reader import FileRejected

__all__ = ["ExtractLoadResult", "FileRejected", "FileResult", "ensure_tables", "load_all",
           "load_extract"]
