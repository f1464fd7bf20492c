"""Each chart as a PNG for board papers: rasterised with cairosvg, saved as a palette PNG.

cairosvg and Pillow are imported when the first chart is rasterised, not with the module: their
import (cairo's library) costs every process that loads the Dagster definitions, and a report
built without PNGs never needs them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

PNG_SCALE = 2.0  # 900 x 380 SVG -> 1800 x 760 PNG, sharp when printed
PNG_COLOURS = 64  # charts use a handful of colours: a palette PNG is ~3x smaller and faster


@cache
def _rasteriser() -> tuple:
    """(cairosvg's Tree, its PNGSurface, Pillow's Image), imported once, on first use."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface
    from PIL import Image

    return Tree, PNGSurface, Image


@cache
def renderer() -> str:
    """What a chart's PNG depends on besides its SVG: the settings here and the versions of the
    libraries that draw and encode it (a cached PNG from another renderer is never reused)."""
    from importlib.metadata import version

    return (f"png scale={PNG_SCALE} colours={PNG_COLOURS} cairo={_cairo_version()}"
            f" cairocffi={version('cairocffi')} cairosvg={version('cairosvg')}"
            f" pillow={version('pillow')}")


def _cairo_version() -> str:
    """The cairo library's version, asked through ctypes: importing cairocffi to ask costs 0.35 s
    of CPU (it parses its C declarations), more than the rest of a night with nothing new."""
    import ctypes
    import ctypes.util

    try:
        library = ctypes.CDLL(ctypes.util.find_library("cairo") or "libcairo.so.2")
    except OSError:  # not where ctypes looks: ask cairocffi, which found it
        import cairocffi

        return cairocffi.cairo_version_string()
    library.cairo_version_string.restype = ctypes.c_char_p
    return library.cairo_version_string().decode()


def svg_to_png(svg: str, png_path: str, scale: float = PNG_SCALE) -> None:
    """Rasterise with cairosvg, then save as a palette PNG with Pillow (cairosvg's own
    dependency); cairo's 32-bit PNG writer is most of the cost of a chart otherwise."""
    tree, png_surface, pil_image = _rasteriser()
    surface = png_surface(tree(bytestring=svg.encode("utf-8")), None, 96, scale=scale).cairo
    surface.flush()
    # cairo's pixels are BGRA in memory: read straight as RGB, the alpha byte skipped (the same
    # pixels as RGBA converted to RGB, without the copy)
    image = pil_image.frombuffer("RGB", (surface.get_width(), surface.get_height()),
                                 surface.get_data(), "raw", "BGRX", surface.get_stride(), 1)
    image.quantize(colors=PNG_COLOURS, method=pil_image.Quantize.FASTOCTREE
                   ).save(png_path, format="PNG")


def _convert_all(jobs: Sequence[tuple[str, str]]) -> None:
    for svg, png_path in jobs:
        svg_to_png(svg, png_path)


def write_pngs(jobs: Sequence[tuple[str, Path]], workers: int | None = None) -> None:
    """(svg text, png path) pairs, converted in a few processes (cairosvg holds the GIL).

    Workers are forked (a fork server or spawn would re-import the caller's main module);
    they only run cairosvg and Pillow, imported here before the fork, never DuckDB.
    """
    work = [(svg, str(path)) for svg, path in jobs]
    if not work:
        return
    _rasteriser()
    workers = workers or min(8, os.cpu_count() or 1)
    if workers <= 1 or len(work) < 40:
        _convert_all(work)
        return
    chunks = [work[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for future in [pool.submit(_convert_all, chunk) for chunk in chunks]:
            future.result()
