"""Real signals planted in the synthetic trust, for tests, demos and the SPC configuration.

Each is planted in trust Z9T (also trust 0 at national scale) when its months fall inside the
generated range; with the defaults (36 months to 2026-10) all four are present. The improvement
register (improvement.py) records the projects behind the falls steps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedSignal:
    measure_id: str  # the measure in docs/measures.md
    csu_code: str  # the CSU it is planted in (trust-level charts show it too unless noted)
    month: str  # YYYY-MM: first month of the change
    kind: str  # "step_down", "trend_down" or "spike"
    end_month: str | None = None  # last month of a trend (None: the change persists)
    effect: float = 0.0  # relative change (step), change per month (trend), extra count (spike)
    expected_rule: str = ""  # the XmR special cause it should raise (docs/spc.md labels)
    description: str = ""


FALLS_STEP = PlantedSignal(
    measure_id="Q05", csu_code="ELD", month="2025-04", kind="step_down", effect=-0.44,
    expected_rule="7 Points Below CL",
    description="Elderly Care falls-prevention project (enhanced supervision bays, lying-and-"
                "standing BP) from April 2025: falls fall by a fifth and the share of falls "
                "with harm by 30%, so falls with harm per 1,000 bed days drop by ~44% and stay "
                "down.")
# The Elderly Care falls change spread: Abdominal Medicine & Surgery adopted it from October 2025
# (qi_spread of the falls project), with the same effect there.
FALLS_SPREAD_STEP = PlantedSignal(
    measure_id="Q05", csu_code="AMS", month="2025-10", kind="step_down", effect=-0.44,
    expected_rule="7 Points Below CL",
    description="The Elderly Care falls-prevention change spread to Abdominal Medicine & "
                "Surgery, adopted from October 2025: falls with harm per 1,000 bed days there "
                "drop by ~44% and stay down.")
FFT_DECLINE = PlantedSignal(
    measure_id="S01", csu_code="TRS", month="2026-02", end_month="2026-10", kind="trend_down",
    effect=-0.011, expected_rule="7 Point Trend (Decreasing)",
    description="Trauma & Related Services inpatient FFT positive share declines by ~1.1 "
                "points a month for the last 9 months (staffing gaps on the trauma wards).")
SEVERE_HARM_SPIKE = PlantedSignal(
    measure_id="Q03", csu_code="EMS", month="2024-01", kind="spike", effect=36,
    expected_rule="Above UCL",
    description="January 2024 winter surge: 36 extra severe-harm or fatal incidents (delayed "
                "treatment, corridor care) in Emergency & Specialty Medicine; the trust-wide "
                "Q03 count is above its upper limit too.")

PLANTED_SIGNALS: tuple[PlantedSignal, ...] = (
    FALLS_STEP, FFT_DECLINE, SEVERE_HARM_SPIKE, FALLS_SPREAD_STEP)
# The falls-prevention steps: the project's own CSU, then where its change spread.
FALLS_STEPS: tuple[PlantedSignal, ...] = (FALLS_STEP, FALLS_SPREAD_STEP)
