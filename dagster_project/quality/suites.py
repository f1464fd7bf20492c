"""The suites in `expectations/`: where they are, and the raw-table suites generated from CONTRACTS.

A raw table's suite has two kinds of expectation, told apart by `meta.source`:
- `contract`: generated from the extract's contract: what the loader cannot see (columns present,
  referential coverage now, the row count within a band of the previous delivery), each an
  aggregate query in DuckDB. The row-level rules (required, value sets, ranges, patterns, the
  key, the cross-field rules) are checked once, by the loader, which quarantines a breaking row
  before it reaches the raw table. Never edit these by hand: change the contract, then run
  `python -m dagster_project.quality.suites` to rewrite them. (Their `meta.severity` is the one thing an analyst may change; it is kept.)
- anything else (`analyst`): domain checks written in the JSON itself (freshness, harm and
  category shares, plausible proportions). Regeneration keeps them, and keeps any parameters and
  batches that are not generated.

A test fails when a contract changed and the suites were not regenerated.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..contracts import CONTRACTS, LINEAGE_COLUMNS, Contract
from ..generated import generator_main
from ..settings import EXPECTATIONS_DIR

CONTRACT = "contract"
RULES_BATCH = "contract_rules"
REFERENCE_BATCH = "reference__"
ROWS_WITHOUT_REFERENCE = "rows_without_reference"
ROW_COUNT_BAND = (0.5, 2.0)


def suite_paths(directory: str | Path = EXPECTATIONS_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.json"))


def raw_suite_path(contract: Contract, directory: str | Path = EXPECTATIONS_DIR) -> Path:
    return Path(directory) / f"raw.{contract.name}.json"


def _exp(type_: str, name: str, notes: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs,
            "meta": {"name": name, "source": CONTRACT, "severity": "ERROR", "notes": notes}}


def _reference_batch(ref) -> str:
    return f"{REFERENCE_BATCH}{ref.column}"


def contract_part(contract: Contract) -> tuple[list[dict], dict, dict]:
    """(expectations, parameters, batches) that the contract implies.

    Only what the loader cannot see: every row-level rule of the contract (required values,
    value sets, ranges, patterns, the key unique in a delivery, the cross-field rules) is the
    loader's, which quarantines a breaking row before it reaches the raw table (ingest/validate.py);
    checking the loaded rows again would only re-read them. What is left is judged with
    aggregate queries in DuckDB, so GX sees a count, never the rows:
    - the columns are there (the table's schema);
    - referential coverage now: the loader checked each reference when the row arrived, but the
      referenced table may have changed since (a correction);
    - the delivery's size against the previous delivery's.
    """
    exps: list[dict] = []
    lineage = [name for name, _ in LINEAGE_COLUMNS]
    exps.append(_exp("expect_table_columns_to_match_set", "columns_present",
                     "Every contract column and the lineage columns exist.",
                     column_set=[*contract.column_names, *lineage], exact_match=False))
    batches = {}
    for ref in contract.references:
        batches[_reference_batch(ref)] = (
            f"select count(*) as {ROWS_WITHOUT_REFERENCE} from {{batch}} as b "
            f"where b.{ref.column} is not null and b.{ref.column} not in "
            f"(select {ref.to_column} from raw.{ref.to_extract} "
            f"where {ref.to_column} is not null)")
        e = _exp("expect_column_max_to_be_between", f"reference:{ref.column}",
                 f"Rows of the delivery whose {ref.column} is no longer in "
                 f"{ref.to_extract}.{ref.to_column} (counted in DuckDB).",
                 column=ROWS_WITHOUT_REFERENCE, min_value=0, max_value=0)
        e["meta"]["batch"] = _reference_batch(ref)
        exps.append(e)
    low, high = ROW_COUNT_BAND
    params = {"row_count_min": {"kind": "previous_row_count", "factor": low, "default": 1},
              "row_count_max": {"kind": "previous_row_count", "factor": high, "default": None}}
    band = _exp("expect_table_row_count_to_be_between", "table_row_count_band",
                f"The delivery has between {low:g}x and {high:g}x the rows of the previous "
                "delivery (a WARN: a short or doubled file is worth a look).",
                min_value={"$PARAMETER": "row_count_min"},
                max_value={"$PARAMETER": "row_count_max"})
    band["meta"]["severity"] = "WARN"
    exps.append(band)
    return exps, params, batches


def _generated_batch(name: str) -> bool:
    # RULES_BATCH: the cross-field rules' batch of earlier versions, now the loader's alone
    return name == RULES_BATCH or name.startswith(REFERENCE_BATCH)


def render_raw_suite(contract: Contract, existing: dict | None = None) -> dict:
    """The raw suite for a contract, keeping the analyst part (and severities) of `existing`."""
    exps, params, batches = contract_part(contract)
    existing = existing or {}
    old_meta = existing.get("meta", {})
    old_exps = existing.get("expectations", [])
    old_severity = {e["meta"]["name"]: e["meta"].get("severity")
                    for e in old_exps if e.get("meta", {}).get("source") == CONTRACT}
    for e in exps:
        if old_severity.get(e["meta"]["name"]) in ("ERROR", "WARN"):
            e["meta"]["severity"] = old_severity[e["meta"]["name"]]
    analyst = [e for e in old_exps if e.get("meta", {}).get("source") != CONTRACT]
    generated_params = {k for k in old_meta.get("parameters", {})
                        if k.startswith("ref__") or k.startswith("row_count_")}
    kept_params = {k: v for k, v in old_meta.get("parameters", {}).items()
                   if k not in generated_params}
    kept_batches = {k: v for k, v in old_meta.get("batches", {}).items()
                    if not _generated_batch(k)}
    meta = {
        "table": f"raw.{contract.name}",
        "asset_key": ["raw", contract.name],
        "severity": old_meta.get("severity", "ERROR"),
        "batch": "latest_delivery",
        "description": old_meta.get("description") or (
            f"{contract.description} Checks the newest delivery (its extract date's winning "
            "file). Expectations with meta.source=contract are generated from the contract "
            "(python -m dagster_project.quality.suites); the others are the analysts'."),
        "parameters": {**params, **kept_params},
        "batches": {**batches, **kept_batches},
    }
    if not meta["batches"]:
        del meta["batches"]
    return {"name": f"raw.{contract.name}", "meta": meta, "expectations": [*exps, *analyst]}


def dump(suite: dict) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def sync_raw_suites(directory: str | Path = EXPECTATIONS_DIR, *, write: bool = True) -> list[Path]:
    """Regenerate the contract part of every raw suite; return the files that changed (or would)."""
    changed = []
    for contract in CONTRACTS:
        path = raw_suite_path(contract, directory)
        existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        text = dump(render_raw_suite(contract, existing))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    return generator_main(lambda write: sync_raw_suites(write=write), argv)


if __name__ == "__main__":
    raise SystemExit(main())
