"""Per-point special-cause rules; each adds one column to a frame sorted by group then date."""

from .close_to_limits import close_to_limits
from .outside_limits import outside_limits
from .relative_to_mean import relative_to_mean
from .shift import shift
from .trend import trend
from .two_in_three import two_in_three

__all__ = [
    "close_to_limits",
    "outside_limits",
    "relative_to_mean",
    "shift",
    "trend",
    "two_in_three",
]
