"""A suite file (`expectations/*.json`): read and checked, and what its expectations are called.

The file format (meta keys, batches, parameters) is described in gx_runner.py and
expectations/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

SEVERITIES = ("ERROR", "WARN")
LATEST_DELIVERY = "latest_delivery"
ALL_ROWS = "all_rows"


def load_suite(path: str | Path) -> dict:
    suite = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = suite.setdefault("meta", {})
    if "table" not in meta or "asset_key" not in meta:
        raise ValueError(f"{path}: suite meta needs `table` and `asset_key`")
    default = meta.get("severity", "ERROR")
    for exp in suite.get("expectations", []):
        sev = exp.get("meta", {}).get("severity", default)
        if sev not in SEVERITIES:
            raise ValueError(f"{path}: severity {sev!r} is not one of {SEVERITIES}")
    return suite


def severities(suite: dict) -> list[str]:
    """Each expectation's severity: its own `meta.severity`, else the suite's default."""
    default = suite.get("meta", {}).get("severity", "ERROR")
    return [e.get("meta", {}).get("severity", default) for e in suite.get("expectations", [])]


def suite_has_blocking(suite: dict) -> bool:
    return "ERROR" in severities(suite)


def asset_key_str(suite: dict) -> str:
    return "/".join(suite["meta"]["asset_key"])


def expectation_names(suite: dict) -> list[str]:
    """The check name of every expectation (its `meta.name`, else `<type>:<column(s)>`),
    made unique within the suite."""
    names, seen = [], {}
    for exp in suite.get("expectations", []):
        name = exp.get("meta", {}).get("name") or _default_name(exp)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return names


def _default_name(exp: dict) -> str:
    kw = exp.get("kwargs", {})
    target = kw.get("column") or "+".join(kw.get("column_list") or []) or (
        f"{kw['column_A']}>{kw['column_B']}" if "column_A" in kw else "")
    short = exp["type"].removeprefix("expect_")
    return f"{short}:{target}" if target else short


def columns_used(expectations: list[dict]) -> set[str]:
    """The columns the expectations read (`column`, `column_A`/`column_B`, `column_list`)."""
    used: set[str] = set()
    for exp in expectations:
        kwargs = exp.get("kwargs", {})
        used.update(kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k))
        used.update(kwargs.get("column_list") or ())
    return used


def parameters_used(obj) -> set[str]:
    """The `{"$PARAMETER": name}` references anywhere in an expectation's kwargs."""
    if isinstance(obj, dict):
        if set(obj) == {"$PARAMETER"}:
            return {obj["$PARAMETER"]}
        return set().union(*(parameters_used(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(parameters_used(v) for v in obj)) if obj else set()
    return set()
