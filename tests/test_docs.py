"""The user documentation in `docs/`: generated parts in sync with the code, links that resolve,
and nothing that points outside the repository."""

import os
import re
from pathlib import Path

from dagster_project.contracts import CONTRACTS
from dagster_project.contracts.catalogue import catalogue_measure_ids
from dagster_project.contracts.docs import (
    BEGIN, END, EXTRACTS_DOC, MEASURES_DOC, render_extracts, sync, sync_pages)

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A path a user's clone does not have: the specification folder this project was built from, a
# folder next to the repository, or a machine's absolute path.
OUTSIDE = re.compile(r"(?<![\w.-])specs/|\(specs: |\.\./shared|/work/")
TEXT_SUFFIXES = (".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".txt")
SKIP_FOLDERS = {"data", "target", "dbt_packages", "logs", "test-artifacts", "__pycache__"}


def test_extracts_and_measures_pages_are_in_sync_with_the_contracts_and_the_catalogue():
    assert sync_pages(write=False) == [], \
        "run `.venv/bin/python -m dagster_project.contracts.docs` after changing a contract " \
        "or the measure catalogue"


def test_extracts_page_lists_every_extract_column_and_rule():
    page = EXTRACTS_DOC.read_text(encoding="utf-8")
    for contract in CONTRACTS:
        section = page.split(f"### `{contract.name}`\n", 1)[1].split("\n### ", 1)[0]
        for col in contract.columns:
            assert f"| `{col.name}` |" in section, (contract.name, col.name)
        for rule in contract.rules:
            assert f"`{rule.name}`" in section, (contract.name, rule.name)
        for ref in contract.references:
            assert f"`{ref.to_extract}.{ref.to_column}`" in section, (contract.name, ref)


def test_measures_page_lists_every_catalogue_measure():
    page = MEASURES_DOC.read_text(encoding="utf-8")
    for measure_id in catalogue_measure_ids():
        assert page.count(f"| `{measure_id}` |") == 2, measure_id  # the catalogue and how counted


def test_regenerating_rewrites_only_the_generated_part(tmp_path):
    page = tmp_path / "extracts.md"
    page.write_text(f"# Prose a user wrote\n\n{BEGIN}\nstale table\n{END}\n\nMore prose.\n",
                    encoding="utf-8")
    assert sync(page, render_extracts)
    assert page.read_text(encoding="utf-8") == \
        f"# Prose a user wrote\n\n{render_extracts()}\n\nMore prose.\n"
    assert not sync(page, render_extracts)  # idempotent


def _pages():
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


def test_docs_index_lists_every_page():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"]({page.name})" in index, page.name


def test_every_relative_link_in_the_readme_and_docs_resolves():
    broken = []
    for page in _pages():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert not broken, broken


def _source_files():
    """The project's own text files: not tools, environments, data or build output."""
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [d for d in subfolders
                         if not d.startswith(".") and d not in SKIP_FOLDERS and not d.endswith(".egg-info")]
        for name in files:
            if name.endswith(TEXT_SUFFIXES) or name == "Makefile":
                yield Path(folder) / name


def test_nothing_in_the_repository_points_outside_it():
    offenders = []
    for path in _source_files():
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert not offenders, f"cite docs/ instead: {offenders}"
