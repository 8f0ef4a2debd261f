"""What must not go wrong: failures, edits after the fact, concurrent runs, crashes, bad input."""

import os
import signal
import subprocess
import sys
import time

import pytest
from helpers import REAL_MIGRATIONS, holding_migration_lock, pgsuite, query

from pgsuite.errors import ConfigError, ValidationFailed
from pgsuite.migrate import runner

FIRST = "0001_extensions_and_roles"


def write_migration(project, name, sql, rollback=None):
    (project.migrations_dir / f"{name}.sql").write_text(sql)
    if rollback is not None:
        (project.migrations_dir / f"{name}.rollback.sql").write_text(rollback)


def applied_ids(dsn):
    return [r[0] for r in query(dsn, "SELECT migration_id FROM _yoyo_migration ORDER BY 1")]


def test_failing_migration_leaves_nothing_and_names_statement_and_error(empty_db, sandbox):
    write_migration(
        sandbox,
        "8001_half_done",
        "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nALTER TABLE half_done ADD COLUMN id int;",
        "SELECT 1;\nDELETE FROM half_done;\nDROP TABLE half_done;",
    )
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 1
    # the cause on the first line, which summaries show alone
    assert ('migration 8001_half_done (apply) failed and was rolled back: column "id" of relation "half_done" '
            'already exists [42701]') in out.stderr.splitlines()[0]
    assert "statement: ALTER TABLE half_done ADD COLUMN id int;" in out.stderr
    assert '[42701]: column "id" of relation "half_done" already exists' in out.stderr
    # the migration before it is applied; the failing one left no table, no record, no checksum
    assert applied_ids(empty_db) == REAL_MIGRATIONS
    assert query(empty_db, "SELECT to_regclass('half_done')") == [(None,)]
    assert query(empty_db, "SELECT migration_id FROM pgsuite.migration_ledger ORDER BY 1") == [
        (m,) for m in REAL_MIGRATIONS
    ]


def test_validate_names_an_applied_migration_edited_afterwards(empty_db, sandbox):
    runner.apply(sandbox, empty_db)
    path = sandbox.migrations_dir / f"{FIRST}.sql"
    path.write_text(path.read_text() + "\n-- an innocent-looking edit\n")
    out = pgsuite("--project", str(sandbox.root), "migrate", "validate", "--dsn", empty_db)
    assert out.returncode == 1
    assert f"migrations/{FIRST}.sql was edited after it was applied" in out.stdout
    # apply validates first and refuses
    with pytest.raises(ValidationFailed, match="was edited after it was applied"):
        runner.apply(sandbox, empty_db)


def test_validate_names_renamed_deleted_and_edited_rollback(empty_db, sandbox):
    write_migration(sandbox, "8001_a", "CREATE TABLE a (id int);", "DROP TABLE a;")
    write_migration(sandbox, "8002_b", "CREATE TABLE b (id int);", "DROP TABLE b;")
    runner.apply(sandbox, empty_db)
    (sandbox.migrations_dir / "8001_a.sql").rename(sandbox.migrations_dir / "8001_renamed.sql")
    (sandbox.migrations_dir / "8001_a.rollback.sql").rename(sandbox.migrations_dir / "8001_renamed.rollback.sql")
    (sandbox.migrations_dir / "8002_b.rollback.sql").write_text("DROP TABLE IF EXISTS b;")
    found = runner.validate(sandbox, empty_db)
    assert "migrations/8001_a.sql is applied but the file is gone (deleted or renamed)" in found
    assert any(p.startswith("migrations/8002_b.rollback.sql was edited after its migration was applied") for p in found)
    assert "migrations/8001_renamed.sql is pending but the later 8002_b is already applied" in found


def test_missing_or_short_rollback_is_refused_before_anything_runs(empty_db, sandbox):
    write_migration(sandbox, "8001_no_rollback", "CREATE TABLE nr (id int);")
    write_migration(sandbox, "8002_short", "-- transactional: false\nCREATE TABLE s1 (id int);\nCREATE TABLE s2 (id int);",
                    "DROP TABLE s2;")
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 1
    assert "migrations/8001_no_rollback.rollback.sql is missing" in out.stderr
    assert ("migrations/8002_short.rollback.sql has 1 statement(s), fewer than the 2 of 8002_short.sql: "
            "a '-- transactional: false' migration pairs them one to one") in out.stderr
    assert query(empty_db, "SELECT count(*) FROM _yoyo_migration") == [(0,)]


def test_a_transactional_migration_needs_no_statement_by_statement_rollback(empty_db, sandbox):
    """yoyo runs a transactional migration's rollback file as a whole (it pads a shorter one), so
    one DROP SCHEMA ... CASCADE undoes a whole imported schema; a trailing comment is no statement."""
    write_migration(sandbox, "8001_import", "CREATE SCHEMA imported;\nCREATE TABLE imported.a (id int);\n"
                    "CREATE TABLE imported.b (id int);\n-- the end of the import\n",
                    "DROP SCHEMA imported CASCADE;\n-- undoes 8001\n")
    runner.apply(sandbox, empty_db)
    assert query(empty_db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'imported'") == [(2,)]
    assert query(empty_db, "SELECT statements FROM pgsuite.migration_ledger WHERE migration_id = '8001_import'") == [(3,)]
    runner.rollback(sandbox, empty_db)
    assert query(empty_db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'imported'") == [(0,)]


def test_corrupt_migration_files_are_named_with_exit_2(empty_db, sandbox):
    write_migration(sandbox, "8001_typo", "CREATE TABLE ok (id int);\nCREAT TABLE typo (id int);", "DROP TABLE ok;")
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 2
    assert "8001_typo.sql:2: SQL syntax error" in out.stderr
    (sandbox.migrations_dir / "8001_typo.sql").write_bytes(b"CREATE TABLE \xff\xfe (id int);")
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 2
    assert "8001_typo.sql: not UTF-8 text" in out.stderr
    (sandbox.migrations_dir / "8001_typo.sql").unlink()
    (sandbox.migrations_dir / "8001_typo.rollback.sql").unlink()
    (sandbox.migrations_dir / "add_column.sql").write_text("SELECT 1;")
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 2
    assert "add_column.sql: migration files are named NNNN_lowercase_name.sql" in out.stderr
    assert query(empty_db, "SELECT to_regclass('public._yoyo_migration')") == [(None,)]


def test_unknown_migration_id_is_a_usage_error(db, sandbox):
    with pytest.raises(ConfigError, match="unknown migration '9999_nope'"):
        runner.apply(sandbox, db, to="9999_nope")
    out = pgsuite("--project", str(sandbox.root), "migrate", "rollback", "--to", "9999_nope", "--dsn", db)
    assert out.returncode == 2
    assert "unknown migration '9999_nope': no migrations/9999_nope.sql" in out.stderr
    out = pgsuite("--project", str(sandbox.root), "migrate", "rollback", "--count", "99", "--dsn", db)
    assert out.returncode == 2
    assert "--count 99: only" in out.stderr


def test_unreachable_server_exits_3_with_a_clear_message(project_copy):
    dsn = "host=127.0.0.1 port=1 user=postgres dbname=nowhere connect_timeout=3"
    for command in (["migrate", "apply"], ["migrate", "status"], ["deploy"], ["verify"]):
        out = pgsuite("--project", str(project_copy.root), *command, "--dsn", dsn)
        assert out.returncode == 3, (command, out.stderr)
        assert "cannot connect to" in out.stderr and "port=1" in out.stderr
        assert "Traceback" not in out.stderr


def test_two_concurrent_applies_both_succeed_and_apply_each_migration_once(empty_db, sandbox):
    # A slow migration widens the window in which the second run must wait for the first.
    write_migration(sandbox, "8001_slow", "CREATE TABLE slow (id int);\nSELECT pg_sleep(1);", "SELECT 1;\nDROP TABLE slow;")
    cmd = [sys.executable, "-m", "pgsuite", "--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    stdout = "".join(o[0] for o in outputs)
    assert stdout.count("applied 8001_slow") == 1 and stdout.count(f"applied {FIRST}") == 1
    assert "nothing to do" in stdout
    applies = query(empty_db, "SELECT migration_id, count(*) FROM _yoyo_log WHERE operation = 'apply' GROUP BY 1 ORDER BY 1")
    assert applies == [(m, 1) for m in REAL_MIGRATIONS] + [("8001_slow", 1)]


def test_sigkill_mid_migration_leaves_no_half_migration_and_no_stale_lock(empty_db, sandbox):
    runner.apply(sandbox, empty_db)
    write_migration(
        sandbox,
        "8001_killed",
        "CREATE TABLE killed (id int);\nSELECT pg_sleep(60);\nCREATE TABLE after_sleep (id int);",
        "DROP TABLE after_sleep;\nSELECT 1;\nDROP TABLE killed;",
    )
    cmd = [sys.executable, "-m", "pgsuite", "--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db]
    victim = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbname = query(empty_db, "SELECT current_database()")[0][0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sleeping = query(
            empty_db,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'SELECT pg_sleep(60)%%'",
            (dbname,),
        )
        if sleeping[0][0]:
            break
        time.sleep(0.1)
    else:
        victim.kill()
        pytest.fail("the migration never reached its pg_sleep")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    # No yoyo_lock row to break: the next run waits for the server to end the dead session.
    (sandbox.migrations_dir / "8001_killed.sql").write_text(
        "CREATE TABLE killed (id int);\nSELECT 1;\nCREATE TABLE after_sleep (id int);"
    )
    started = time.monotonic()
    result = runner.apply(sandbox, empty_db, lock_timeout="30s")
    assert [m for m, _ in result.applied] == ["8001_killed"]
    assert time.monotonic() - started < 20
    assert query(empty_db, "SELECT count(*) FROM yoyo_lock") == [(0,)]
    applies = query(empty_db, "SELECT migration_id FROM _yoyo_log WHERE operation = 'apply' ORDER BY created_at_utc")
    assert applies == [(m,) for m in REAL_MIGRATIONS + ["8001_killed"]]


def test_lock_timeout_names_the_holder(empty_db, sandbox):
    with holding_migration_lock(empty_db, "someone else"):
        out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--lock-timeout", "500ms", "--dsn", empty_db)
    assert out.returncode == 1
    assert "the migration lock is held by backend pid" in out.stderr and "someone else" in out.stderr

