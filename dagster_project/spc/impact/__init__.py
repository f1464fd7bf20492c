"""Impact verdicts of improvement work on SPC series (docs/improvement-register.md, "Judging
impact"): for each intervention on a series, baseline XmR limits on the points before it, the
four Making Data Count rules on the points after it, and a verdict anyone can recompute.

Pure polars, vectorised over every (intervention, series) pair at once; the limits and rules are
the SPC engine's own (spc/limits.py, spc/rules/, spc/classify.py), never written again here.
"""

from .judge import IMPACT_COLUMNS, INTERVENTION_KEY, judge_impact, judge_with_points
from .verdict import JUDGED_VERDICTS, VERDICTS

__all__ = ["IMPACT_COLUMNS", "INTERVENTION_KEY", "JUDGED_VERDICTS", "VERDICTS", "judge_impact",
           "judge_with_points"]
