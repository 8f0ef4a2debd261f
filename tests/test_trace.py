"""`pgsuite migrate trace`: the locks each pending statement really took (pg_locks), against
pgsuite's prediction, on a clone of the target or in a transaction rolled back on it; and the
API roles' surface before and after (breaking changes). The target is never changed."""

import json

import pytest
from conftest import ADMIN_DSN
from helpers import pgsuite, query
from owners import create_database, database_dsn, drop_database, owner_name

HEADER = "-- depends: 0006_validate_audit_log_org_fkey\n"
CHANGE = (HEADER + "ALTER TABLE public.customers ADD COLUMN nickname text;\n"
          "ALTER TABLE public.customers SET (fillfactor = 90);\n"
          "ALTER TABLE public.customers DROP COLUMN phone;\n")


@pytest.fixture
def quiet_db(owner_templates):
    """A deployed database nobody else is connected to: it can be cloned."""
    owner = owner_name("postgres", ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner, template=owner_templates("postgres"))
    yield database_dsn(ADMIN_DSN, name, owner)
    drop_database(ADMIN_DSN, name)


def trace(project, dsn):
    out = pgsuite("--project", str(project.root), "migrate", "trace", "--dsn", dsn, "--format", "json", timeout=300)
    return out, json.loads(out.stdout)


def write(project, name, text):
    (project.migrations_dir / f"{name}.sql").write_text(text)
    (project.migrations_dir / f"{name}.rollback.sql").write_text("SELECT 1;\n")


def phone_exists(dsn):
    return query(dsn, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' "
                      "AND column_name = 'phone'") == [(1,)]


def test_on_a_clone_locks_are_traced_and_breaking_changes_found(quiet_db, project_copy):
    write(project_copy, "0010_change", CHANGE)
    out, run = trace(project_copy, quiet_db)
    assert out.returncode == 1, out.stderr  # a breaking change
    assert run["run"]["traced_on"].startswith("a clone of the target")
    traced = next(c for c in run["checks"] if c["id"] == "trace.0010_change")
    assert "statement 1 (ALTER TABLE public.customers ADD COLUMN nickname text;): took ACCESS EXCLUSIVE on " \
           "public.customers" in traced["detail"]
    # pgsuite predicts "ACCESS EXCLUSIVE (at most)" for subcommands it does not know: the trace says better
    assert [f["message"] for f in traced["findings"]] == [
        "statement 2 (ALTER TABLE public.customers SET (fillfactor = 90);): predicted ACCESS EXCLUSIVE on "
        "public.customers, took SHARE UPDATE EXCLUSIVE"]
    breaking = next(c for c in run["checks"] if c["id"] == "api.breaking_changes")
    assert breaking["status"] == "fail"
    assert [f["message"] for f in breaking["findings"]] == [
        "column public.customers.phone: dropped, renamed or no longer granted"]
    assert "added (not breaking): column public.customers.nickname" in breaking["detail"]
    assert phone_exists(quiet_db)  # the target is as it was; the clone is gone
    assert query(ADMIN_DSN, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgsuite_trace_%%'") == [(0,)]
    text = pgsuite("--project", str(project_copy.root), "migrate", "trace", "--dsn", quiet_db, timeout=300).stdout
    assert text.startswith("target: --dsn (")
    assert text.split("\n", 1)[1].startswith("traced on a clone of the target (CREATE DATABASE ... TEMPLATE), "
                                             "dropped afterwards\n")


def test_a_target_in_use_is_traced_in_a_transaction_rolled_back(db, project_copy):
    write(project_copy, "0010_change", CHANGE)  # `db` has a session open on it: no clone
    out, run = trace(project_copy, db)
    assert out.returncode == 0, out.stderr  # the lock finding is a warning; breaking changes not judged
    assert run["run"]["traced_on"].startswith("the target, inside a transaction rolled back")
    traced = next(c for c in run["checks"] if c["id"] == "trace.0010_change")
    assert "took ACCESS EXCLUSIVE on public.customers" in traced["detail"]
    breaking = next(c for c in run["checks"] if c["id"] == "api.breaking_changes")
    assert breaking["status"] == "skip" and "could not be cloned" in breaking["detail"]
    assert phone_exists(db)
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = '0010_change'") == [(0,)]


def test_a_migration_outside_a_transaction_is_not_traced_and_says_why(quiet_db, project_copy):
    write(project_copy, "0010_index", "-- transactional: false\n" + HEADER
          + "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_customers_email ON public.customers (email);\n")
    out, run = trace(project_copy, quiet_db)
    assert out.returncode == 0, out.stderr
    traced = next(c for c in run["checks"] if c["id"] == "trace.0010_index")
    assert traced["status"] == "skip" and "runs outside a transaction" in traced["detail"]
