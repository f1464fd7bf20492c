"""The suites in `expectations/`: where they are, and the raw-table suites generated from CONTRACTS.

A raw table's suite has two kinds of expectation, told apart by `meta.source`:
- `contract`: generated from the extract's contract (columns present, required columns not null,
  allowed value sets, ranges, patterns, the key unique within a delivery, the cross-field rules,
  the references, the row count within a band of the previous delivery). Never edit these by
  hand: change the contract, then run `python -m dagster_project.quality.suites` to rewrite
  them. (Their `meta.severity` is the one thing an analyst may change; it is kept.)
- anything else (`analyst`): domain checks written in the JSON itself (freshness, harm and
  category shares, plausible proportions). Regeneration keeps them, and keeps any parameters and
  batches that are not generated.

A test fails when a contract changed and the suites were not regenerated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..contracts import CONTRACTS, LINEAGE_COLUMNS, Contract
from ..generated import generator_main
from ..settings import EXPECTATIONS_DIR

CONTRACT = "contract"
RULES_BATCH = "contract_rules"
ROW_COUNT_BAND = (0.5, 2.0)


def suite_paths(directory: str | Path = EXPECTATIONS_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.json"))


def raw_suite_path(contract: Contract, directory: str | Path = EXPECTATIONS_DIR) -> Path:
    return Path(directory) / f"raw.{contract.name}.json"


def _exp(type_: str, name: str, notes: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs,
            "meta": {"name": name, "source": CONTRACT, "severity": "ERROR", "notes": notes}}


def _non_capturing(pattern: str) -> str:
    """`(a|b)` -> `(?:a|b)`: pandas warns about match groups in a contains() pattern."""
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


def _ref_param(ref) -> str:
    return f"ref__{ref.to_extract}__{ref.to_column}"


def contract_part(contract: Contract) -> tuple[list[dict], dict, dict]:
    """(expectations, parameters, batches) that the contract implies."""
    exps: list[dict] = []
    lineage = [name for name, _ in LINEAGE_COLUMNS]
    exps.append(_exp("expect_table_columns_to_match_set", "columns_present",
                     "Every contract column and the lineage columns exist.",
                     column_set=[*contract.column_names, *lineage], exact_match=False))
    for col in contract.columns:
        if col.required:
            exps.append(_exp("expect_column_values_to_not_be_null", f"not_null:{col.name}",
                             "A required column.", column=col.name))
        if col.allowed and col.allowed_prefixes:
            alternatives = [re.escape(v) for v in col.allowed] + \
                [re.escape(p) + ".+" for p in col.allowed_prefixes]
            exps.append(_exp("expect_column_values_to_match_regex", f"allowed_values:{col.name}",
                             "One of the contract's values (or prefixes).",
                             column=col.name, regex=f"^(?:{'|'.join(alternatives)})$"))
        elif col.allowed:
            exps.append(_exp("expect_column_values_to_be_in_set", f"allowed_values:{col.name}",
                             "One of the contract's values.",
                             column=col.name, value_set=list(col.allowed)))
        if col.min is not None or col.max is not None:
            exps.append(_exp("expect_column_values_to_be_between", f"range:{col.name}",
                             "Within the contract's range.", column=col.name,
                             min_value=col.min, max_value=col.max))
        if col.pattern:
            exps.append(_exp("expect_column_values_to_match_regex", f"pattern:{col.name}",
                             "Matches the contract's pattern in full.",
                             column=col.name, regex=f"^(?:{_non_capturing(col.pattern)})$"))
    if len(contract.key) == 1:
        exps.append(_exp("expect_column_values_to_be_unique", "unique_key",
                         "The key is unique within a delivery.", column=contract.key[0]))
    else:
        exps.append(_exp("expect_compound_columns_to_be_unique", "unique_key",
                         "The key is unique within a delivery.", column_list=list(contract.key),
                         ignore_row_if="never"))
    batches = {}
    if contract.rules:
        batches[RULES_BATCH] = (
            "select " + ", ".join(f'({r.holds}) as "rule__{r.name}"' for r in contract.rules)
            + " from {batch} as b")
        for r in contract.rules:
            e = _exp("expect_column_values_to_be_in_set", f"rule:{r.name}",
                     f"Cross-field rule on {r.column}: {r.holds} (null passes).",
                     column=f"rule__{r.name}", value_set=[True])
            e["meta"]["batch"] = RULES_BATCH
            exps.append(e)
    params = {}
    for ref in contract.references:
        params[_ref_param(ref)] = {
            "kind": "values",
            "sql": f"select distinct {ref.to_column} from raw.{ref.to_extract}"}
        exps.append(_exp("expect_column_values_to_be_in_set", f"reference:{ref.column}",
                         f"Exists in {ref.to_extract}.{ref.to_column}.", column=ref.column,
                         value_set={"$PARAMETER": _ref_param(ref)}))
    low, high = ROW_COUNT_BAND
    params["row_count_min"] = {"kind": "previous_row_count", "factor": low, "default": 1}
    params["row_count_max"] = {"kind": "previous_row_count", "factor": high, "default": None}
    band = _exp("expect_table_row_count_to_be_between", "table_row_count_band",
                f"The delivery has between {low:g}x and {high:g}x the rows of the previous "
                "delivery (a WARN: a short or doubled file is worth a look).",
                min_value={"$PARAMETER": "row_count_min"},
                max_value={"$PARAMETER": "row_count_max"})
    band["meta"]["severity"] = "WARN"
    exps.append(band)
    return exps, params, batches


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
    kept_batches = {k: v for k, v in old_meta.get("batches", {}).items() if k != RULES_BATCH}
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
