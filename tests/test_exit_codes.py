"""One exit-code contract, command by command: 0 ok, 1 a check failed, 2 bad usage or input,
3 cannot connect, 4 internal error, 130 interrupted. Errors are one line on stderr, never a
traceback (--debug adds one)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from helpers import ROOT, pgsuite, query

UNREACHABLE = "host=127.0.0.1 port=1 dbname=x connect_timeout=2"

BAD_USAGE = [
    (["deploy", "--lock-timeout", "garbage"], "'garbage' is not a duration"),
    (["migrate", "apply", "--lock-timeout", "5 parsecs"], "is not a duration"),
    (["migrate", "rollback", "--count", "0"], "--count must be at least 1"),
    (["migrate", "rollback", "--count", "many"], "'many' is not a valid integer"),
    (["migrate", "apply", "--to", "9999_nope"], "unknown migration '9999_nope'"),
    (["migrate", "new", "Bad Name!"], "use letters, digits and underscores"),
    (["verify", "--format", "yaml"], "'yaml' is not one of"),
    (["verify", "--expect", "/no/such/file.yaml"], "no such expectations file"),
    (["verify", "snapshot", "--schema", "nope"], "no schema nope in"),
    (["report", "20990101T000000Z-nope"], "unknown run"),
    (["report", "approve", "20990101T000000Z-nope", "--reason", "x"], "unknown run"),
    (["bench", "verify", "--tables", "0"], "0 is not in the range"),
    (["metrics", "recent-failures", "--limit", "0"], "p_limit must be between 1 and 10000"),
    (["metrics", "queue-health", "--org", "not-a-uuid"], "invalid input syntax for type uuid"),
    (["nope"], "No such command 'nope'"),
]


def error_lines(stderr: str) -> list[str]:
    """stderr without the target line (which a command whose stdout is a document prints there)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith("target: ")]


@pytest.mark.parametrize("args,message", BAD_USAGE, ids=[" ".join(a[:2]) + " " + a[-1] for a, _ in BAD_USAGE])
def test_bad_usage_or_input_exits_2_in_one_line(db, project_copy, args, message):
    with_dsn = args + (["--dsn", db] if args[0] in ("metrics", "migrate", "verify") and "--expect" not in args
                       and args[:2] != ["migrate", "new"]
                       else [])
    out = pgsuite("--project", str(project_copy.root), *with_dsn)
    assert out.returncode == 2, (args, out.stdout, out.stderr)
    assert message in out.stderr, out.stderr
    assert len(error_lines(out.stderr)) == 1 and "Traceback" not in out.stderr, out.stderr


def test_a_folder_that_is_no_project_exits_2(tmp_path):
    out = pgsuite("--project", str(tmp_path), "verify")
    assert out.returncode == 2 and "is not a pgsuite project: it has no migrations/ folder" in out.stderr


@pytest.mark.parametrize("args", [["deploy"], ["verify"], ["migrate", "status"], ["migrate", "apply"],
                                  ["migrate", "validate"], ["verify", "snapshot"], ["metrics", "queue-health"],
                                  ["bench", "verify"]])
def test_an_unreachable_server_exits_3_in_one_line(project_copy, args):
    out = pgsuite("--project", str(project_copy.root), *args, "--dsn", UNREACHABLE)
    assert out.returncode == 3, (args, out.stderr)
    [error] = error_lines(out.stderr)[:1]
    assert error.startswith("pgsuite: cannot connect to") and "Traceback" not in out.stderr


def test_a_connection_lost_in_the_middle_exits_3_not_a_failed_check(db, project_copy):
    """The server ends verify's session while a scenario runs (a scenario may not do it itself:
    ending a backend is beyond its transaction, and the guard refuses it)."""
    (project_copy.root / "verify" / "scenarios" / "0000_lose_the_connection.sql").write_text(
        "SELECT pg_sleep(3);\n")

    def terminate_when_sleeping():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if query(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(3)%%'")[0][0]:
                return
            time.sleep(0.05)

    killer = threading.Thread(target=terminate_when_sleeping)
    killer.start()
    out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db)
    killer.join()
    assert out.returncode == 3, (out.stdout, out.stderr)
    assert out.stderr.startswith("pgsuite: lost the connection to the server") and "Traceback" not in out.stderr


def test_a_failing_check_exits_1(db, project_copy):
    query(db, "DROP INDEX idx_appointments_customer")
    for args in (["verify"], ["deploy"], ["migrate", "validate"]):
        out = pgsuite("--project", str(project_copy.root), *args, "--dsn", db)
        expected = 0 if args == ["migrate", "validate"] else 1
        assert out.returncode == expected, (args, out.stdout, out.stderr)
    out = pgsuite("--project", str(project_copy.root), "db", "status")  # no embedded server in this copy
    assert out.returncode == 1 and out.stdout.startswith("not running")


def test_bench_on_a_schema_that_fails_verify_says_so_in_one_line(db, project_copy):
    query(db, "DROP INDEX idx_appointments_customer")  # the scratch copy is made from the project, not from db
    (project_copy.verify_dir / "schema.yaml").write_text(
        (project_copy.verify_dir / "schema.yaml").read_text().replace("idx_appointments_customer:",
                                                                       "idx_appointments_customer_renamed:"))
    out = pgsuite("--project", str(project_copy.root), "bench", "verify", "--tables", "2", "--repeat", "1",
                  "--dsn", db)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "the schema fails verify (catalog.table.public.appointments.indexes)" in out.stderr
    assert len(error_lines(out.stderr)) == 1


def test_an_internal_error_exits_4_in_one_line_and_debug_shows_the_traceback():
    code = ("import sys; import pgsuite.cli.db as d\n"
            "d.server.status = lambda *a: 1 / 0\n"
            "from pgsuite.cli import run; run()")
    for extra, traceback in (([], False), (["--debug"], True)):
        out = subprocess.run([sys.executable, "-c", code, "--project", str(ROOT), *extra, "db", "status"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 4, out.stderr
        assert "pgsuite: internal error: ZeroDivisionError: division by zero" in out.stderr
        assert ("Traceback" in out.stderr) is traceback
        assert ("rerun with --debug" in out.stderr) is not traceback


def test_ctrl_c_exits_130_and_leaves_the_migration_unapplied(empty_db, sandbox):
    (sandbox.migrations_dir / "8001_slow.sql").write_text("CREATE TABLE slow (id int);\nSELECT pg_sleep(60);")
    (sandbox.migrations_dir / "8001_slow.rollback.sql").write_text("DROP TABLE slow;")
    env = {k: v for k, v in os.environ.items() if k not in ("PGSUITE_DSN", "DATABASE_URL")}
    # as from a terminal: a shell that runs the tests in the background hands down SIGINT ignored
    proc = subprocess.Popen([sys.executable, "-m", "pgsuite", "--project", str(sandbox.root), "migrate", "apply",
                             "--dsn", empty_db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if query(empty_db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(60)%%'"
                           " AND pid <> pg_backend_pid()")[0][0]:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the slow migration never started")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "pgsuite: interrupted"
    deadline = time.monotonic() + 15
    while query(empty_db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(60)%%'"
                          " AND pid <> pg_backend_pid()")[0][0] and time.monotonic() < deadline:
        time.sleep(0.1)  # the server notices the closed connection and rolls the migration back
    assert query(empty_db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = '8001_slow'") == [(0,)]
    assert query(empty_db, "SELECT to_regclass('public.slow')") == [(None,)]
