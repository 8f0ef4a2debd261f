"""`pgsuite migrate check-rollback`: each rollback rehearsed on a scratch database; what a
rollback leaves behind (or takes away) is named object by object; the target is never touched."""

import json

from helpers import pgsuite, query

HEADER = "-- depends: 0006_validate_audit_log_org_fkey\n"


def scratch_databases(dsn):
    return query(dsn, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgsuite_rehearsal_%%'")


def test_the_projects_rollbacks_restore_the_schema(db, project_copy):
    out = pgsuite("--project", str(project_copy.root), "migrate", "check-rollback", "--dsn", db, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    migrations = [p for p in project_copy.migrations_dir.glob("[0-9]*.sql") if not p.name.endswith(".rollback.sql")]
    assert out.stdout.count("PASS   rollback.") == len(migrations) >= 7
    # the one accepted difference says why, from verify/config.yaml
    assert "suppressed: constraint public.appointment_audit_log.appointment_audit_log_org_id_fkey valid" in out.stdout
    assert scratch_databases(db) == [(0,)]


def test_a_rollback_that_leaves_objects_behind_is_named_object_by_object(db, project_copy):
    before = query(db, "SELECT count(*) FROM _yoyo_migration")
    (project_copy.migrations_dir / "0010_loyalty.sql").write_text(
        HEADER + "CREATE TABLE public.loyalty (id bigint PRIMARY KEY, points integer NOT NULL DEFAULT 0);\n"
        "CREATE FUNCTION public.loyalty_points(p_id bigint) RETURNS integer LANGUAGE plpgsql STABLE\n"
        "    SET search_path = pg_catalog, pg_temp\n"
        "    AS $$ BEGIN RETURN (SELECT points FROM public.loyalty WHERE id = p_id); END $$;\n"
        "ALTER TABLE public.customers ADD COLUMN loyalty_id bigint;\n")
    (project_copy.migrations_dir / "0010_loyalty.rollback.sql").write_text(
        "ALTER TABLE public.customers DROP COLUMN loyalty_id;\nDROP TABLE public.loyalty CASCADE;\n")
    out = pgsuite("--project", str(project_copy.root), "migrate", "check-rollback", "--dsn", db,
                  "--format", "json", timeout=300)
    assert out.returncode == 1, out.stderr
    check = next(c for c in json.loads(out.stdout)["checks"] if c["id"] == "rollback.0010_loyalty")
    assert check["status"] == "fail"
    assert [f["message"] for f in check["findings"]] == [
        "function public.loyalty_points(bigint): left behind by the rollback"]
    # the target was not touched: the rehearsal ran on a scratch database, now dropped
    assert query(db, "SELECT count(*) FROM _yoyo_migration") == before
    assert query(db, "SELECT to_regclass('public.loyalty')") == [(None,)]
    assert scratch_databases(db) == [(0,)]


def test_a_rollback_that_fails_is_an_error_and_the_later_ones_are_not_run(db, project_copy):
    (project_copy.migrations_dir / "0010_broken.sql").write_text(HEADER + "CREATE TABLE public.t7 (id bigint);\n")
    (project_copy.migrations_dir / "0010_broken.rollback.sql").write_text("DROP TABLE public.nope;\n")
    (project_copy.migrations_dir / "0011_after.sql").write_text("-- depends: 0010_broken\nCREATE TABLE public.t8 (id bigint);\n")
    (project_copy.migrations_dir / "0011_after.rollback.sql").write_text("DROP TABLE public.t8;\n")
    out = pgsuite("--project", str(project_copy.root), "migrate", "check-rollback", "--dsn", db, timeout=300)
    assert out.returncode == 1
    assert "ERROR  rollback.0010_broken" in out.stdout and 'table "nope" does not exist' in out.stdout
    assert "NOT RUN  rollback.0011_after" in out.stdout and "not run: the rehearsal of 0010_broken failed" in out.stdout
