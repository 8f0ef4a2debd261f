"""Security round 3, the schema: each attack of the issue, run as it was reported (as the API roles,
logged in as PostgREST's authenticator; as the owner where the owner was the attacker), against
the schema as every owner kind deployed it, and what stops it now."""

import time
from datetime import datetime, timezone

import psycopg
import pytest
from psycopg import sql

from conftest import ADMIN_DSN
from helpers import REAL_MIGRATIONS, holding_migration_lock, pgsuite, query
from owners import create_database, database_dsn, drop_database
from roles import ensure_role
from tenants import make_world, session

T = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)
T2 = datetime(2027, 3, 1, 10, 30, tzinfo=timezone.utc)
BOOK = "SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r"
EXTREMES = [("4713-01-01 00:00+00 BC", "294276-12-31 00:00+00"), ("-infinity", "infinity"),
            ("2027-03-01 10:00+00", "infinity"), ("-infinity", "2027-03-01 10:00+00")]


@pytest.fixture
def world(owned_db):
    return make_world(owned_db[1])


# --- 1. the booking length cannot overflow --------------------------------------------------------

@pytest.mark.parametrize("start,end", EXTREMES, ids=["bc-to-294276", "infinities", "to-infinity", "from-infinity"])
def test_a_window_between_the_extremes_of_timestamptz_is_refused_everywhere(world, start, end):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], start, end))
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT public.check_slot_availability(%s, %s, %s, %s)", (a.org, a.staff[0], start, end))
        booked = conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2)).fetchone()["r"]
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT public.reschedule_appointment(%s, %s, %s, %s)",
                         (a.org, booked["appointment_id"], start, end))
    assert query(world.dsn, "SELECT count(*) FROM appointments WHERE end_time - start_time > interval '1 day' "
                            "OR upper_inf(tstzrange(start_time, end_time))") == [(0,)]


def test_a_short_booking_at_the_end_of_time_is_still_a_booking(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        r = conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], "294276-12-30 23:00+00",
                                "294276-12-31 00:00+00")).fetchone()["r"]
    assert r["success"], r


# --- 2. no tenant can stall another; no API role can take or fake the migration lock -------------

def test_an_advisory_lock_held_by_anon_stalls_no_booking(world):
    b = world.b
    with session(world.dsn, "anon") as attacker:
        # the key bookings of B's staff member took before: any session could take it
        attacker.execute("SELECT pg_advisory_lock(hashtextextended(%s || '/' || %s, 0))", (b.org, b.staff[0]))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            attacker.execute("SELECT 1 FROM public.staff_members FOR NO KEY UPDATE")
        with session(world.dsn, "authenticated", b.org) as victim:
            victim.execute("SET lock_timeout = '1s'")
            started = time.monotonic()
            assert victim.execute(BOOK, (b.org, b.staff[0], b.customers[0], T, T2)).fetchone()["r"]["success"]
            assert time.monotonic() - started < 1


def test_a_tenant_cannot_lock_the_rows_a_booking_needs(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org, autocommit=False) as attacker:
        for lock in ("FOR SHARE", "FOR KEY SHARE", "FOR NO KEY UPDATE"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                attacker.execute(f"SELECT 1 FROM public.staff_members {lock}")
            attacker.rollback()


def test_an_api_role_cannot_block_or_fake_the_migration_lock(world, sandbox):
    dsn = world.dsn
    with session(dsn, "anon") as attacker:
        attacker.execute("SELECT pg_advisory_lock(8090732418133108993)")  # pgsuite's old lock key
        for role in ("anon", "authenticated", "service_role"):
            attacker.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                attacker.execute("BEGIN; LOCK TABLE pgsuite.migration_lock IN ACCESS SHARE MODE")
            attacker.execute("ROLLBACK")
        (sandbox.migrations_dir / "8001_more.sql").write_text(
            f"-- depends: {REAL_MIGRATIONS[-1]}\nCREATE TABLE public.more (id bigint PRIMARY KEY);\n")
        (sandbox.migrations_dir / "8001_more.rollback.sql").write_text("DROP TABLE public.more;\n")
        out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--lock-timeout", "2s", "--dsn", dsn)
        assert out.returncode == 0, out.stderr


def test_the_owners_own_lock_still_serialises_runs(world, sandbox):
    with holding_migration_lock(world.dsn, "another run"):
        out = pgsuite("--project", str(sandbox.root), "migrate", "apply", "--lock-timeout", "300ms",
                      "--dsn", world.dsn)
    assert out.returncode == 1 and "held by backend pid" in out.stderr and "another run" in out.stderr


# --- 3. bounded tenant input -------------------------------------------------------------------------

def test_a_24_mib_reason_is_refused_and_nothing_is_written(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        booked = conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2)).fetchone()["r"]
        with pytest.raises(psycopg.errors.StringDataRightTruncation, match="argument p_reason is 25165824 characters"):
            conn.execute("SELECT public.cancel_appointment(%s, %s, repeat('x', 24 * 1024 * 1024))",
                         (a.org, booked["appointment_id"]))
        with pytest.raises(psycopg.errors.StringDataRightTruncation, match="argument p_reason"):
            conn.execute("SELECT public.reschedule_appointment(%s, %s, %s, %s, repeat('x', 1001))",
                         (a.org, booked["appointment_id"], T2, datetime(2027, 3, 1, 11, 0, tzinfo=timezone.utc)))
        with pytest.raises(psycopg.errors.StringDataRightTruncation, match="argument p_notes is 2001"):
            conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s, NULL, repeat('n', 2001))",
                         (a.org, a.staff[1], a.customers[0], T, T2))
        with pytest.raises(psycopg.errors.StringDataRightTruncation, match="argument p_metadata is"):
            conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s, NULL, NULL, "
                         "jsonb_build_object('blob', repeat('m', 20000)))", (a.org, a.staff[1], a.customers[0], T, T2))
    assert query(world.dsn, "SELECT status, count(*) FROM appointments GROUP BY status") == [("booked", 1)]
    assert query(world.dsn, "SELECT action FROM appointment_audit_log") == [("booked",)]


def test_every_writer_meets_the_limits(world):
    a = world.a
    with session(world.dsn, "service_role") as conn:
        with pytest.raises(psycopg.errors.CheckViolation, match="appointments_notes_length_check"):
            conn.execute("INSERT INTO appointments (org_id, staff_id, customer_id, start_time, end_time, notes)"
                         " VALUES (%s, %s, %s, %s, %s, repeat('n', 3000))", (a.org, a.staff[0], a.customers[0], T, T2))
        with pytest.raises(psycopg.errors.CheckViolation, match="webhook_delivery_log_event_id_length_check"):
            conn.execute("INSERT INTO webhook_delivery_log (org_id, event_type, event_id, received_at, status)"
                         " VALUES (%s, 'x', repeat('e', 300), now(), 'pending')", (a.org,))
        d = conn.execute("SELECT public.record_webhook_received(%s, 'x', 'e1') AS id", (a.org,)).fetchone()["id"]
        token = conn.execute("SELECT public.mark_webhook_processing(%s, %s) AS t", (a.org, d)).fetchone()["t"]
        conn.execute("SELECT public.mark_webhook_failed(%s, %s, %s, repeat('e', 100000))", (a.org, d, token))
        error = conn.execute("SELECT error_message FROM webhook_delivery_log WHERE id = %s", (d,)).fetchone()
    assert len(error["error_message"]) == 4000 and error["error_message"].endswith("... (truncated)")


# --- 4. the purge exemption is a purge record, not a setting -----------------------------------------

def test_a_setting_no_longer_lets_the_owner_delete_history(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2))
    with session(world.dsn) as owner:  # the owner, as the attacker
        owner.execute(sql.SQL("SET app_private.purging_org_id = {}").format(sql.Literal(a.org)))
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="append-only"):
            owner.execute("DELETE FROM appointment_audit_log WHERE org_id = %s", (a.org,))
        record = owner.execute("SELECT app_private.purge_organization(%s, 'customer left (ticket 9)') AS r",
                               (a.org,)).fetchone()["r"]
    assert record["reason"] == "customer left (ticket 9)" and record["deleted_rows"]["appointment_audit_log"] == 1
    assert "purge_xact" not in record
    assert query(world.dsn, "SELECT count(*) FROM appointment_audit_log WHERE org_id = %s", (a.org,)) == [(0,)]
    assert query(world.dsn, "SELECT count(*) FROM app_private.organization_purges WHERE purged_org_id = %s",
                 (a.org,)) == [(1,)]


def test_a_purge_record_of_another_transaction_lets_nothing_go(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2))
    with session(world.dsn) as owner:
        owner.execute("INSERT INTO app_private.organization_purges (purged_org_id, org_name, reason, purged_by, "
                      "deleted_rows, purge_xact) VALUES (%s, 'x', 'old', 'x', '{}', pg_current_xact_id())", (a.org,))
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="append-only"):
            owner.execute("DELETE FROM appointment_audit_log WHERE org_id = %s", (a.org,))


# --- 6. extensions out of the API ----------------------------------------------------------------

def test_no_api_role_can_execute_anything_in_public_but_the_api(world):
    rows = query(world.dsn, """
        SELECT r.rolname, count(*) FILTER (WHERE p.proname NOT IN (
                   'book_appointment_with_lock', 'check_slot_availability', 'cancel_appointment',
                   'reschedule_appointment', 'record_webhook_received', 'mark_webhook_processing',
                   'mark_webhook_completed', 'mark_webhook_failed', 'retry_failed_webhook', 'webhook_queue_health',
                   'webhook_delivery_stats', 'webhook_recent_failures', 'webhook_dead_letter_queue',
                   'cleanup_old_webhook_logs', 'cleanup_webhook_log_batch', 'run_webhook_log_cleanup'))
        FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        CROSS JOIN (VALUES ('anon'), ('authenticated'), ('service_role')) AS r(rolname)
        WHERE n.nspname = 'public' AND has_function_privilege(r.rolname, p.oid, 'EXECUTE')
        GROUP BY r.rolname ORDER BY r.rolname""")
    assert all(count == 0 for _, count in rows), rows
    assert query(world.dsn, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                            "WHERE e.extname = 'btree_gist'") == [("extensions",)]
    for role in ("anon", "authenticated", "service_role"):
        assert query(world.dsn, "SELECT has_schema_privilege(%s, 'extensions', 'USAGE')", (role,)) == [(False,)]
    with session(world.dsn, "anon") as attacker:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            attacker.execute("SELECT extensions.int4_dist(1, 2)")


def test_moving_btree_gist_keeps_the_no_overlap_guarantee(world):
    a = world.a
    with session(world.dsn, "service_role") as conn:
        conn.execute("INSERT INTO appointments (org_id, staff_id, customer_id, start_time, end_time)"
                     " VALUES (%s, %s, %s, %s, %s)", (a.org, a.staff[0], a.customers[0], T, T2))
        with pytest.raises(psycopg.errors.ExclusionViolation, match="appointments_no_overlap"):
            conn.execute("INSERT INTO appointments (org_id, staff_id, customer_id, start_time, end_time)"
                         " VALUES (%s, %s, %s, %s, %s)", (a.org, a.staff[0], a.customers[0], T, T2))


# --- 7. the audit log's id stays the owner's -----------------------------------------------------

def test_a_tenant_reads_its_history_but_not_the_shared_sequence(world):
    a = world.a
    with session(world.dsn, "authenticated", a.org) as conn:
        conn.execute(BOOK, (a.org, a.staff[0], a.customers[0], T, T2))
        rows = conn.execute("SELECT org_id, action, actor FROM appointment_audit_log").fetchall()
        assert [(r["org_id"], r["action"]) for r in rows] == [(a.org, "booked")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="appointment_audit_log"):
            conn.execute("SELECT id FROM appointment_audit_log")


# --- 9. an owner that is not a member of the API roles -------------------------------------------

def _owner_database(role: str):
    name = create_database(ADMIN_DSN, role, prefix="pgsuite_outsider")
    return name, database_dsn(ADMIN_DSN, name, role)


def test_an_owner_outside_the_api_roles_is_refused_at_the_migration_naming_the_grant(project_copy):
    role = "pgsuite_test_outsider"
    ensure_role(ADMIN_DSN, role, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT")
    query(ADMIN_DSN, sql.SQL("REVOKE anon, authenticated, service_role FROM {} CASCADE").format(sql.Identifier(role)))
    name, dsn = _owner_database(role)
    try:
        out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", dsn, timeout=300)
        assert out.returncode == 1, out.stdout + out.stderr
        assert f"GRANT anon, authenticated, service_role TO {role}" in out.stdout
        assert "FAIL migration.0008_security_round_3" in out.stdout and "FAIL scenario." not in out.stdout
    finally:
        drop_database(ADMIN_DSN, name)


def test_an_owner_that_may_grant_the_api_roles_grants_itself_and_deploys(project_copy):
    """PostgreSQL 16 and later: the roles' admin, whose membership lets it neither inherit nor SET
    ROLE; PostgreSQL 15: a CREATEROLE owner outside the roles."""
    role = "pgsuite_test_role_admin"
    ensure_role(ADMIN_DSN, role, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT")
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("REVOKE anon, authenticated, service_role FROM {} CASCADE").format(sql.Identifier(role)))
        if admin.info.server_version >= 160000:
            admin.execute(sql.SQL("GRANT anon, authenticated, service_role TO {} "
                                  "WITH ADMIN OPTION, INHERIT FALSE, SET FALSE").format(sql.Identifier(role)))
        else:
            admin.execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(sql.Identifier(role)))
    name, dsn = _owner_database(role)
    try:
        out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", dsn, timeout=300)
        assert out.returncode == 0, out.stdout + out.stderr
    finally:
        drop_database(ADMIN_DSN, name)
