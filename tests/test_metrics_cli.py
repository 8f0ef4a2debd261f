"""`pgsuite metrics`: the five metrics as tables and JSON, and their bad input."""

import json

from helpers import ROOT, pgsuite
from roles import as_user, ensure_role
from tenants import session


def metrics(dsn, *args):
    return pgsuite("--project", str(ROOT), "metrics", *args, "--dsn", dsn)


def test_metrics_print_tables_and_json_and_retry_changes_state(world):
    org = world.a.org
    with session(world.dsn) as conn:
        d = conn.execute("SELECT public.record_webhook_received(%s, 'booking.created', 'e1', 'job-9') AS id",
                         (org,)).fetchone()["id"]
        token = conn.execute("SELECT public.mark_webhook_processing(%s, %s) AS t", (org, d)).fetchone()["t"]
        conn.execute("UPDATE app_private.webhook_settings SET max_attempts = 1")
        conn.execute("SELECT public.mark_webhook_failed(%s, %s, %s, 'HTTP 503')", (org, d, token))

    out = metrics(world.dsn, "queue-health", "--org", org)
    assert out.returncode == 0, out.stderr
    target, *lines = out.stdout.splitlines()
    assert target.startswith("target: --dsn (")
    assert lines[0].split() == ["status", "deliveries", "oldest_received_at", "stuck_processing"]
    # the active statuses only: the delivery went to dead_letter (max attempts 1), which queue
    # health no longer counts; dead-letter and delivery-stats do
    assert [line.split()[:2] for line in lines[2:-1]] == [["pending", "0"], ["processing", "0"], ["failed", "0"]]
    assert lines[-1] == "(3 rows)"

    out = metrics(world.dsn, "dead-letter", "--format", "json")
    assert [(r["id"], r["error_message"]) for r in json.loads(out.stdout)["rows"]] == [(d, "HTTP 503")]
    out = metrics(world.dsn, "delivery-stats", "--org", org, "--since", "1 hour", "--format", "json")
    assert json.loads(out.stdout)["rows"][0]["dead_letter"] == 1
    out = metrics(world.dsn, "recent-failures", "--format", "json")
    assert json.loads(out.stdout)["rows"][0]["status"] == "dead_letter"

    out = metrics(world.dsn, "retry", "job-9", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows"][0]["result"]["retried"] == 1
    again = metrics(world.dsn, "retry", "job-9")
    assert again.returncode == 1 and "illegal webhook transition pending -> pending" in again.stderr


def test_metrics_bad_input_exits_2_and_unknown_job_exits_1(db):
    out = metrics(db, "recent-failures", "--limit", "0")
    assert out.returncode == 2 and "p_limit must be between 1 and 10000" in out.stderr
    out = metrics(db, "queue-health", "--org", "not-a-uuid")
    assert out.returncode == 2 and "invalid input syntax for type uuid" in out.stderr
    out = metrics(db, "retry", "no-such-job")
    assert out.returncode == 1 and "no webhook delivery has job id no-such-job [P0002]" in out.stderr


def test_metrics_work_for_a_login_role_of_service_role_that_is_not_a_superuser(world):
    """As a metrics API connects: a LOGIN member of service_role, no superuser rights."""
    ensure_role(world.dsn, "pgsuite_test_metrics", "LOGIN NOSUPERUSER NOBYPASSRLS INHERIT", ["service_role"])
    dsn = as_user(world.dsn, "pgsuite_test_metrics")
    with session(world.dsn, "service_role") as conn:
        for t in (world.a, world.b):
            conn.execute("SELECT public.record_webhook_received(%s, 'booking.created', 'e1', %s)", (t.org, f"job-{t.org}"))
    for metric in ("queue-health", "delivery-stats", "recent-failures", "dead-letter"):
        out = metrics(dsn, metric, "--format", "json")
        assert out.returncode == 0, f"{metric}: {out.stderr}"
    health = json.loads(metrics(dsn, "queue-health", "--format", "json").stdout)["rows"]
    assert health[0] == {**health[0], "status": "pending", "deliveries": 2}  # every org
    stats = json.loads(metrics(dsn, "delivery-stats", "--org", world.a.org, "--format", "json").stdout)["rows"]
    assert [(s["event_type"], s["in_flight"]) for s in stats] == [("booking.created", 1)]
    out = metrics(dsn, "retry", f"job-{world.a.org}")
    assert out.returncode == 1 and "pending -> pending" in out.stderr  # ran, and refused the illegal move
