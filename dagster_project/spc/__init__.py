"""SPC engine: XmR charts (Making Data Count / NHSRplotthedots) and qicharts2-style charts.

Pure polars, vectorised over facets. See docs/spc.md for the method.
"""

from .attribute import attribute_chart
from .summary import xmr_icons, xmr_summary
from .xmr import xmr

__all__ = ["attribute_chart", "xmr", "xmr_icons", "xmr_summary"]
