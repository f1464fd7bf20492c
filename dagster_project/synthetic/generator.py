"""`generate()`: write a synthetic trust's (or the nation's) extracts into a landing folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
from tqdm import tqdm

from .finance import waste
from .improvement import improvement
from .incidents import incidents
from .periods import Month, month_range
from .reference import Roster, World, activity, build_roster, build_world, org_structure, workforce
from .surveys import fft, pulse, staff_survey
from .training import TrainingState, build_training_state, improvement_training, mandatory_training
from .trust import build_trust
from .writer import LandingWriter

SCALES = ("trust", "national")
DEFAULT_MONTHS = {"trust": 36, "national": 12}
NATIONAL_TRUSTS = 200
DEFAULT_END_MONTH = "2026-10"

Chunks = Iterator[tuple[str, object, pl.DataFrame]]


def _named(name: str, chunks) -> Chunks:
    for extract_date, df in chunks:
        yield name, extract_date, df


def _steps(world: World, roster: Roster, state: TrainingState, national: bool
           ) -> list[tuple[str, Callable[[], Chunks]]]:
    """Each step yields (extract, extract date, frame) chunks, at most a month of one trust."""
    return [
        ("org_structure", lambda: _named("org_structure", org_structure(world))),
        ("activity", lambda: _named("activity", activity(world))),
        ("workforce", lambda: _named("workforce", workforce(world, roster))),
        ("incidents", lambda: _named("incidents", incidents(world))),
        ("fft_responses", lambda: _named("fft_responses", fft(world))),
        ("staff_survey_scores", lambda: _named("staff_survey_scores",
                                               staff_survey(world, roster, national))),
        ("pulse_survey", lambda: _named("pulse_survey", pulse(world, roster))),
        ("mandatory_training", lambda: _named("mandatory_training",
                                              mandatory_training(world, roster, state))),
        ("improvement_training", lambda: _named("improvement_training",
                                                improvement_training(world, roster, state))),
        ("waste", lambda: waste(world)),
        ("improvement", lambda: improvement(world)),
    ]


def generate(
    landing: Path,
    *,
    seed: int = 42,
    months: int | None = None,
    end_month: str = DEFAULT_END_MONTH,
    scale: str = "trust",
    staff: int | None = None,
    bad_rows: float = 0.0,
    progress: bool = False,
    trusts: int | None = None,
) -> dict[str, int]:
    """Write every extract for `months` months ending `end_month`; return rows per extract.

    `months` defaults to 36 at trust scale and 12 at national scale. `staff` overrides each
    trust's headcount (workforce, training and survey sizes; clinical activity and incidents keep
    the trust's size, so the planted signals stay visible in small test data). `bad_rows` is the
    fraction of rows to break for quarantine demos. `trusts` (national scale only) overrides the
    number of trusts (default 200). The same arguments always give byte-identical files.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    if months is None:
        months = DEFAULT_MONTHS[scale]
    if months < 1:
        raise ValueError("months must be at least 1")
    if staff is not None and staff < 1:
        raise ValueError("staff must be at least 1")
    if not 0.0 <= bad_rows < 1.0:
        raise ValueError("bad_rows must be a fraction in [0, 1)")
    if trusts is not None and (scale != "national" or trusts < 1):
        raise ValueError("trusts is for national scale, and at least 1")
    national = scale == "national"
    n_trusts = (trusts or NATIONAL_TRUSTS) if national else 1
    month_list = month_range(Month.parse(end_month), months)
    writer = LandingWriter(Path(landing), seed=seed, bad_rows=bad_rows)
    n_steps = 11
    with tqdm(total=n_trusts * n_steps, disable=not progress, unit="step",
              desc="synthetic trust" if not national else "synthetic nation") as bar:
        for index in range(n_trusts):
            trust = build_trust(seed, index, national=national, staff=staff)
            world = build_world(seed, trust, month_list)
            roster = build_roster(world)
            state = build_training_state(world, roster)
            for label, step in _steps(world, roster, state, national):
                bar.set_postfix_str(f"{trust.org_code} {label}")
                for extract, extract_date, df in step():
                    writer.write(extract, extract_date, df, chunk=index)
                bar.update(1)
    return dict(writer.rows)
