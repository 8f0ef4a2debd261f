"""Tenant isolation and hardened definer functions, attacked as non-superuser roles.

Every attack logs in as PostgREST's authenticator and runs after SET ROLE to authenticated or
anon (a superuser would bypass RLS), with the org claim set as PostgREST sets it; each against
the schema as deployed by every owner kind (tests/owners.py).
"""

from datetime import datetime, timezone

import psycopg
import pytest
from tenants import make_world, session

TABLES = ["organizations", "staff_members", "customers", "services", "appointments",
          "appointment_audit_log", "webhook_delivery_log"]
T = datetime(2027, 2, 1, 10, 0, tzinfo=timezone.utc)
T2 = datetime(2027, 2, 1, 11, 0, tzinfo=timezone.utc)


@pytest.fixture
def populated(owned_db):
    """Both tenants have an appointment (with its audit row) and a webhook delivery."""
    world = make_world(owned_db[1])
    with session(world.dsn) as conn:
        for t in (world.a, world.b):
            r = conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r",
                             (t.org, t.staff[0], t.customers[0], T, T2)).fetchone()["r"]
            t.appointment = r["appointment_id"]
            t.delivery = conn.execute("SELECT public.record_webhook_received(%s, 'booking.created', %s, %s) AS id",
                                      (t.org, f"evt-{t.org}", f"job-{t.org}")).fetchone()["id"]
    return world


def org_column(table):
    return "id" if table == "organizations" else "org_id"


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_reads_only_its_own_org(populated, table):
    w = populated
    with session(w.dsn, "authenticated", w.a.org) as conn:
        orgs = {r["o"] for r in conn.execute(f"SELECT {org_column(table)} AS o FROM public.{table}")}
    assert orgs == {w.a.org}


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_cannot_write_another_orgs_rows(populated, table):
    w = populated
    col = org_column(table)
    attacks = [
        f"UPDATE public.{table} SET {col} = {col} WHERE {col} = %(b)s",
        f"DELETE FROM public.{table} WHERE {col} = %(b)s",
        f"INSERT INTO public.{table} ({col}) VALUES (%(b)s)",
    ]
    with session(w.dsn, "authenticated", w.a.org) as conn:
        for attack in attacks:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(attack, {"b": w.b.org})
    with session(w.dsn) as conn:
        assert conn.execute(f"SELECT count(*) AS n FROM public.{table} WHERE {col} = %s", (w.b.org,)).fetchone()["n"] >= 1


@pytest.mark.parametrize("table", TABLES)
def test_anon_gets_nothing(populated, table):
    with session(populated.dsn, "anon") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f"SELECT 1 FROM public.{table} LIMIT 1")


def test_authenticated_without_a_claim_sees_nothing_and_books_nothing(populated):
    w = populated
    with session(w.dsn, "authenticated") as conn:
        assert conn.execute("SELECT count(*) AS n FROM appointments").fetchone()["n"] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="has no org_id claim"):
            conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s)",
                         (w.a.org, w.a.staff[1], w.a.customers[0], T, T2))


CROSS_TENANT_CALLS = [
    ("book", "SELECT public.book_appointment_with_lock(%(org)s, %(staff)s, %(customer)s, %(t)s, %(t2)s)"),
    ("availability", "SELECT public.check_slot_availability(%(org)s, %(staff)s, %(t)s, %(t2)s)"),
    ("cancel", "SELECT public.cancel_appointment(%(org)s, %(appt)s)"),
    ("reschedule", "SELECT public.reschedule_appointment(%(org)s, %(appt)s, %(t)s, %(t2)s)"),
    ("queue health", "SELECT * FROM public.webhook_queue_health(%(org)s)"),
    ("delivery stats", "SELECT * FROM public.webhook_delivery_stats(%(org)s)"),
    ("recent failures", "SELECT * FROM public.webhook_recent_failures(%(org)s)"),
    ("dead letter queue", "SELECT * FROM public.webhook_dead_letter_queue(%(org)s)"),
]


@pytest.mark.parametrize("name,sql", CROSS_TENANT_CALLS, ids=[c[0] for c in CROSS_TENANT_CALLS])
def test_functions_refuse_another_org_with_42501(populated, name, sql):
    w = populated
    args = {"org": w.b.org, "staff": w.b.staff[1], "customer": w.b.customers[0], "appt": w.b.appointment,
            "t": T, "t2": T2}
    with session(w.dsn, "authenticated", w.a.org) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"may not act on org {w.b.org}"):
            conn.execute(sql, args)
    with session(w.dsn) as conn:  # B's appointment is untouched
        row = conn.execute("SELECT status, start_time FROM appointments WHERE id = %s", (w.b.appointment,)).fetchone()
        assert row == {"status": "booked", "start_time": T}


def test_metrics_without_an_org_show_only_the_callers_org(populated):
    w = populated
    with session(w.dsn, "authenticated", w.a.org) as conn:
        health = {r["status"]: r["deliveries"] for r in conn.execute("SELECT * FROM public.webhook_queue_health()")}
    assert health["pending"] == 1  # B's pending delivery is invisible
    with session(w.dsn, "service_role") as conn:
        health = {r["status"]: r["deliveries"] for r in conn.execute("SELECT * FROM public.webhook_queue_health()")}
    assert health["pending"] == 2


WEBHOOK_WORKER_CALLS = [
    "SELECT public.record_webhook_received(%(org)s, 'x', 'evt-new')",
    "SELECT public.mark_webhook_processing(%(org)s, %(delivery)s)",
    "SELECT public.mark_webhook_completed(%(org)s, %(delivery)s, 1)",
    "SELECT public.mark_webhook_failed(%(org)s, %(delivery)s, 1, 'boom')",
    "SELECT public.retry_failed_webhook('job-x')",
    "SELECT public.cleanup_old_webhook_logs()",
    "CALL public.run_webhook_log_cleanup()",
]


@pytest.mark.parametrize("sql", WEBHOOK_WORKER_CALLS)
def test_tenants_and_anon_cannot_drive_the_webhook_queue(populated, sql):
    w = populated
    for role, org in (("authenticated", w.a.org), ("anon", None)):
        with session(w.dsn, role, org) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql, {"org": w.a.org, "delivery": w.a.delivery})


def test_anon_cannot_execute_any_function_of_the_schema(populated):
    with session(populated.dsn) as conn:
        callable_by_anon = conn.execute(
            "SELECT p.oid::regprocedure::text AS f FROM pg_proc p"
            " WHERE p.pronamespace IN ('public'::regnamespace, 'app_private'::regnamespace)"
            "   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            "   AND has_function_privilege('anon', p.oid, 'EXECUTE')").fetchall()
    assert callable_by_anon == []


def test_a_malicious_search_path_does_not_change_what_definer_functions_call(populated):
    w = populated
    with session(w.dsn) as conn:
        conn.execute("CREATE SCHEMA evil")
        conn.execute("GRANT USAGE, CREATE ON SCHEMA evil TO authenticated")
    with session(w.dsn, "authenticated", w.a.org) as conn:
        # shadows of what the functions call unqualified or via pg_catalog
        conn.execute("CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2099-01-01'::timestamptz $$")
        conn.execute("CREATE FUNCTION evil.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql AS $$ SELECT 'object' $$")
        conn.execute("CREATE FUNCTION evil.find_conflicts(uuid, uuid, timestamptz, timestamptz, uuid) RETURNS jsonb"
                     " LANGUAGE sql AS $$ SELECT NULL::jsonb $$")
        conn.execute("CREATE TABLE evil.appointments (LIKE public.appointments)")
        conn.execute("SET search_path = evil, public, pg_catalog")
        assert conn.execute("SELECT now() AS t").fetchone()["t"].year == 2099  # the trap is armed
        conflict = conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r",
                                (w.a.org, w.a.staff[0], w.a.customers[0], T, T2)).fetchone()["r"]
        assert conflict["error_code"] == "slot_conflict"
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="got array"):
            conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s, NULL, NULL, '[]')",
                         (w.a.org, w.a.staff[1], w.a.customers[0], T, T2))
        cancelled = conn.execute("SELECT public.cancel_appointment(%s, %s) AS r",
                                 (w.a.org, w.a.appointment)).fetchone()["r"]
        assert datetime.fromisoformat(cancelled["cancelled_at"]).year < 2099  # the real now(), not evil.now()
    with session(w.dsn) as conn:
        assert conn.execute("SELECT count(*) AS n FROM evil.appointments").fetchone()["n"] == 0


def test_a_shadowed_current_setting_does_not_forge_the_claim_or_the_actor(populated):
    """The claim helpers (request_org_id, request_actor) are SQL-standard bodies without a SET
    clause, inlined into the policies and the definer functions: bound to pg_catalog's functions
    when created, so a caller's search_path cannot swap what they call."""
    w = populated
    with session(w.dsn) as conn:
        conn.execute("CREATE SCHEMA evil_claims")
        conn.execute("GRANT USAGE, CREATE ON SCHEMA evil_claims TO authenticated")
    forged = f'{{"org_id": "{w.b.org}", "sub": "forged"}}'
    with session(w.dsn, "authenticated", w.a.org) as conn:
        conn.execute("CREATE FUNCTION evil_claims.current_setting(text, boolean) RETURNS text"
                     f" LANGUAGE sql AS $$ SELECT '{forged}'::text $$")
        conn.execute("SET search_path = evil_claims, pg_catalog, public")
        assert "forged" in conn.execute("SELECT current_setting('request.jwt.claims', true) AS c").fetchone()["c"]
        seen = {r["org_id"] for r in conn.execute("SELECT org_id FROM public.appointments")}
        assert seen == {w.a.org}  # the policies read the real claim
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s)",
                         (w.b.org, w.b.staff[1], w.b.customers[0], T, T2))
        booked = conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r",
                              (w.a.org, w.a.staff[1], w.a.customers[0], T, T2)).fetchone()["r"]
        assert booked["success"], booked
    with session(w.dsn) as conn:
        actor = conn.execute("SELECT actor FROM public.appointment_audit_log WHERE appointment_id = %s",
                             (booked["appointment_id"],)).fetchone()["actor"]
    assert actor == "user-1"  # the real claim's subject


def test_catalog_shows_pinned_search_path_and_named_grants(populated):
    with session(populated.dsn) as conn:
        definers = conn.execute(
            "SELECT p.proname, p.proconfig, p.proacl::text[] AS acl FROM pg_proc p"
            " WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1").fetchall()
    names = {d["proname"] for d in definers}
    assert {"book_appointment_with_lock", "check_slot_availability", "cancel_appointment", "reschedule_appointment",
            "record_webhook_received", "mark_webhook_processing", "mark_webhook_completed", "mark_webhook_failed",
            "retry_failed_webhook", "cleanup_old_webhook_logs", "cleanup_webhook_log_batch", "webhook_queue_health",
            "webhook_delivery_stats", "webhook_recent_failures", "webhook_dead_letter_queue"} == names
    for d in definers:
        settings = dict(entry.split("=", 1) for entry in d["proconfig"])
        assert settings["search_path"] == "pg_catalog, pg_temp", d  # pg_temp last, nothing writable
        assert set(settings) <= {"search_path", "plan_cache_mode"}, d  # the metrics plan per call
        grantees = {entry.split("=")[0] for entry in d["acl"]}
        assert "" not in grantees, f"{d['proname']} is executable by PUBLIC: {d['acl']}"
        assert "service_role" in grantees and "anon" not in grantees, d


def test_rls_is_forced_with_three_policies_per_table_and_the_claim_is_an_initplan(populated):
    w = populated
    with session(w.dsn) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT array_agg(p.polname ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
            " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s)", (TABLES,)).fetchall()
    assert len(rows) == len(TABLES)
    for r in rows:
        assert r["relrowsecurity"] and r["relforcerowsecurity"], r
        assert r["policies"] == [f"{r['relname']}_{p}" for p in ("org_isolation", "owner_access", "service_role_bypass")]
    with session(w.dsn, "authenticated", w.a.org) as conn:
        plan = "\n".join(r["QUERY PLAN"] for r in conn.execute("EXPLAIN (VERBOSE) SELECT * FROM appointments"))
    # evaluated once, not per row: an InitPlan, whose output is request_org_id() inlined (a RETURN body)
    assert "InitPlan" in plan and "current_setting('request.jwt.claims'::text, true)" in plan.split("InitPlan", 1)[1]


def test_service_role_sees_every_org_but_cannot_forge_the_audit_log(populated):
    w = populated
    with session(w.dsn, "service_role") as conn:
        assert conn.execute("SELECT count(DISTINCT org_id) AS n FROM appointments").fetchone()["n"] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM appointment_audit_log")
