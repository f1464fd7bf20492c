"""Disclosure of judgements over many cells (the improvement register's impact verdicts).

A verdict's baseline and post means rest on a series of cells: with one of them withheld, the
published others and the mean give it back by subtraction, and the limits and effect follow
from the means; the first signal's and the proposed rebase's periods point at single cells.
So a judgement resting on any withheld cell (a unit's own figure) publishes none of those
(`values`): its row says `is_suppressed`, or is left out (`drop_withheld`) when it exists only
to carry them. What remains public: keys, dates of the register's own events, counts of points,
and the verdict, a judgement over at least 19 points that gives back no cell's value.
Which cells each judgement rests on is the table `points` (the key columns, measure_id, level,
unit_code, period) that the impact step writes beside the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JudgedTable:
    values: tuple[str, ...]  # withheld when the judgement rests on a withheld cell
    public: tuple[str, ...]
    key: tuple[str, ...]  # one judgement, as in `points`
    points: str  # relation: key columns + measure_id, level, unit_code, period
    drop_withheld: bool = False


def judged_withheld(spec: JudgedTable, alias: str, cells: str,
                    unit_total: str) -> tuple[str, str]:
    """(join, condition): a left join onto the judgements that rest on a withheld cell of
    `cells` (the policy table; `unit_total` its breakdown key for a unit's own figure), and the
    SQL condition true for such a row of `alias`."""
    keys = ", ".join(f"p.{k}" for k in spec.key)
    held = (f"select distinct {keys} from {spec.points} as p "
            f"inner join {cells} as c on c.measure_id = p.measure_id and c.level = p.level "
            f"and c.unit_code = p.unit_code and c.period = p.period "
            f"and c.breakdown_type = {unit_total} and c.breakdown_value = {unit_total}")
    on = " and ".join(f"judged_withheld.{k} = {alias}.{k}" for k in spec.key)
    return (f"left join ({held}) as judged_withheld on {on}",
            f"(judged_withheld.{spec.key[0]} is not null)")
