"""Every command's `--format json` document, printed by a real run, has the shape documented in
docs/json/ (a JSON Schema per command, the results model's for verify, lint, trace and report)."""

import json

import jsonschema
import pytest
import yaml

from conftest import ADMIN_DSN
from helpers import ROOT, pgsuite, query
from owners import create_database, database_dsn, drop_database

SCHEMAS = ROOT / "docs" / "json"


def shaped(document_text: str, name: str) -> dict:
    """The document, validated against docs/json/<name>.schema.json."""
    document = json.loads(document_text)
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    return document


def run(project, *args, codes=(0,), timeout=300):
    out = pgsuite("--project", str(project.root), *args, "--format", "json", timeout=timeout)
    assert out.returncode in codes, (args, out.stdout, out.stderr)
    return out.stdout


def test_migrate_commands(sandbox, empty_db):
    assert shaped(run(sandbox, "migrate", "status", "--dsn", empty_db), "migrate-status")["entries"]
    applied = shaped(run(sandbox, "migrate", "apply", "--dsn", empty_db), "migrate-apply")
    assert len(applied["applied"]) == len(list(sandbox.migrations_dir.glob("*.rollback.sql")))
    assert shaped(run(sandbox, "migrate", "validate", "--dsn", empty_db), "migrate-validate")["valid"] is True
    assert len(shaped(run(sandbox, "migrate", "rollback", "--dsn", empty_db), "migrate-rollback")["rolled_back"]) == 1
    assert len(shaped(run(sandbox, "migrate", "new", "add_phone"), "migrate-new")["created"]) == 2
    shaped(run(sandbox, "migrate", "trace", "--dsn", empty_db, codes=(0, 1)), "results")


def test_deploy_report_approve_verify_and_lint(db, project_copy):
    dry = shaped(run(project_copy, "deploy", "--dry-run", "--dsn", db), "deploy-dry-run")
    assert dry["pending"] == []
    query(db, "DROP INDEX idx_appointments_customer")  # a failing run, to approve
    deployed = shaped(run(project_copy, "deploy", "--dsn", db, codes=(1,)), "deploy")
    assert deployed["verdict"] == "FAIL" and deployed["failures"]
    approved = shaped(run(project_copy, "report", "approve", deployed["run"]["id"], "--reason", "known: ticket 7"),
                      "report-approve")
    assert approved["verdict"] == "FAIL"
    shaped(run(project_copy, "report", deployed["run"]["id"]), "results")
    shaped(run(project_copy, "verify", "--dsn", db, codes=(1,)), "results")
    shaped(run(project_copy, "lint"), "results")


def test_init(empty_db, tmp_path):
    query(empty_db, "CREATE TABLE public.books (id bigint PRIMARY KEY, title text NOT NULL)")
    out = pgsuite("init", str(tmp_path / "books"), "--dsn", empty_db, "--format", "json", timeout=300)
    assert out.returncode == 0, out.stderr
    assert shaped(out.stdout, "init")["tables"] == 1


def test_metrics(world, project_copy):
    for name in ("queue-health", "delivery-stats", "recent-failures", "dead-letter"):
        assert shaped(run(project_copy, "metrics", name, "--dsn", world.dsn), f"metrics-{name}")["columns"]
    query(world.dsn, "SELECT public.record_webhook_received(%s, 'booking.created', 'e1', 'job-1')", (world.a.org,))
    query(world.dsn, "UPDATE webhook_delivery_log SET status = 'failed', attempts = 1, last_attempt_at = now()")
    assert shaped(run(project_copy, "metrics", "retry", "job-1", "--dsn", world.dsn), "metrics-retry")["rows"]


def test_db_commands_of_the_embedded_server(project_copy):
    not_running = shaped(run(project_copy, "db", "status", codes=(1,)), "db-status")
    assert not_running["running"] is False
    try:
        assert shaped(run(project_copy, "db", "start"), "db-start")["running"] is True
        assert shaped(run(project_copy, "db", "url"), "db-url")["url"]
        assert shaped(run(project_copy, "db", "status"), "db-status")["pid"]
    finally:
        stopped = shaped(run(project_copy, "db", "stop"), "db-stop")
    assert stopped["stopped"] is True and stopped["running"] is False


def test_bench_commands(db, project_copy):
    tiny = project_copy.root / "bench" / "tiny.yaml"
    tiny.write_text("baseline: one\ncases:\n  one: SELECT 1\n  two: SELECT 2\n")
    shaped(run(project_copy, "bench", "verify", "--tables", "3", "--repeat", "1", "--dsn", db), "bench-verify")
    shaped(run(project_copy, "bench", "lint", "--migrations", "2", "--repeat", "1"), "bench-lint")
    shaped(run(project_copy, "bench", "fleet", "--targets", "1", "--parallel", "1", "--dsn", db), "bench-fleet")
    shaped(run(project_copy, "bench", "run", str(tiny), "--repeat", "3", "--dsn", db), "bench-run")


@pytest.fixture
def two_databases():
    names = [create_database(ADMIN_DSN, "postgres", prefix="pgsuite_shape") for _ in range(2)]
    yield [database_dsn(ADMIN_DSN, name, "postgres") for name in names]
    for name in names:
        drop_database(ADMIN_DSN, name)


def test_fleet_commands(two_databases, project_copy, tmp_path):
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(yaml.safe_dump({"targets": [{"name": f"t{i}", "dsn": dsn} for i, dsn in enumerate(two_databases)]}))
    assert shaped(run(project_copy, "deploy", "--fleet", str(fleet), timeout=600), "deploy-fleet")["verdict"] == "PASS"
    shaped(run(project_copy, "verify", "--fleet", str(fleet)), "verify-fleet")
    shaped(run(project_copy, "migrate", "status", "--fleet", str(fleet)), "migrate-status-fleet")
