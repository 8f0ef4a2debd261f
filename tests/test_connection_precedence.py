"""Which server a command talks to, as libpq's own tools choose it: --dsn, then PGSUITE_DSN, then
DATABASE_URL, then libpq's environment (PGHOST, PGSERVICE, PGPASSFILE ...), and only then the
embedded server; the first line says which and why. A DSN's connect_timeout, PGCONNECT_TIMEOUT
and a service's own are respected. Tested with a service file, a .pgpass entry on a server that
asks for a password, and each variable."""

import json
import shutil
import socket
import threading
import time

import pytest
from psycopg.conninfo import conninfo_to_dict

import clusters
from helpers import ROOT, pgsuite
from pgsuite import db as db_lib
from pgsuite.target import LIBPQ_TARGET_VARS, choose


def libpq_env(dsn: str) -> dict:
    p = conninfo_to_dict(dsn)
    return {"PGHOST": p["host"], "PGPORT": str(p["port"]), "PGUSER": p["user"], "PGDATABASE": p["dbname"]}


def status(*args, env=None, project=ROOT):
    return pgsuite("--project", str(project), "migrate", "status", *args, env=env)


def test_the_order_is_dsn_then_pgsuite_dsn_then_database_url_then_libpq():
    everything = {"PGSUITE_DSN": "dbname=a", "DATABASE_URL": "dbname=b", "PGHOST": "h"}
    assert choose("dbname=x", everything).source == "--dsn"
    assert choose(None, everything).source == "PGSUITE_DSN"
    assert choose(None, {**everything, "PGSUITE_DSN": ""}).source == "DATABASE_URL"
    libpq = choose(None, {"PGHOST": "h", "PGDATABASE": "d", "PGPASSWORD": "secret"})
    assert (libpq.source, libpq.dsn) == ("libpq environment", "")
    assert "PGHOST=h PGDATABASE=d PGPASSWORD=***" in libpq.describe() and "secret" not in libpq.describe()
    assert choose(None, {"PGCONNECT_TIMEOUT": "5", "PGSSLMODE": "prefer", "PGAPPNAME": "x"}) is None  # tune, not choose


def test_libpq_environment_deploys_to_that_server_and_says_so_on_line_one(db, sandbox):
    out = pgsuite("--project", str(sandbox.root), "deploy", env=libpq_env(db), timeout=300)
    first = out.stdout.splitlines()[0]
    assert first.startswith("target: libpq environment: PGHOST=") and "PGDATABASE=" in first, out.stdout
    assert "(no --dsn, PGSUITE_DSN or DATABASE_URL)" in first
    assert not (sandbox.root / ".pgsuite" / "data").exists()  # the embedded server was never started
    doc = json.loads(status("--format", "json", env=libpq_env(db), project=sandbox.root).stdout)
    assert doc["target"]["source"] == "libpq environment"
    assert {e["state"] for e in doc["entries"] if e["kind"] == "migration"} == {"applied"}


@pytest.mark.parametrize("variable", LIBPQ_TARGET_VARS)
def test_each_libpq_variable_alone_chooses_a_server_not_the_embedded_one(variable, sandbox, tmp_path):
    value = {"PGHOST": str(tmp_path / "no-socket-here"), "PGHOSTADDR": "127.0.0.1", "PGPORT": "1",
             "PGDATABASE": "pgsuite_no_such_db", "PGUSER": "pgsuite_no_such_role", "PGPASSWORD": "hunter2",
             "PGPASSFILE": str(tmp_path / "pgpass"), "PGSERVICE": "pgsuite_no_such_service"}[variable]
    out = status(env={variable: value, "HOME": str(tmp_path), "PGCONNECT_TIMEOUT": "2"}, project=sandbox.root)
    first = (out.stdout or out.stderr).splitlines()[0]
    shown = "***" if variable == "PGPASSWORD" else value
    assert first.startswith(f"target: libpq environment: {variable}={shown} "), out.stdout + out.stderr
    assert "hunter2" not in out.stdout + out.stderr
    assert out.returncode in (0, 3), out.stderr  # whatever libpq's defaults reach, never the embedded server
    assert not (sandbox.root / ".pgsuite" / "data").exists()


def test_a_service_file_names_the_target(db, sandbox, tmp_path):
    p = conninfo_to_dict(db)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[pgsuite_test]\nhost={p['host']}\nport={p['port']}\nuser={p['user']}\ndbname={p['dbname']}\n")
    env = {"PGSERVICEFILE": str(services), "HOME": str(tmp_path)}
    by_variable = json.loads(status("--format", "json", env={**env, "PGSERVICE": "pgsuite_test"}).stdout)
    assert by_variable["target"]["source"] == "libpq environment"
    by_dsn = json.loads(status("--format", "json", "--dsn", "service=pgsuite_test", env=env).stdout)
    assert by_dsn["target"]["source"] == "--dsn"
    for doc in (by_variable, by_dsn):
        assert [e["state"] for e in doc["entries"] if e["kind"] == "migration"][0] == "applied"


@pytest.fixture(scope="module")
def password_server():
    """A server of the test's own that asks every client for a password (scram-sha-256)."""
    root = clusters.workspace("pgsuite-pgpass-")
    server = clusters.initdb(root / "data", auth="scram-sha-256", password="s3cret-pw")
    try:
        yield clusters.start(server)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_pgpass_entry_is_used_and_its_password_never_shown(password_server, sandbox, tmp_path):
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{password_server.port}:*:postgres:s3cret-pw\n")
    passfile.chmod(0o600)
    env = {"PGHOST": "127.0.0.1", "PGPORT": str(password_server.port), "PGUSER": "postgres",
           "PGDATABASE": "postgres", "HOME": str(tmp_path)}
    refused = status(env=env, project=sandbox.root)
    assert refused.returncode == 3 and "password" in refused.stderr, refused.stderr
    out = status("--format", "json", env={**env, "PGPASSFILE": str(passfile)}, project=sandbox.root)
    assert out.returncode == 0, out.stderr
    assert {e["state"] for e in json.loads(out.stdout)["entries"] if e["kind"] == "migration"} == {"pending"}
    # the same entry through --dsn, and the password given in a DSN is never printed
    out = status("--dsn", f"host=127.0.0.1 port={password_server.port} user=postgres dbname=postgres",
                 env={"PGPASSFILE": str(passfile), "HOME": str(tmp_path)}, project=sandbox.root)
    assert out.returncode == 0, out.stderr
    out = status("--dsn", f"host=127.0.0.1 port={password_server.port} user=postgres password=s3cret-pw "
                 "sslpassword=key-pw dbname=postgres", env={"HOME": str(tmp_path)}, project=sandbox.root)
    assert out.returncode == 0 and "s3cret-pw" not in out.stdout + out.stderr and "key-pw" not in out.stdout


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: only a timeout ends a connect."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _timed(*args, env=None, project):
    started = time.monotonic()
    out = status(*args, env=env, project=project)
    return out, time.monotonic() - started


def test_the_dsns_own_timeout_pgconnect_timeout_and_a_services_are_respected(silent_server, sandbox, tmp_path):
    base = f"host=127.0.0.1 port={silent_server} user=postgres dbname=postgres"
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[silent]\nhost=127.0.0.1\nport={silent_server}\nuser=postgres\nconnect_timeout=2\n")
    for args, env in ((("--dsn", f"{base} connect_timeout=2"), {}),
                      (("--dsn", base), {"PGCONNECT_TIMEOUT": "2"}),
                      ((), {"PGSERVICE": "silent", "PGSERVICEFILE": str(services)})):
        out, seconds = _timed(*args, env={**env, "HOME": str(tmp_path)}, project=sandbox.root)
        assert out.returncode == 3, out.stderr
        assert seconds < 8, f"{args} {env}: waited {seconds:.1f} s, not the 2 s given (pgsuite's default is 10 s)"


def test_the_default_timeout_applies_only_when_nothing_gives_one(tmp_path):
    services = tmp_path / "pg_service.conf"
    services.write_text("[s]\nhost=h\nconnect_timeout=7\n[t]\nhost=h\n")
    files = {"PGSERVICEFILE": str(services)}
    assert db_lib.connect_timeout("host=h", {}) == "10"
    assert db_lib.connect_timeout("host=h connect_timeout=3", {}) is None  # psycopg reads it from the DSN
    assert db_lib.connect_timeout("postgresql://h/d?connect_timeout=3", {}) is None
    assert db_lib.connect_timeout("host=h", {"PGCONNECT_TIMEOUT": "4"}) is None  # and from the environment
    assert db_lib.connect_timeout("service=s", files) == "7"  # but not from a service: passed on
    assert db_lib.connect_timeout("", {**files, "PGSERVICE": "s"}) == "7"
    assert db_lib.connect_timeout("service=t", files) == "10"
