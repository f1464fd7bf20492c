"""Write the reference tables of `docs/` from the declarations they describe, so the pages users
read and the rules the pipeline applies cannot disagree:

- `docs/extracts.md`: one section per extract (columns, types, rules, key, references), from the
  contracts;
- `docs/measures.md`: one row per measure, from the measure catalogue seed.

Each page has hand-written prose and, between two marker lines, a generated part. Only the
generated part is rewritten:

    .venv/bin/python -m dagster_project.contracts.docs           # rewrite both pages
    .venv/bin/python -m dagster_project.contracts.docs --check   # exit 1 if one is out of date

A test fails when a contract or the catalogue changed and the pages were not regenerated.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from ..generated import generator_main
from ..settings import PROJECT_ROOT
from . import CONTRACTS, LINEAGE_COLUMNS, Column, Contract
from .catalogue import MEASURE_CATALOGUE
from .extracts import CODE, MONTH, QUARTER

DOCS_DIR = PROJECT_ROOT / "docs"
EXTRACTS_DOC = DOCS_DIR / "extracts.md"
MEASURES_DOC = DOCS_DIR / "measures.md"
BEGIN = "<!-- BEGIN GENERATED: python -m dagster_project.contracts.docs (do not edit by hand) -->"
END = "<!-- END GENERATED -->"

# Patterns a reader knows by another name; any other pattern is shown as the regular expression.
PATTERN_NAMES = {
    MONTH: "`YYYY-MM`",
    QUARTER: "`YYYY-Qn`",
    CODE: "a code: no `|`, no control characters",
}
TYPE_NAMES = {"month": "text (month)", "quarter": "text (quarter)"}
FAMILY_TITLES = {
    "reference": "Reference data",
    "incident": "Incidents",
    "survey": "Surveys",
    "training": "Training",
    "finance": "Finance",
    "improvement": "The improvement register",
}


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _cell_rules(col: Column, contract: Contract) -> list[str]:
    rules = []
    if col.name in contract.key:
        rules.append("key")
    if col.allowed:
        values = ", ".join(f"`{v}`" for v in col.allowed)
        if col.allowed_prefixes:
            values += ", or " + ", ".join(f"`{p}…`" for p in col.allowed_prefixes)
        rules.append(f"one of {values}")
    if col.aliases:
        rules.append("; ".join(f"`{a}` read as `{v}`" for a, v in sorted(col.aliases.items())))
    if col.pattern and not col.allowed:
        rules.append(PATTERN_NAMES.get(col.pattern, f"matches `{col.pattern}`"))
    if col.min is not None and col.max is not None:
        rules.append(f"{_number(col.min)} to {_number(col.max)}")
    elif col.min is not None:
        rules.append(f"≥ {_number(col.min)}")
    elif col.max is not None:
        rules.append(f"≤ {_number(col.max)}")
    for ref in contract.references:
        if ref.column == col.name:
            rules.append(f"must exist in `{ref.to_extract}.{ref.to_column}`")
    if col.description:
        rules.append(col.description)
    return rules


def _section(contract: Contract) -> list[str]:
    key = ", ".join(f"`{k}`" for k in contract.key)
    lines = [
        f"### `{contract.name}`",
        "",
        f"{contract.description}",
        "",
        f"Folder: `<landing>/{contract.name}/`. Key: {key}.",
        "",
        "| column | type | required | rule |",
        "|---|---|---|---|",
    ]
    for col in contract.columns:
        rules = "; ".join(_cell_rules(col, contract)).replace("|", "\\|")
        required = "yes" if col.required else "optional"
        lines.append(f"| `{col.name}` | {TYPE_NAMES.get(col.type, col.type)} | {required} | {rules} |")
    if contract.rules:
        lines += ["", "Row rules (the row is quarantined under the rule's name when it does not hold):", ""]
        lines += [f"- `{r.name}` (column `{r.column}`): `{r.holds}`" for r in contract.rules]
    return lines + [""]


def render_extracts() -> str:
    """The generated part of docs/extracts.md, markers included."""
    lines = [BEGIN, ""]
    lineage = ", ".join(f"`{name}` ({sql_type.lower()})" for name, sql_type in LINEAGE_COLUMNS)
    lines += [
        f"Every `raw.<extract>` table also carries the lineage columns {lineage}.",
        "",
    ]
    family = None
    for contract in CONTRACTS:
        if contract.family != family:
            family = contract.family
            lines += [f"## {FAMILY_TITLES.get(family, family)}", ""]
        lines += _section(contract)
    return "\n".join([*lines, END])


def _cell(text: str) -> str:
    return text.replace("|", ", ").replace("\n", " ") if text else "—"


def render_measures() -> str:
    """The generated part of docs/measures.md, markers included: the catalogue as two tables."""
    with MEASURE_CATALOGUE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        BEGIN, "",
        "| id | measure | domain | unit | direction | default target | chart: CSU / trust / events "
        "| frequency | breakdowns | suppression | maturity days | overdue days | source |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        charts = " / ".join([r["chart_type"], r["organisation_chart_type"], r["event_chart_type"] or "—"])
        lines.append("| " + " | ".join([
            f"`{r['measure_id']}`", r["measure_name"], r["domain"], r["unit"], r["direction"],
            _cell(r["default_target"]), charts, r["frequency"], _cell(r["breakdowns"]),
            r["suppression"], r["maturity_days"], r["overdue_days"],
            f"`{r['source_extract']}`" if r["source_extract"] else "—"]) + " |")
    lines += ["", "How each measure is counted (the catalogue's `description`):", "",
              "| id | counted as |", "|---|---|"]
    lines += [f"| `{r['measure_id']}` | {_cell(r['description'])} |" for r in rows]
    return "\n".join([*lines, END])


PAGES: dict[Path, Callable[[], str]] = {EXTRACTS_DOC: render_extracts, MEASURES_DOC: render_measures}


def sync(path: Path, render: Callable[[], str], *, write: bool = True) -> bool:
    """Replace the generated part of `path` by `render()`; return whether it changed (or would)."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{path}: the generated part's marker lines are missing")
    new = text[:start] + render() + text[end + len(END):]
    if new == text:
        return False
    if write:
        path.write_text(new, encoding="utf-8")
    return True


def sync_pages(*, write: bool = True) -> list[Path]:
    """Regenerate every page; return the ones that changed (or would)."""
    return [path for path, render in PAGES.items() if sync(path, render, write=write)]


def main(argv: list[str] | None = None) -> int:
    return generator_main(lambda write: sync_pages(write=write), argv)


if __name__ == "__main__":
    raise SystemExit(main())
