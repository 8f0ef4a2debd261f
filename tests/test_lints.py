"""Every lint has its documentation and a failing case of its own; a clean schema has no finding.

Each failing case builds the offending object inside a transaction that is rolled back
(splinter's way), except where PostgreSQL needs a commit (a failed concurrent index build).
"""

import psycopg
import pytest
from helpers import ROOT

from pgsuite.lints.registry import Suppression, lints, run

SCHEMAS = ["public", "app_private"]
OFFENDERS = {
    "0001_duplicate_index": (
        "CREATE INDEX dup_scheduling ON appointments (org_id, staff_id, start_time)",
        "public.appointments.dup_scheduling", "identical to idx_appointments_scheduling_lookup"),
    "0002_unindexed_foreign_key": (
        "ALTER TABLE services ADD COLUMN lead_staff_id uuid,"
        " ADD CONSTRAINT services_lead_staff_fkey FOREIGN KEY (org_id, lead_staff_id)"
        " REFERENCES staff_members (org_id, id)",
        "public.services", "foreign key services_lead_staff_fkey (org_id, lead_staff_id) on services"),
    "0003_no_primary_key": (
        "CREATE TABLE public.loose (note text)", "public.loose", "table loose has no primary key"),
    "0004_rls_enabled_without_policies": (
        "CREATE TABLE public.closed (id int PRIMARY KEY); ALTER TABLE public.closed ENABLE ROW LEVEL SECURITY",
        "public.closed", "row-level security enabled but no policy"),
    "0005_policies_without_rls": (
        "ALTER TABLE customers DISABLE ROW LEVEL SECURITY", "public.customers",
        "has 3 policies but row-level security is disabled"),
    "0006_tenant_table_rls_not_forced": (
        "ALTER TABLE services NO FORCE ROW LEVEL SECURITY", "public.services",
        "tenant table services: row-level security is enabled but not forced"),
    "0007_definer_without_search_path": (
        "ALTER FUNCTION cancel_appointment(uuid, uuid, text) SET search_path = pg_temp, pg_catalog",
        "public.cancel_appointment(uuid, uuid, text)",
        "sets search_path=pg_temp, pg_catalog, which does not end with pg_temp"),
    "0008_definer_executable_by_public": (
        "GRANT EXECUTE ON FUNCTION cancel_appointment(uuid, uuid, text) TO PUBLIC",
        "public.cancel_appointment(uuid, uuid, text)", "is executable by PUBLIC"),
    "0009_multiple_permissive_policies": (
        "CREATE POLICY customers_also ON customers FOR SELECT TO authenticated USING (true)",
        "public.customers", "role authenticated has 2 permissive select policies (customers_also, customers_org_isolation)"),
    "0010_policy_claim_not_initplan": (
        "ALTER POLICY customers_org_isolation ON customers USING (org_id = app_private.request_org_id())",
        "public.customers", "policy customers_org_isolation on customers"),
    "0011_invalid_index": (None, "public.customers.customers_email_key", "is invalid"),
    "0013_definer_schema_open_to_create": (
        "GRANT CREATE ON SCHEMA app_private TO service_role", "app_private",
        "schema app_private: service_role can CREATE in it, and 13 SECURITY DEFINER function(s) use it, e.g."),
    "0012_sequence_near_exhaustion": (
        "CREATE SEQUENCE public.ticket_seq AS integer; SELECT setval('public.ticket_seq', 2000000000)",
        "public.ticket_seq", "sequence ticket_seq has used 93.1 % of its range"),
}


def test_every_lint_is_documented_and_has_a_failing_case():
    ids = [lint.id for lint in lints()]
    assert ids == sorted(OFFENDERS), "a lint without a failing case below, or a case without a lint"
    for lint_id in ids:
        doc = ROOT / "docs" / "lints" / f"{lint_id}.md"
        assert doc.exists(), f"{doc} is missing"
        assert doc.read_text().startswith(f"# {lint_id} — ")


def test_a_clean_schema_has_no_finding(db):
    with psycopg.connect(db) as conn:
        results = run(conn, SCHEMAS, [])
    assert [(r.id, r.status) for r in results if r.status != "pass"] == []


def findings(conn, lint_id, suppressions=()):
    return next(r for r in run(conn, SCHEMAS, list(suppressions)) if r.id == f"lint.{lint_id}")


@pytest.mark.parametrize("lint_id", sorted(k for k, v in OFFENDERS.items() if v[0]))
def test_lint_flags_its_offender(db, lint_id):
    offence, obj, message = OFFENDERS[lint_id]
    with psycopg.connect(db) as conn, conn.transaction(force_rollback=True):
        conn.execute(offence)
        result = findings(conn, lint_id)
        assert result.status == "fail", result
        assert obj in result.object and message in result.detail, result
        assert result.remediation
        # suppressed for that object, with a reason: no longer failing, and the reason is shown
        muted = findings(conn, lint_id, [Suppression(lint_id, obj, "accepted in review #12")])
        assert muted.status == "pass" and "accepted in review #12" in muted.detail


def test_invalid_index_from_a_failed_concurrent_build(db):
    with psycopg.connect(db, autocommit=True) as conn:
        org = conn.execute("INSERT INTO organizations (name) VALUES ('x') RETURNING id").fetchone()[0]
        conn.execute("INSERT INTO customers (org_id, name, email) VALUES (%s, 'a', 'same'), (%s, 'b', 'same')",
                     (org, org))
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email)")
        result = findings(conn, "0011_invalid_index")
    _, obj, message = OFFENDERS["0011_invalid_index"]
    assert result.status == "fail" and result.object == obj and message in result.detail
