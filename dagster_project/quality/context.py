"""The one Great Expectations context of the process, and one validation call on a frame.

GX Core 1.x is called directly: an ephemeral context, a pandas datasource and a whole-dataframe
batch. (Not dagster-ge, which only supports GX before 1.0; not GX's SQL datasource, whose table
reflection fails with duckdb 2.x.) GX is imported here only, when the first suite runs, so
loading the definitions does not pay for it.

Telemetry: the context's own configuration says `analytics_enabled=False`; the environment
switch is telemetry.py's alone (nothing here writes the environment).
"""

from __future__ import annotations

import copy
import logging
import threading
import warnings
from functools import cache

PARTIAL_UNEXPECTED_COUNT = 10

_GX_LOCK = threading.Lock()


def gx_context():
    """(gx module, batch definition) of one quiet, ephemeral GX context per process (no
    analytics, no progress bars), built once even if two threads ask at the same time."""
    with _GX_LOCK:
        return _build_gx_context()


@cache
def _build_gx_context():
    for name in ("great_expectations", "great_expectations.core", "great_expectations.validator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings():
        # GX imports pyspark whenever it is installed (the test and Spark environments; GX has no
        # switch to skip it), and pyspark warns about the pandas version on import: noise in a
        # check step that never uses Spark. Only that warning is hidden, only during this import.
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch_def = (context.data_sources.add_pandas("duckdb_frames")
                 .add_dataframe_asset("frame")
                 .add_batch_definition_whole_dataframe("whole_frame"))
    return gx, batch_def


def validate_frame(df, expectations: list[dict], parameters: dict) -> list:
    """GX's results of `expectations` on one pandas frame."""
    gx, batch_def = gx_context()
    suite = gx.ExpectationSuite(name="runtime", expectations=copy.deepcopy(expectations))
    batch = batch_def.get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(
        suite,
        result_format={"result_format": "SUMMARY",
                       "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT},
        expectation_parameters=parameters,
    )
    return result.results
