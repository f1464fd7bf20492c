"""The report's colours, defined once. The SVG charts, icons, timeline and data-quality squares
take them from here; the pages' CSS declares them as custom properties (`css_variables`) and
uses `var(--name)`. A standalone chart file or PNG cannot read CSS, so SVG carries the values.
"""

from __future__ import annotations

# Making Data Count (NHS England's SPC convention): what a point or icon means, by colour
GREY = "#a6a6a6"  # common cause; process limits; hit-and-miss assurance
BLUE = "#00b0f0"  # special cause: improvement; consistently passes the target
ORANGE = "#e46c0a"  # special cause: concern; consistently fails the target
PURPLE = "#490092"  # special cause where neither direction is better
RED = "#de1b1b"  # the target line

# the NHS identity: the pages' frame
NHS_BLUE = "#005eb8"  # header, links, intervention markers
INK = "#212b32"  # body text, chart titles
MUTED = "#4c6272"  # secondary text
BORDER = "#d8dde0"  # panel borders
BACKGROUND = "#f0f4f5"
SLATE = "#768692"  # NHS mid grey: the data-quality tile, a PDSA cycle adapted
WHITE = "#ffffff"

# drawing a chart
LINE = "#7f7f7f"  # the value line, limit labels
MEAN = "#3b3b3b"  # the mean, rebase markers
GRID = "#ececec"
AXIS = "#bfbfbf"
TEXT = "#4d4d4d"  # axis labels, subtitles, legend
WITHHELD_FILL = "#f3f3f3"  # the band of a withheld point
PROVISIONAL = "#425563"  # the ring of a provisional (hollow) point
FAINT = "#c8c8c8"  # a sparkline's mean
EMPTY = "#e0e0e0"  # a sparkline with no data
PLACEHOLDER_RING = "#d0d0d0"  # an icon with nothing to show
PLACEHOLDER_BAR = "#b0b0b0"

# a data-quality dimension's rating
PASS = "#00703c"
WARN = "#ffb81c"
FAIL = "#d5281b"
UNKNOWN = BORDER

# CSS custom properties, one line a group: name -> colour
CSS_VARIABLES: tuple[dict[str, str], ...] = (
    {"blue": NHS_BLUE, "ink": INK, "muted": MUTED, "line": BORDER, "bg": BACKGROUND},
    {"imp": BLUE, "con": ORANGE, "neu": PURPLE, "cc": GREY, "red": RED},
    {"slate": SLATE, "pass": PASS},
)


def css_variables() -> str:
    """`:root{--blue:#005eb8;...}`: the palette as CSS custom properties."""
    lines = (";".join(f"--{name}:{colour}" for name, colour in group.items())
             for group in CSS_VARIABLES)
    return ":root{" + ";\n".join(lines) + "}"
