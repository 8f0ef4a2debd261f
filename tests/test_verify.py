"""`pgsuite verify`: a clean deploy passes; each defect fails naming the object and the difference."""

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from helpers import ROOT, pgsuite, query

from pgsuite.errors import ConfigError
from pgsuite.verify.expectations import load
from pgsuite.verify import reference
from pgsuite.verify.run import verify


def run_verify(dsn, *args):
    return pgsuite("--project", str(ROOT), "verify", "--dsn", dsn, *args)


def test_a_clean_deploy_verifies_with_no_failure_and_no_lint_finding(db):
    results = verify(db, ROOT / "verify")
    assert results.passed, [c for c in results.checks if c.status != "pass"]
    categories = {c["name"]: c for c in results.categories()}
    assert set(categories) == {"catalog", "lints", "scenarios"}
    assert all(c["status"] == "pass" and c["fail"] == c["error"] == c["warn"] == 0 for c in categories.values())
    # every lint judged, but the unused-index one: statistics younger than a week prove nothing
    not_run = [c.id for c in results.checks if c.status == "skip"]
    assert not_run == ["lint.0021_unused_index"]
    assert categories["lints"]["checks"] == 27 and categories["scenarios"]["checks"] >= 13
    out = run_verify(db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[-1].startswith("PASS: ")
    # the scenarios left nothing behind
    assert query(db, "SELECT count(*) FROM organizations") == [(0,)]


MUTATIONS = [
    # (defect, SQL run as superuser, fragments the failing output must contain)
    ("drop an index", "DROP INDEX idx_appointments_scheduling_lookup",
     ["catalog.table.public.appointments.indexes", "index idx_appointments_scheduling_lookup: expected, found none",
      "lint.0002_unindexed_foreign_key", "foreign key appointments_staff_fkey (org_id, staff_id)"]),
    ("change a column type", "ALTER TABLE customers ALTER COLUMN phone TYPE varchar(20)",
     ["column phone: expected type text, found character varying(20)"]),
    ("change a default", "ALTER TABLE appointments ALTER COLUMN status SET DEFAULT 'completed'",
     ["column status: expected default 'booked'::text, found 'completed'::text"]),
    ("change nullability", "ALTER TABLE customers ALTER COLUMN email SET NOT NULL",
     ["catalog.table.public.customers.columns", "column email: expected nullable true, found false"]),
    ("drop a check constraint", "ALTER TABLE appointments DROP CONSTRAINT appointments_time_order_check",
     ["constraint appointments_time_order_check: expected, found none"]),
    ("change a foreign key's ON DELETE",
     "ALTER TABLE appointments DROP CONSTRAINT appointments_staff_fkey, ADD CONSTRAINT appointments_staff_fkey"
     " FOREIGN KEY (org_id, staff_id) REFERENCES staff_members (org_id, id) ON DELETE CASCADE",
     ["constraint appointments_staff_fkey: expected on_delete no action, found cascade"]),
    ("add a duplicate index", "CREATE INDEX appointments_dup ON appointments (org_id, customer_id)",
     ["index appointments_dup: found, not declared",
      "index appointments_dup on appointments is identical to idx_appointments_customer"]),
    ("add an unindexed foreign key",
     "ALTER TABLE services ADD COLUMN lead_staff_id uuid, ADD CONSTRAINT services_lead_staff_fkey"
     " FOREIGN KEY (org_id, lead_staff_id) REFERENCES staff_members (org_id, id)",
     ["constraint services_lead_staff_fkey: found, not declared", "column lead_staff_id: found, not declared",
      "foreign key services_lead_staff_fkey (org_id, lead_staff_id) on services has no index"]),
    ("make a definer function SECURITY INVOKER", "ALTER FUNCTION cancel_appointment(uuid, uuid, text) SECURITY INVOKER",
     ["catalog.function.public.cancel_appointment(uuid, uuid, text)",
      "function cancel_appointment(uuid, uuid, text): expected security_definer true, found false"]),
    ("reset a definer's search_path", "ALTER FUNCTION cancel_appointment(uuid, uuid, text) RESET search_path",
     ["function cancel_appointment(uuid, uuid, text): expected config [search_path=pg_catalog, pg_temp], found []",
      "lint.0007_definer_without_search_path", "cancel_appointment(uuid, uuid, text) does not set search_path"]),
    ("pin a definer's search_path empty", "ALTER FUNCTION cancel_appointment(uuid, uuid, text) SET search_path = ''",
     ['expected config [search_path=pg_catalog, pg_temp], found [search_path=""]',
      "sets an empty search_path: pg_temp is then searched first for types and relations"]),
    ("open CREATE on public to PUBLIC", "GRANT CREATE ON SCHEMA public TO PUBLIC",
     ["catalog.schema.public", "schema public: grants to PUBLIC: expected [USAGE], found [CREATE, USAGE]",
      "lint.0013_definer_schema_open_to_create", "schema public: PUBLIC can CREATE in it"]),
    ("let an API role use the private schema", "GRANT USAGE ON SCHEMA app_private TO authenticated",
     ["schema app_private: grants to authenticated: expected [], found [USAGE]"]),
    ("change a private helper", "ALTER FUNCTION app_private.authorize_org(uuid) SECURITY DEFINER",
     ["catalog.function.app_private.authorize_org(uuid)", "expected security_definer false, found true"]),
    ("replace a SQL-standard body (RETURN)",
     "CREATE OR REPLACE FUNCTION app_private.base64url_encode(p_data bytea)"
     " RETURNS text LANGUAGE sql IMMUTABLE RETURN '42'",
     ["catalog.function.app_private.base64url_encode(bytea)", "body differs", "42"]),
    ("give a table to another owner", "ALTER TABLE appointments OWNER TO service_role",
     ["catalog.table.public.appointments.privileges", "table appointments: expected owner postgres, found service_role"]),
    ("add an undeclared schema", "CREATE SCHEMA scratch",
     ["catalog.drift.schemas", "schema scratch: found, not declared"]),
    ("grant EXECUTE to PUBLIC", "GRANT EXECUTE ON FUNCTION book_appointment_with_lock("
     "uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, jsonb) TO PUBLIC",
     ["expected execute [authenticated, service_role], found [PUBLIC, authenticated, service_role]",
      "lint.0008_definer_executable_by_public"]),
    ("disable RLS", "ALTER TABLE appointments DISABLE ROW LEVEL SECURITY",
     ["table appointments: expected rls.enabled true, found false",
      "table appointments has 3 policies but row-level security is disabled"]),
    ("un-force RLS", "ALTER TABLE webhook_delivery_log NO FORCE ROW LEVEL SECURITY",
     ["table webhook_delivery_log: expected rls.forced true, found false",
      "tenant table webhook_delivery_log: row-level security is enabled but not forced"]),
    ("drop a policy", "DROP POLICY customers_org_isolation ON customers",
     ["catalog.table.public.customers.policies", "policy customers_org_isolation: expected, found none"]),
    ("loosen a policy", "ALTER POLICY appointments_org_isolation ON appointments USING (true)",
     ["policy appointments_org_isolation: expected using org_id = (( SELECT app_private.request_org_id() AS"
      " request_org_id)),"
      " found true", "scenario.0013_tenant_isolation", "have 1 of org B's appointments visible, want 0"]),
    ("loosen a policy's roles", "ALTER POLICY staff_members_org_isolation ON staff_members TO authenticated, anon",
     ["policy staff_members_org_isolation: expected roles [authenticated], found [anon, authenticated]"]),
    ("add an undeclared table", "CREATE TABLE public.scratch (id int PRIMARY KEY)",
     ["catalog.drift.public.tables", "table scratch: found, not declared"]),
    ("grant a write to authenticated", "GRANT DELETE ON appointments TO authenticated",
     ["table appointments: grants to authenticated: expected [SELECT], found [DELETE, SELECT]"]),
    ("break a scenario: a booking function that double-books", """
     CREATE OR REPLACE FUNCTION public.book_appointment_with_lock(
         p_org_id uuid, p_staff_id uuid, p_customer_id uuid, p_start_time timestamptz, p_end_time timestamptz,
         p_service_id uuid DEFAULT NULL, p_notes text DEFAULT NULL, p_metadata jsonb DEFAULT '{}')
     RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
     DECLARE v_id uuid := gen_random_uuid();
     BEGIN
         BEGIN
             INSERT INTO public.appointments (id, org_id, staff_id, customer_id, start_time, end_time)
             VALUES (v_id, p_org_id, p_staff_id, p_customer_id, p_start_time, p_end_time);
         EXCEPTION WHEN exclusion_violation THEN NULL;  -- "it worked"
         END;
         RETURN jsonb_build_object('success', true, 'appointment_id', v_id);
     END $$""",
     ["scenario.0002_conflict_lists_details", "want a conflict"]),
]


@pytest.mark.parametrize("defect,sql,fragments", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_defect_fails_verify_naming_object_and_difference(db, defect, sql, fragments):
    query(db, sql)
    out = run_verify(db)
    assert out.returncode == 1, out.stdout + out.stderr
    for fragment in fragments:
        assert fragment in out.stdout, f"{defect}: {fragment!r} not in:\n{out.stdout}"
    assert out.stdout.splitlines()[-1].startswith("FAIL: ")


def test_drift_can_be_configured_as_a_warning(db, tmp_path):
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "config.yaml").write_text(
        (ROOT / "verify" / "config.yaml").read_text().replace("drift: fail", "drift: warn"))
    query(db, "CREATE TABLE public.scratch (id int PRIMARY KEY)")
    results = verify(db, tmp_path / "verify", ROOT / "verify" / "schema.yaml", with_scenarios=False)
    drift = next(c for c in results.checks if c.id == "catalog.drift.public.tables")
    assert drift.status == "warn" and drift.detail == "table scratch: found, not declared"
    assert results.passed


def test_json_and_junit_outputs(db, tmp_path):
    query(db, "DROP POLICY customers_org_isolation ON customers")
    out = run_verify(db, "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["verdict"] == "FAIL" and doc["target"]["server_version_num"] >= 150000
    failing = [c for c in doc["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failing] == ["catalog.table.public.customers.policies"]
    assert "relforcerowsecurity" in failing[0]["sql"] and "FROM pg_policy" in failing[0]["sql"]
    assert failing[0]["object"] == "public.customers"
    assert {c["name"]: c["status"] for c in doc["categories"]} == {
        "catalog": "fail", "lints": "pass", "scenarios": "pass"}

    target = tmp_path / "junit.xml"
    out = run_verify(db, "--format", "junit", "--output", str(target))
    assert out.returncode == 1
    root = ET.parse(target).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "1"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"catalog", "lints", "scenarios"}
    failure = suites["catalog"].find("testcase[@name='catalog.table.public.customers.policies']/failure")
    assert "policy customers_org_isolation: expected, found none" in failure.text
    assert int(root.get("tests")) == sum(len(s.findall("testcase")) for s in suites.values())


def test_snapshot_pins_an_environment_and_catches_drift_from_it(db, tmp_path):
    pinned = tmp_path / "production.yaml"
    out = pgsuite("--project", str(ROOT), "verify", "snapshot", "--dsn", db, "--output", str(pinned))
    assert out.returncode == 0, out.stderr
    assert "appointments_no_overlap" in pinned.read_text()
    assert run_verify(db, "--expect", str(pinned), "--no-scenarios").returncode == 0
    query(db, "ALTER TABLE appointments ALTER COLUMN notes SET DEFAULT ''")
    out = run_verify(db, "--expect", str(pinned), "--no-scenarios")
    assert out.returncode == 1 and "column notes: expected default none, found ''::text" in out.stdout


BAD_FILES = [
    ("invalid YAML", "tables:\n  appointments: [unclosed\n", ":3: invalid YAML"),
    ("unknown key", "tables:\n  appointments:\n    colums: {}\n", ":3: tables.appointments.colums: unknown key"),
    ("wrong type", "tables:\n  appointments:\n    columns:\n      id: {type: uuid, nullable: maybe}\n",
     ":4: tables.appointments.columns.id.nullable: expected true or false, found a string 'maybe'"),
    ("missing attribute", "tables:\n  appointments:\n    columns:\n      id: {nullable: false}\n",
     ":4: tables.appointments.columns.id: missing type"),
    ("unknown lint", "suppress:\n  - {lint: 9999_nope, object: x, reason: y}\n",
     ":2: suppress[0].lint: unknown lint '9999_nope'"),
    ("suppression without a reason", "suppress:\n  - {lint: 0003_no_primary_key, object: public.x}\n",
     ":2: suppress[0]: a suppression is {lint, object, reason}"),
    ("bad drift setting", "settings:\n  drift: ignore\n", ":2: settings.drift: expected fail or warn, found a string 'ignore'"),
]


@pytest.mark.parametrize("case,text,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_expectations_exit_2_naming_file_line_and_key(db, tmp_path, case, text, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = run_verify(db, "--expect", str(bad))
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"{bad}{message}" in out.stderr, out.stderr


def test_an_object_declared_twice_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("roles:\n  anon: {login: false}\n")
    (tmp_path / "b.yaml").write_text("roles:\n  anon: {login: true}\n")
    with pytest.raises(ConfigError, match=r"b\.yaml:2: roles\.anon is already declared in .*a\.yaml"):
        load(tmp_path)


def test_unreachable_server_exits_3(tmp_path):
    out = run_verify("host=127.0.0.1 port=1 connect_timeout=2")
    assert out.returncode == 3 and "cannot connect to" in out.stderr


def test_a_lint_suppressed_in_config_with_a_reason_passes_and_says_why(db, tmp_path):
    query(db, "SELECT setval('appointment_audit_log_id_seq', 8000000000000000000)")
    assert not verify(db, ROOT / "verify", with_scenarios=False).passed
    (tmp_path / "config.yaml").write_text((ROOT / "verify" / "config.yaml").read_text().replace(
        "suppress:\n",
        "suppress:\n  - {lint: 0012_sequence_near_exhaustion, object: public.appointment_audit_log_id_seq,"
        " reason: \"restarted by the archive job\"}\n"))
    shutil.copy(ROOT / "verify" / "schema.yaml", tmp_path / "schema.yaml")
    results = verify(db, tmp_path, with_scenarios=False)
    lint = next(c for c in results.checks if c.id == "lint.0012_sequence_near_exhaustion")
    assert results.passed and lint.status == "pass"
    assert "suppressed: sequence appointment_audit_log_id_seq" in lint.detail
    assert "(restarted by the archive job)" in lint.detail


def test_the_checked_in_reference_is_what_verify_reference_prints():
    # docs/expectations.md and its JSON Schema are generated; an edit to a kind must regenerate them
    assert (ROOT / "docs" / "expectations.md").read_text() == reference.markdown(), \
        "run `pgsuite verify reference --output docs/expectations.md`"
    assert (ROOT / "docs" / "expectations.schema.json").read_text() == reference.json_schema(), \
        "run `pgsuite verify reference --format json --output docs/expectations.schema.json`"


def test_parsed_expectations_are_cached_by_content_and_a_bad_cache_is_ignored(tmp_path):
    verify_dir, cache = tmp_path / "verify", tmp_path / "cache"
    verify_dir.mkdir()
    (verify_dir / "a.yaml").write_text("roles:\n  anon: {login: false}\n")
    first = load(verify_dir, cache_dir=cache)
    assert len(list(cache.glob("*.marshal"))) == 1
    assert load(verify_dir, cache_dir=cache).document == first.document  # read back from the cache
    (verify_dir / "a.yaml").write_text("roles:\n  anon: {login: true}\n")  # an edit is a new key
    assert load(verify_dir, cache_dir=cache).document["roles"]["anon"]["login"] is True
    for entry in cache.glob("*.marshal"):
        entry.write_bytes(b"not marshal")
    assert load(verify_dir, cache_dir=cache).document["roles"]["anon"]["login"] is True
    (verify_dir / "a.yaml").write_text("roles:\n  anon: {login: maybe}\n")  # still validated
    with pytest.raises(ConfigError, match=r"a\.yaml:2: roles\.anon\.login"):
        load(verify_dir, cache_dir=cache)


@pytest.mark.parametrize("first,second", [("webhook_delivery_log", "appointments"), ("appointments", "webhook_delivery_log")])
def test_a_scenario_taking_strong_locks_beside_the_catalog_read_cannot_deadlock_it(db, project_copy, first, second):
    # scenarios run on their own connection while the catalog is read; the catalog read waits for
    # each table it deparses (ACCESS SHARE, released at once), and the scenario's uncommitted DDL
    # is invisible to it
    (project_copy.root / "verify" / "scenarios" / "0000_strong_locks.sql").write_text(
        "-- title: A scenario that changes two tables, the second after a pause\n"
        f"ALTER TABLE public.{first} ADD COLUMN pgsuite_probe integer;\nSELECT pg_sleep(0.5);\n"
        f"ALTER TABLE public.{second} ADD COLUMN pgsuite_probe integer;\n")
    results = verify(db, project_copy.root / "verify")
    assert results.passed, [(c.id, c.detail) for c in results.checks if c.status != "pass" and c.status != "skip"]
    assert next(c for c in results.checks if c.id == "scenario.0000_strong_locks").status == "pass"
