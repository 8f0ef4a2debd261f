"""Through a real PgBouncer in transaction pooling mode (Debian's pgbouncer, started here in
front of the test server): a session advisory lock does not hold there, so deploy and migrate
refuse, naming the fix, with nothing applied; verify and metrics work through it."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

import programs
from conftest import SERVER
from helpers import pgsuite, query
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pgbouncer():
    """A PgBouncer (pool_mode = transaction) in front of the test server; yields its host and port."""
    pgbouncer_program = programs.require("pgbouncer")
    host = SERVER["host"]
    # it refuses to run as root; it runs as whoever may open the server's socket
    user = pwd.getpwuid(os.stat(host).st_uid).pw_name if host.startswith("/") else "postgres"
    folder = Path(tempfile.mkdtemp(prefix="pgsuite-pgbouncer-"))
    folder.chmod(0o755)
    shutil.chown(folder, user)
    port = _free_port()
    ini = folder / "pgbouncer.ini"
    ini.write_text(f"""[databases]
* = host={host} port={SERVER['port']} user={SERVER['user']}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 10
max_client_conn = 200
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
""")
    process = subprocess.Popen([pgbouncer_program, "-u", user, str(ini)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
                    pytest.fail(f"pgbouncer did not start: {process.stdout.read().decode()} {log}")
                time.sleep(0.1)
        yield {"host": "127.0.0.1", "port": port}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def through(pooler, dsn: str) -> str:
    params = conninfo_to_dict(dsn)
    return make_conninfo(host=pooler["host"], port=pooler["port"], user=params.get("user", "postgres"),
                         dbname=params["dbname"])


def test_the_pooler_really_pools_transactions(pgbouncer, db):
    # the premise: two client connections can be served by one backend
    with psycopg.connect(through(pgbouncer, db), autocommit=True, prepare_threshold=None) as a, \
            psycopg.connect(through(pgbouncer, db), autocommit=True, prepare_threshold=None) as b:
        assert a.execute("SELECT pg_backend_pid()").fetchone() == b.execute("SELECT pg_backend_pid()").fetchone()


@pytest.mark.parametrize("command", [["deploy"], ["migrate", "apply"]])
def test_deploy_and_migrate_refuse_a_transaction_pooler_and_apply_nothing(pgbouncer, empty_db, command):
    out = pgsuite(*command, "--dsn", through(pgbouncer, empty_db))
    assert out.returncode == 2, out.stdout + out.stderr
    message = out.stderr
    assert "refusing to migrate: the migration lock cannot be trusted through this connection" in message
    assert "served by the same backend" in message and "Give migrations a direct DSN" in message
    assert query(empty_db, "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                           "AND n.nspname NOT LIKE 'pg_toast%%'") == [(0,)]
    # and no lock is left behind in a pooled session
    assert query(empty_db, "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory'") == [(0,)]


def test_verify_and_metrics_work_through_the_pooler(pgbouncer, db):
    verified = pgsuite("verify", "--dsn", through(pgbouncer, db))
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr
    assert "PASS" in verified.stdout
    for metric in ("queue-health", "delivery-stats", "recent-failures", "dead-letter"):
        shown = pgsuite("metrics", metric, "--dsn", through(pgbouncer, db))
        assert shown.returncode == 0, metric + shown.stdout + shown.stderr
