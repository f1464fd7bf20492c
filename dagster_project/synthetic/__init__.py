"""The synthetic trust generator: realistic extracts for a fictional NHS trust (Z9T).

    from dagster_project.synthetic import generate, PLANTED_SIGNALS
    generate(Path("data/landing"))            # 36 months to 2026-10, ~18,000 staff
    generate(path, scale="national")           # ~200 trusts, 12 months, streamed to disk

Command line: `python -m dagster_project.synthetic --help` (console script `nhs-synthetic-trust`).
"""

from .generator import generate
from .signals import PLANTED_SIGNALS, PlantedSignal

__all__ = ["PLANTED_SIGNALS", "PlantedSignal", "generate"]
