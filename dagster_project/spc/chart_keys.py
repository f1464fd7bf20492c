"""How a chart is named in every SPC table: by columns, never by one joined string."""

CHART_KEYS = ["measure_id", "level", "unit_code"]
# A chart: a unit's series of a measure has a chart of its periods and, for a rare-event measure,
# a chart of the time between its events (catalogue event_chart_type) beside it.
CHART_ID = [*CHART_KEYS, "chart_type"]
