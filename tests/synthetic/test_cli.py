"""The command line: python -m dagster_project.synthetic (console script nhs-synthetic-trust)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dagster_project.synthetic.__main__ import main


def run(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dagster_project.synthetic", *args],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def test_module_runs_and_summarises(tmp_path):
    result = run("--landing", str(tmp_path), "--staff", "60", "--months", "2")
    assert result.returncode == 0, result.stderr
    assert "incidents" in result.stdout and "total" in result.stdout
    assert (tmp_path / "incidents" / "incidents_20261031.csv").exists()


def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["--landing", str(tmp_path), "--staff", "60", "--months", "1", "--quiet"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_landing_defaults_to_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LANDING_DIR", str(tmp_path / "env_landing"))
    assert main(["--staff", "60", "--months", "1", "--quiet"]) == 0
    assert (tmp_path / "env_landing" / "activity" / "activity_20261031.csv").exists()


@pytest.mark.parametrize("args", [
    ["--bad-rows", "1.5"], ["--months", "0"], ["--end-month", "2026-13"], ["--scale", "region"],
    ["--trusts", "3"],
])
def test_bad_arguments_are_refused(tmp_path, args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--landing", str(tmp_path), *args])
    assert exc.value.code == 2
    assert not any(tmp_path.iterdir())
