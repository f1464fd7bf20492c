"""The Dagster asset that writes the Integrated Performance Report after each publication.

(No `from __future__ import annotations`: Dagster reads the context annotation at runtime.)"""

import dagster as dg

from ..console import Progress
from ..resources import WarehouseResource
from ..settings import get_settings
from .data import for_organisation, read_published
from .render import build_report


@dg.asset(
    key=["report", "integrated_performance_report"],
    group_name="report",
    deps=[dg.AssetKey(["published", "tables"])],
    kinds={"html"},
    description="The Integrated Performance Report: a static, offline HTML report (board "
    "summary, a page per measure and per CSU, data quality, new special causes) with every "
    "SPC chart as SVG and PNG and the summary as CSV, rendered from the published tables only.",
)
def integrated_performance_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = get_settings()
    # Read under the warehouse lock, then render without holding it.
    with warehouse.connect(read_only=True) as con:
        published = for_organisation(read_published(con), settings.report_org_code)
    say = Progress(context.log.info)
    result = build_report(None, settings.report_dir, published=published,
                          png_cache=settings.report_png_cache_dir,
                          progress=lambda what, done, total: say(
                              done, total, f"{done} of {total} {what}"))
    for note in result.notes:
        context.log.warning(note)
    context.log.info(f"report written to {result.index_path} in {result.seconds:.1f}s "
                     f"({result.charts} charts; PNG {result.png_seconds:.1f}s, "
                     f"{result.pngs_from_cache} unchanged charts copied from the cache)")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(result.index_path)),
        "pages": dg.MetadataValue.int(result.pages),
        "charts": dg.MetadataValue.int(result.charts),
        "summary_rows": dg.MetadataValue.int(result.summary_rows),
        "seconds": dg.MetadataValue.float(round(result.seconds, 2)),
        "png_seconds": dg.MetadataValue.float(round(result.png_seconds, 2)),
        "pngs_from_cache": dg.MetadataValue.int(result.pngs_from_cache),
    })


report_assets = [integrated_performance_report]
