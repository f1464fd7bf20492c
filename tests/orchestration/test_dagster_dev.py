"""`dagster dev` for real: start the web server on loopback, ask it over GraphQL for the assets,
the schedule and the sensor, and stop it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dagster_project.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

QUERY = """
{
  assetNodes { assetKey { path } }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name schedules { name cronSchedule executionTimezone } sensors { name } }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_dagster_dev_serves_the_whole_graph(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
           "LANDING_DIR": str(tmp_path / "landing")}
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.Popen(
        [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        data = None
        while time.monotonic() < deadline:
            try:
                data = graphql(port, QUERY)["data"]
                if data["assetNodes"]:
                    break
            except Exception:
                pass
            assert proc.poll() is None, "dagster dev exited early"
            time.sleep(2)
        assert data and data["assetNodes"], "the web server never listed any asset"
        keys = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
        assert {"raw/incidents", "raw/org_structure", "marts/fct_scorecard_monthly",
                "spc/spc_points", "published/tables"} <= keys
        repo = data["repositoriesOrError"]["nodes"][0]
        schedules = {s["name"]: s for s in repo["schedules"]}
        assert schedules["nightly_schedule"]["cronSchedule"] == "0 2 * * *"
        assert schedules["nightly_schedule"]["executionTimezone"] == "Europe/London"
        assert "landing_folder_sensor" in {s["name"] for s in repo["sensors"]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
