"""The nightly schedule: time and timezone from NIGHTLY_CRON / NIGHTLY_TIMEZONE."""

from __future__ import annotations

import dagster as dg

from .jobs import NIGHTLY_JOB_NAME
from .settings import get_settings


def nightly_schedule() -> dg.ScheduleDefinition:
    settings = get_settings()
    return dg.ScheduleDefinition(
        name="nightly_schedule",
        job_name=NIGHTLY_JOB_NAME,
        cron_schedule=settings.schedule_cron,
        execution_timezone=settings.schedule_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Runs the whole pipeline every night (default 02:00 Europe/London).",
    )
