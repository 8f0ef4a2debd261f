"""apply, rollback, status, new and the repeatable step, against a real PostgreSQL."""

import json

import pytest
from helpers import REAL_MIGRATIONS, pgsuite, query

from pgsuite.errors import ConfigError
from pgsuite.migrate import runner, scaffold
from pgsuite.migrate.status import status

ROLES = ["anon", "authenticated", "service_role"]


def write_migration(project, name, sql, rollback):
    (project.migrations_dir / f"{name}.sql").write_text(sql)
    (project.migrations_dir / f"{name}.rollback.sql").write_text(rollback)


@pytest.fixture
def three_step(sandbox):
    """The real migrations plus two small ones of the test's own."""
    write_migration(sandbox, "8001_widgets", "CREATE TABLE widgets (id int PRIMARY KEY);", "DROP TABLE widgets;")
    write_migration(
        sandbox,
        "8002_widget_names",
        "ALTER TABLE widgets ADD COLUMN name text;\n"
        "-- pgsuite-ignore: M001 widgets is new in 8001 and still empty when 8002 runs\n"
        "CREATE INDEX widgets_name_idx ON widgets (name);",
        "DROP INDEX widgets_name_idx;\nALTER TABLE widgets DROP COLUMN name;",
    )
    return sandbox


def states(project, dsn):
    return {e.name: e.state for e in status(project, dsn) if e.kind == "migration"}


def test_apply_creates_extension_roles_and_records_checksums(empty_db, sandbox):
    result = runner.apply(sandbox, empty_db)
    assert [m for m, _ in result.applied] == REAL_MIGRATIONS
    assert query(empty_db, "SELECT extname FROM pg_extension WHERE extname = 'btree_gist'") == [("btree_gist",)]
    roles = query(empty_db, "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s) ORDER BY 1", (ROLES,))
    assert roles == [(r, False) for r in ROLES]
    ledger = query(
        empty_db,
        "SELECT migration_id, checksum, statements FROM pgsuite.migration_ledger WHERE migration_id LIKE '0001%%'",
    )
    migration = sandbox.migrations_dir / "0001_extensions_and_roles.sql"
    from pgsuite.migrate.files import checksum

    assert ledger == [("0001_extensions_and_roles", checksum(migration.read_bytes()), 2)]
    assert runner.apply(sandbox, empty_db).applied == []  # idempotent: nothing pending


def test_round_trip_apply_rollback_apply(empty_db, three_step):
    runner.apply(three_step, empty_db)
    assert set(states(three_step, empty_db).values()) == {"applied"}
    everything = REAL_MIGRATIONS + ["8001_widgets", "8002_widget_names"]
    rolled = runner.rollback(three_step, empty_db, count=len(everything))
    assert [m for m, _ in rolled.rolled_back] == everything[::-1]
    assert set(states(three_step, empty_db).values()) == {"pending"}
    assert query(
        empty_db,
        "SELECT to_regclass('widgets'), to_regclass('appointments'), count(*) FROM pg_extension WHERE extname='btree_gist'",
    ) == [(None, None, 0)]
    assert query(empty_db, "SELECT count(*) FROM pgsuite.migration_ledger") == [(0,)]
    runner.apply(three_step, empty_db)
    assert set(states(three_step, empty_db).values()) == {"applied"}


def test_partial_rollback_by_count_and_to(empty_db, three_step):
    runner.apply(three_step, empty_db)
    runner.rollback(three_step, empty_db)  # default: the last one
    assert states(three_step, empty_db)["8002_widget_names"] == "pending"
    assert query(empty_db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'widgets'") == [(1,)]
    runner.apply(three_step, empty_db)
    runner.rollback(three_step, empty_db, to=REAL_MIGRATIONS[-1])
    assert states(three_step, empty_db) == {
        **{m: "applied" for m in REAL_MIGRATIONS},
        "8001_widgets": "pending",
        "8002_widget_names": "pending",
    }


def test_apply_to_stops_at_the_named_migration(empty_db, three_step):
    result = runner.apply(three_step, empty_db, to="8001_widgets")
    assert [m for m, _ in result.applied] == REAL_MIGRATIONS + ["8001_widgets"]
    assert states(three_step, empty_db)["8002_widget_names"] == "pending"


def test_status_json_lists_every_migration_with_its_time(empty_db, three_step):
    runner.apply(three_step, empty_db, to="8001_widgets")
    out = pgsuite("--project", str(three_step.root), "migrate", "status", "--format", "json", "--dsn", empty_db)
    assert out.returncode == 0, out.stderr
    entries = {e["name"]: e for e in json.loads(out.stdout)["entries"]}
    assert entries["8001_widgets"]["state"] == "applied" and entries["8001_widgets"]["applied_at"]
    assert entries["8002_widget_names"] == {
        "kind": "migration",
        "name": "8002_widget_names",
        "state": "pending",
        "applied_at": None,
    }


def test_status_is_read_only_on_a_database_never_migrated(empty_db, sandbox):
    assert states(sandbox, empty_db) == {m: "pending" for m in REAL_MIGRATIONS}
    assert query(empty_db, "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'pgsuite')") == [(0,)]


def test_new_creates_the_next_numbered_pair(three_step):
    path, rollback = scaffold.new(three_step.migrations_dir, "add-booking notes")
    assert path.name == "8003_add_booking_notes.sql"
    assert rollback.name == "8003_add_booking_notes.rollback.sql"
    assert path.exists() and rollback.exists()
    with pytest.raises(ConfigError, match="use letters, digits and underscores"):
        scaffold.new(three_step.migrations_dir, "drop; table")


def test_new_cli_rejects_a_bad_name_and_writes_nothing(sandbox):
    before = sorted(p.name for p in sandbox.migrations_dir.iterdir())
    out = pgsuite("--project", str(sandbox.root), "migrate", "new", "bad/name")
    assert out.returncode == 2
    assert "bad/name" in out.stderr
    assert sorted(p.name for p in sandbox.migrations_dir.iterdir()) == before


def test_repeatables_apply_in_order_and_only_when_changed(empty_db, sandbox):
    (sandbox.repeatables_dir / "10_answer.sql").write_text(
        "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 41 $$;"
    )
    (sandbox.repeatables_dir / "20_uses_answer.sql").write_text(
        "CREATE OR REPLACE VIEW answer_view AS SELECT answer() AS a;"
    )
    first = runner.apply(sandbox, empty_db)
    assert first.repeatables == ["10_answer.sql", "20_uses_answer.sql"]
    applied_at = query(empty_db, "SELECT name, applied_at FROM pgsuite.repeatable_ledger ORDER BY name")

    assert runner.apply(sandbox, empty_db).repeatables == []  # unchanged: not re-applied
    assert query(empty_db, "SELECT name, applied_at FROM pgsuite.repeatable_ledger ORDER BY name") == applied_at

    (sandbox.repeatables_dir / "10_answer.sql").write_text(
        "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$;"
    )
    assert {e.name: e.state for e in status(sandbox, empty_db) if e.kind == "repeatable"} == {
        "10_answer.sql": "changed",
        "20_uses_answer.sql": "applied",
    }
    assert runner.apply(sandbox, empty_db).repeatables == ["10_answer.sql"]
    assert query(empty_db, "SELECT a FROM answer_view") == [(42,)]


def test_a_failing_repeatable_applies_none_of_them(empty_db, sandbox):
    (sandbox.repeatables_dir / "10_ok.sql").write_text("CREATE FUNCTION ok() RETURNS int LANGUAGE sql AS 'SELECT 1';")
    (sandbox.repeatables_dir / "20_bad.sql").write_text("SELECT 1;\nSELECT * FROM no_such_table;")
    out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 1
    assert "sql/20_bad.sql failed at line 2" in out.stderr
    assert "no_such_table" in out.stderr
    assert query(empty_db, "SELECT to_regproc('ok'), count(*) FROM pgsuite.repeatable_ledger") == [(None, 0)]
    # the versioned migration before it stays applied: each step has its own transaction
    assert states(sandbox, empty_db) == {m: "applied" for m in REAL_MIGRATIONS}


def test_rollback_makes_the_next_apply_reapply_repeatables(empty_db, three_step):
    # A repeatable's objects can go with a table (a comment, a policy, a grant): after a
    # rollback the next apply must re-apply it even though the file did not change.
    (three_step.repeatables_dir / "10_widget_comment.sql").write_text("COMMENT ON TABLE widgets IS 'made by sql/';")
    runner.apply(three_step, empty_db)
    runner.rollback(three_step, empty_db, to=REAL_MIGRATIONS[-1])
    assert runner.apply(three_step, empty_db).repeatables == ["10_widget_comment.sql"]
    assert query(empty_db, "SELECT obj_description('widgets'::regclass)") == [("made by sql/",)]


def test_non_transactional_migration_creates_index_concurrently(empty_db, three_step):
    write_migration(
        three_step,
        "8003_widget_name_lookup",
        "-- transactional: false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS widgets_lookup ON widgets (name, id);",
        "DROP INDEX CONCURRENTLY IF EXISTS widgets_lookup;",
    )
    runner.apply(three_step, empty_db)
    valid = query(empty_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'widgets_lookup'::regclass")
    assert valid == [(True,)]
    runner.rollback(three_step, empty_db)
    assert query(empty_db, "SELECT to_regclass('widgets_lookup')") == [(None,)]


def _run_on_a_terminal(args, env):
    """Run the real CLI with a pseudo-terminal as stdout and stderr; return what it showed."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    proc = subprocess.run([sys.executable, "-m", "pgsuite", *args], stdin=slave, stdout=slave, stderr=slave,
                          env=env, timeout=120)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode().replace("\r\n", "\n")


def test_progress_shows_on_a_terminal_and_not_in_ci(empty_db, three_step):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PGSUITE_DSN", "DATABASE_URL")}
    args = ["--project", str(three_step.root), "migrate", "apply", "--to", "8001_widgets", "--dsn", empty_db]
    code, shown = _run_on_a_terminal(args, env)
    assert code == 0
    assert "  applied 8001_widgets (" in shown  # one line per migration, with its duration, as it finishes
    assert shown.rstrip().endswith(f"done: {len(REAL_MIGRATIONS) + 1} applied, 0 rolled back, 0 repeatable(s) re-applied")
    code, shown = _run_on_a_terminal(["--project", str(three_step.root), "migrate", "apply", "--dsn", empty_db],
                                     {**env, "CI": "true"})
    target, *lines = shown.strip().splitlines()  # in CI: no progress lines, the target and the outcome
    assert target.startswith("target: --dsn (")
    assert code == 0 and len(lines) == 1 and lines[0].startswith("applied 8002_widget_names (")
