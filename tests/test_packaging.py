"""What users install: a built wheel holds every file pgsuite needs, and a test session leaves
no server running."""

import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

from helpers import ROOT

from pgsuite import server


def test_the_wheel_ships_every_file_of_the_package_and_the_report_templates(tmp_path):
    for part in ("src", "reports/templates"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path / "dist"), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("pgsuite-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {str(p.relative_to(ROOT / "src")) for p in (ROOT / "src").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)}
    wanted |= {f"pgsuite/report_templates/{p.name}" for p in (ROOT / "reports" / "templates").iterdir() if p.is_file()}
    assert wanted - names == set(), "files a user installing the wheel would not get"
    assert any(n.startswith("pgsuite/catalog_lint/0001_") for n in names)


def test_a_test_session_stops_the_server_it_started():
    # under the project, as the real one: the server's own system user must be able to reach it
    state = ROOT / ".pgsuite" / f"test-stop-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("PGSUITE_TEST_DSN", "PGSUITE_DSN", "DATABASE_URL")}
    env["PGSUITE_TEST_STATE_DIR"] = str(state)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_exit_codes.py::test_a_folder_that_is_no_project_exits_2"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    try:
        assert out.returncode == 0, out.stdout + out.stderr
        assert (state / "data" / "PG_VERSION").exists()  # it did start one
        assert not server.status(Path(state)).running
    finally:
        server.stop(state)
        shutil.rmtree(state, ignore_errors=True)
