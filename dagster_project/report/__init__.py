"""The Integrated Performance Report: static, offline HTML with Making Data Count SPC charts,
rendered from the warehouse's `published` schema only (see render.py for the layout)."""

from .render import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
