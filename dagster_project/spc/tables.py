"""The tables the SPC asset writes (schema `spc`), named once here: the asset writes them, the
publish step publishes them, without importing the charting code."""

SPC_SCHEMA = "spc"
POINTS = "spc_points"
SUMMARY = "spc_summary"
SIGNALS = "spc_signals"
# every special cause ever detected (the asset's own memory: the morning list is what is new)
SIGNAL_HISTORY = "spc_signal_history"
# the SPC asset's outputs, each an asset key `spc/<table>`
SPC_TABLES = (POINTS, SUMMARY, SIGNALS)
PUBLISHED_SPC_TABLES = (*SPC_TABLES, SIGNAL_HISTORY)
