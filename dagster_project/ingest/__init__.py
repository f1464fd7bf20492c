"""Ingestion: landing-folder discovery, file reading, validation, quarantine, load log, assets.

discovery.py  which files to load (extract date, corrections, files still being written)
reader.py     a file as text columns, or FileRejected with one clear message
validate.py   set-based contract checks in DuckDB (rule names documented there)
load.py       the transactional load into raw.<extract>, raw.quarantine, raw.load_log
assets.py     one Dagster asset per contract (`ingest_assets`)
"""

from .load import ExtractLoadResult, FileResult, ensure_tables, load_all, load_extract
from .reader import FileRejected

__all__ = ["ExtractLoadResult", "FileRejected", "FileResult", "ensure_tables", "load_all",
           "load_extract"]
