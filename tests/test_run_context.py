"""One run context per deploy: the connections a deploy opens, counted by the server itself
(pg_stat_database.sessions counts every session established to a database), and the project's
files read before anything connects."""

import time

import psycopg
from conftest import ADMIN_DSN
from helpers import pgsuite
from owners import create_database, database_dsn, drop_database, owner_name

from pgsuite.context import RunContext
from pgsuite.project import Project
from pgsuite.target import Target

MAX_CONNECTIONS = 3  # the work connection, the migration lock's, the scenarios'


def sessions(database: str) -> int:
    """Sessions established so far to `database`; read from another database, after they ended."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for _ in range(50):  # a backend reports its session when it exits: wait for the last one
            conn.execute("SELECT pg_stat_clear_snapshot()")
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()[0]
            if not busy:
                break
            time.sleep(0.1)
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (database,)).fetchone()[0]


def test_a_deploy_opens_at_most_three_connections_fresh_and_up_to_date(project_copy):
    owner = owner_name("postgres", ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner)
    dsn = database_dsn(ADMIN_DSN, name, owner)
    try:
        for what in ("a fresh database", "an up-to-date database"):
            before = sessions(name)
            out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", dsn)
            assert out.returncode == 0, out.stdout + out.stderr
            opened = sessions(name) - before
            assert 1 <= opened <= MAX_CONNECTIONS, f"{what}: the deploy opened {opened} connections"
    finally:
        drop_database(ADMIN_DSN, name)


def test_a_bad_file_is_refused_before_any_connection(project_copy):
    (project_copy.root / "verify" / "config.yaml").write_text("settings: [unclosed\n")
    target = Target("host=/nonexistent-socket-dir port=1 dbname=nobody", "--dsn", "the test's")
    try:
        RunContext.read(Project.at(project_copy.root), target)
    except Exception as exc:  # noqa: BLE001 - the type is the assertion below
        assert type(exc).__name__ == "ConfigError" and "config.yaml" in str(exc)
    else:
        raise AssertionError("a broken verify/config.yaml was read without complaint")


def test_the_split_of_text_read_once_is_yoyos_own_split_of_the_file(tmp_path):
    """pgsuite reads each migration once and splits that text as yoyo's read_sql_migration would
    split the file when it applies it: the same directives and statements, CRLF files included."""
    from yoyo.migrations import read_sql_migration

    from pgsuite.migrate import files as migration_files
    from helpers import ROOT

    crlf = tmp_path / "0001_crlf.sql"
    crlf.write_bytes(b"-- depends: 0000_x\r\n-- transactional: false\r\nSELECT 1;\r\nSELECT ';';\r\n")
    paths = sorted((ROOT / "migrations").glob("*.sql")) + [crlf]
    for path in paths:
        directives, _, statements = read_sql_migration(str(path))
        assert migration_files._yoyo_split(path.read_bytes().decode("utf-8")) == (directives, statements), path
