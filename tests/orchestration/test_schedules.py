"""The nightly schedule, evaluated with build_schedule_context."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dagster_project.schedules import nightly_schedule


def test_default_is_two_in_the_morning_london_time(monkeypatch):
    monkeypatch.delenv("NIGHTLY_CRON", raising=False)
    monkeypatch.delenv("NIGHTLY_TIMEZONE", raising=False)
    schedule = nightly_schedule()
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/London"
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.timezone.utc))
    requests = list(schedule.evaluate_tick(context).run_requests or [])
    assert len(requests) == 1


def test_time_and_timezone_are_configurable(monkeypatch):
    monkeypatch.setenv("NIGHTLY_CRON", "30 4 * * 1-5")
    monkeypatch.setenv("NIGHTLY_TIMEZONE", "UTC")
    schedule = nightly_schedule()
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 4 * * 1-5", "UTC")
