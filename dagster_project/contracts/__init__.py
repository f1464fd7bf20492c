"""The extract contracts (docs/extracts.md), declared once for the loader, quarantine, docs and tests."""

from .extracts import CONTRACTS, CONTRACTS_BY_NAME
from .model import Column, Contract, Reference, RowRule

LINEAGE_COLUMNS = (
    ("_extract_date", "DATE"),
    ("_file_name", "VARCHAR"),
    ("_content_hash", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)

__all__ = [
    "CONTRACTS", "CONTRACTS_BY_NAME", "LINEAGE_COLUMNS",
    "Column", "Contract", "Reference", "RowRule",
]
