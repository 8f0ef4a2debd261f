"""`pgsuite lint`: pgsuite's rules (each with a failing and a passing case), squawk, sqlfluff,
suppressions, formats, bad input; with a target: table sizes and the compilation checks."""

import json
import os
import xml.etree.ElementTree as ET

import pytest
from conftest import ADMIN_DSN
from helpers import ROOT, pgsuite, query
from owners import database_dsn, owner_name

from pgsuite.sql_lint import reference
from pgsuite.sql_lint.rules import rules
from pgsuite.sql_lint.run import collect, lint
from pgsuite.project import Project

ALL_RULES = rules()
NEXT = "0010_change"
HEADER = "-- depends: 0006_validate_audit_log_org_fkey\n"


def add_migration(project: Project, text: str, name: str = NEXT) -> str:
    """A migration after the project's own; `-- transactional: false` stays first if the text starts with it."""
    directive, _, rest = text.partition("\n") if text.startswith("-- transactional") else ("", "", text)
    (project.migrations_dir / f"{name}.sql").write_text((directive + "\n" if directive else "") + HEADER + rest)
    (project.migrations_dir / f"{name}.rollback.sql").write_text("SELECT 1;\n")
    return f"migrations/{name}.sql"


def findings_of(results, rule_id: str) -> list:
    return [f for c in results.checks for f in c.findings if f.rule == rule_id and not f.suppressed]


def test_the_project_lints_clean(project_copy):
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "migration safety" in out.stdout and "style" in out.stdout and "PASS: " in out.stdout
    results = lint(project_copy)
    suppressed = [f for c in results.checks for f in c.findings if f.suppressed]
    # each with its reason, in verify/config.yaml or (M008, in 0008) above its statement
    assert {f.rule for f in suppressed} == {"squawk.prefer-bigint-over-int", "squawk.ban-drop-constraint",
                                           "squawk.ban-drop-function", "M008_constraint_builds_index"}
    assert all(f.suppressed for f in suppressed)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_each_rule_flags_its_failing_case_and_not_its_passing_one(project_copy, rule):
    name = add_migration(project_copy, rule.failing)
    flagged = findings_of(lint(project_copy, [project_copy.root / name]), rule.id)
    assert flagged and all(f.file == name and f.line >= 2 and f.fix == rule.fix for f in flagged), flagged
    add_migration(project_copy, rule.passing)
    assert findings_of(lint(project_copy, [project_copy.root / name]), rule.id) == []


def test_a_migration_with_a_blocking_index_and_a_dropped_column_exits_1_naming_file_and_rules(project_copy):
    name = add_migration(project_copy, "CREATE INDEX idx_customers_email ON public.customers (org_id, email);\n"
                                       "ALTER TABLE public.customers DROP COLUMN phone;\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 1, out.stdout
    assert f"{name}:2: CREATE INDEX idx_customers_email without CONCURRENTLY holds SHARE on public.customers" in out.stdout
    assert f"{name}:3: drops column phone of public.customers" in out.stdout
    assert "FAIL   safety.M001_create_index_blocks_writes" in out.stdout and "FAIL   safety.M003_drop_column" in out.stdout


def test_ddl_inside_do_blocks_and_function_bodies_is_judged_like_top_level_ddl(project_copy):
    name = add_migration(project_copy, (
        "DO $$\nBEGIN\n    EXECUTE format('CREATE INDEX %I ON public.customers (email)', 'idx_x');\n"
        "    ALTER TABLE public.customers DROP COLUMN phone;\nEND\n$$;\n"
        "CREATE FUNCTION public.wipe() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
        "    TRUNCATE public.webhook_delivery_log;\nEND\n$$;\n"
        "CREATE FUNCTION public.wipe_sql() RETURNS void LANGUAGE sql BEGIN ATOMIC\n"
        "    DELETE FROM public.appointments;\nEND;\n"))
    results = lint(project_copy)
    assert [(f.file, f.line) for f in findings_of(results, "M001_create_index_blocks_writes")] == [(name, 4)]
    assert [(f.file, f.line) for f in findings_of(results, "M003_drop_column")] == [(name, 5)]
    assert [(f.file, f.line) for f in findings_of(results, "M011_truncate")] == [(name, 10)]
    assert "in the function public.wipe_sql" in findings_of(results, "M014_writes_every_row")[0].message


def test_tables_created_in_the_same_migration_are_exempt_but_not_their_neighbours(project_copy):
    add_migration(project_copy, "CREATE TABLE public.notes (id bigint PRIMARY KEY, body text);\n"
                                "CREATE INDEX idx_notes_body ON public.notes (body);\n"
                                "CREATE INDEX idx_customers_email ON public.customers (email);\n")
    flagged = findings_of(lint(project_copy), "M001_create_index_blocks_writes")
    assert [f.object for f in flagged] == ["public.customers"]


def test_suppressions_need_a_known_rule_and_a_reason(project_copy):
    name = add_migration(project_copy, (
        "-- pgsuite-ignore: M003 the column was never written: it shipped empty in 0002\n"
        "ALTER TABLE public.customers DROP COLUMN phone;\n"
        "-- pgsuite-ignore: M003\n"
        "ALTER TABLE public.customers DROP COLUMN email;\n"
        "-- pgsuite-ignore: M999_nope because\n"
        "ALTER TABLE public.customers ADD COLUMN nickname text;\n"))
    results = lint(project_copy)
    dropped = [f for c in results.checks for f in c.findings if f.rule == "M003_drop_column"]
    assert [(f.line, f.suppressed) for f in dropped] == [
        (3, "the column was never written: it shipped empty in 0002"), (5, "")]
    problems = next(c for c in results.checks if c.id == "safety.suppressions")
    assert problems.status == "fail"
    assert f"{name}:5: pgsuite-ignore M003 gives no reason, so it silences nothing" in problems.detail
    assert f"{name}:7: pgsuite-ignore names no known rule: M999_nope" in problems.detail


def test_squawk_runs_with_the_files_transaction_and_a_config_suppression_by_glob(project_copy):
    # yoyo runs this one outside a transaction: squawk is told so (its prefer-robust-stmts applies)
    name = add_migration(project_copy, "-- transactional: false\n"
                                       "CREATE INDEX CONCURRENTLY idx_customers_email ON public.customers (email);\n")
    results = lint(project_copy)
    assert [(f.file, f.line) for f in findings_of(results, "squawk.prefer-robust-stmts")] == [(name, 3)]
    config = project_copy.verify_dir / "config.yaml"
    config.write_text(config.read_text() + "  - {lint: squawk.prefer-robust-stmts, object: 'migrations/0010_*',"
                                           " reason: 'yoyo never re-runs a recorded migration'}\n")
    assert findings_of(lint(project_copy), "squawk.prefer-robust-stmts") == []


def test_sqlfluff_style_findings_warn_and_never_fail(project_copy):
    name = add_migration(project_copy, "select 1 AS one;\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 0, out.stdout
    assert "WARN   style.sqlfluff.CP01" in out.stdout and f"{name}:2: Keywords must be" in out.stdout


def test_sqlfluff_answers_are_kept_per_content_and_a_config_change_is_never_served_an_old_one(project_copy):
    name = add_migration(project_copy, "SELECT 1 AS one;\n")
    assert findings_of(lint(project_copy), "sqlfluff.CP01") == []
    cached = list((project_copy.root / ".pgsuite" / "cache" / "sqlfluff").glob("*.marshal"))
    assert len(cached) >= len(collect(project_copy))  # one answer per file linted
    sqlfluff_config = project_copy.root / ".sqlfluff"
    sqlfluff_config.write_text(sqlfluff_config.read_text() + "[sqlfluff:rules:capitalisation.keywords]\n"
                                                             "capitalisation_policy = lower\n")
    # a new process, as users run it (sqlfluff keeps a process's configuration files once read)
    data = json.loads(pgsuite("--project", str(project_copy.root), "lint", "--format", "json").stdout)
    capitals = next(c for c in data["checks"] if c["id"] == "style.sqlfluff.CP01")["findings"]
    assert {(f["file"], f["line"]) for f in capitals if f["file"] == name} == {(name, 2)}  # SELECT, AS


def test_a_syntax_error_is_a_finding_with_its_line(project_copy):
    name = add_migration(project_copy, "ALTER TABLE public.customers ADD COLUMN;\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 1 and f"{name}:2: SQL syntax error: syntax error at or near" in out.stdout


@pytest.mark.parametrize("args,message", [
    (["no/such/file.sql"], "no/such/file.sql: no such file or folder"),
    (["README.md"], "README.md: not an .sql file"),
    (["--format", "yaml"], "'yaml' is not one of"),
])
def test_bad_input_exits_2_in_one_line(project_copy, args, message):
    (project_copy.root / "README.md").write_text("not sql\n")
    out = pgsuite("--project", str(project_copy.root), "lint", *args, cwd=project_copy.root)
    assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_a_file_that_is_not_utf8_exits_2(project_copy):
    (project_copy.migrations_dir / f"{NEXT}.sql").write_bytes(b"SELECT '\xff';\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 2 and "not UTF-8 text" in out.stderr


def test_json_junit_and_sarif_carry_every_finding(project_copy, tmp_path):
    name = add_migration(project_copy, "ALTER TABLE public.customers DROP COLUMN phone;\n")
    root = str(project_copy.root)
    data = json.loads(pgsuite("--project", root, "lint", "--format", "json").stdout)
    check = next(c for c in data["checks"] if c["id"] == "safety.M003_drop_column")
    assert check["status"] == "fail" and check["findings"][0]["file"] == name and check["findings"][0]["line"] == 2
    junit = ET.fromstring(pgsuite("--project", root, "lint", "--format", "junit").stdout)
    failure = junit.find(".//testcase[@name='safety.M003_drop_column']/failure")
    assert failure is not None and failure.get("message").startswith(f"{name}:2: drops column phone")
    sarif = json.loads(pgsuite("--project", root, "lint", "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    dropped = next(r for r in results if r["ruleId"] == "M003_drop_column")
    assert dropped["level"] == "error"
    assert dropped["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": name}, "region": {"startLine": 2}}
    muted = [r for r in results if r.get("suppressions")]  # the project's own, with their reasons
    assert muted and all(r["suppressions"][0]["justification"] for r in muted)
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} >= {r["ruleId"] for r in results}


def test_with_a_target_findings_say_how_big_and_busy_the_table_is(db, project_copy):
    query(db, "INSERT INTO organizations (id, name) SELECT gen_random_uuid(), 'org ' || g FROM generate_series(1, 20000) g")
    query(db, "ANALYZE organizations")
    add_migration(project_copy, "ALTER TABLE public.organizations ALTER COLUMN name TYPE varchar(200);\n"
                                "CREATE TABLE public.brand_new (id bigint PRIMARY KEY);\n")
    (project_copy.root / "migrations" / "0011_more.sql").write_text(
        "-- depends: 0010_change\nCREATE INDEX idx_later ON public.brand_new (id);\n")
    (project_copy.root / "migrations" / "0011_more.rollback.sql").write_text("SELECT 1;\n")
    results = lint(project_copy, dsn=db)
    changed = findings_of(results, "M005_column_type_change")
    assert len(changed) == 1 and "(public.organizations: 20.0 k rows, " in changed[0].message
    size, indexes = query(db, "SELECT pg_relation_size('organizations'), pg_indexes_size('organizations')")[0]
    assert f"; a rewrite writes {size / 1024 / 1024:.1f} MB anew and rebuilds " in changed[0].message
    # a table the target does not have is new, whichever migration creates it
    assert findings_of(results, "M001_create_index_blocks_writes") == []


def test_the_rules_reference_is_what_lint_rules_prints():
    assert (ROOT / "docs" / "rules.md").read_text() == reference.markdown(), \
        "run `pgsuite lint --rules --output docs/rules.md`"


BROKEN = """CREATE FUNCTION public.count_loyal_customers(p_org uuid) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*) FROM public.customers AS c
            WHERE c.org_id = p_org AND c.loyalty_tier = 'gold');
END
$$"""


def test_compilation_names_a_function_whose_body_uses_a_missing_column(db, project_copy):
    query(db, BROKEN)
    available = query(db, "SELECT count(*) FROM pg_available_extensions WHERE name = 'plpgsql_check'") == [(1,)]
    if os.environ.get("PGSUITE_TEST_EXPECT_PLPGSQL_CHECK"):  # CI installs it for PostgreSQL 15
        assert available, "plpgsql_check should be installed on this server"
    results = lint(project_copy, [project_copy.migrations_dir], dsn=db)
    compiled = [c for c in results.checks if c.category == "compilation"]
    if not available:  # the embedded server has no plpgsql_check: said so, never a pass
        assert [(c.id, c.status) for c in compiled] == [("compile.plpgsql_check", "skip")]
        assert "not run: the plpgsql_check extension is not available on this server" in compiled[0].detail
        return
    broken = next(c for c in compiled if c.id == "compile.public.count_loyal_customers(uuid)")
    assert broken.status == "fail"
    assert ('public.count_loyal_customers(uuid), line 3 of the body (RETURN): column c.loyalty_tier does not exist '
            '[42703]') in broken.detail
    assert all(c.status == "pass" for c in compiled if c is not broken)  # the project's own functions compile
    assert len(compiled) >= 20
    # the extension was created for the check only, in a transaction rolled back
    assert query(db, "SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql_check'") == [(0,)]
    # a role that may not create it (no superuser): not run, and why
    database = query(db, "SELECT current_database()")[0][0]
    as_owner = lint(project_copy, [project_copy.migrations_dir],
                    dsn=database_dsn(ADMIN_DSN, database, owner_name("nonsuper", ADMIN_DSN)))
    compiled = [c for c in as_owner.checks if c.category == "compilation"]
    assert [(c.id, c.status) for c in compiled] == [("compile.plpgsql_check", "skip")]
    assert "may not create the plpgsql_check extension" in compiled[0].detail


UNSAFE = ("CREATE INDEX idx_customers_email ON public.customers (org_id, email);\n"
          "ALTER TABLE public.customers DROP COLUMN phone;\n")
# the gate judges a statement by what it does on the target: customers must hold rows (the world's)
# for its index build to block anyone; on an empty table it would not be refused


def test_deploy_refuses_unsafe_statements_and_changes_nothing(world, db, project_copy):
    name = add_migration(project_copy, UNSAFE)
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "refused: 2 unsafe statement(s) in what would be applied; nothing was applied" in out.stderr
    assert f"{name}:2: M001_create_index_blocks_writes: CREATE INDEX idx_customers_email" in out.stderr
    assert f"{name}:3: M003_drop_column: drops column phone of public.customers" in out.stderr
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = %s", (NEXT,)) == [(0,)]
    assert query(db, "SELECT to_regclass('public.idx_customers_email')") == [(None,)]
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' "
                     "AND column_name = 'phone'") == [(1,)]
    assert not list(project_copy.runs_dir.glob("*/results.json"))  # no run: nothing happened
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db)
    assert out.returncode == 1 and "refused: 2 unsafe statement(s)" in out.stderr
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = %s", (NEXT,)) == [(0,)]


def test_allow_unsafe_applies_and_the_report_records_the_reason_with_what_it_overrode(world, db, project_copy):
    add_migration(project_copy, UNSAFE)
    reason = "phone was never collected; customers has 40 rows"
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db, "--allow-unsafe", reason)
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = %s", (NEXT,)) == [(1,)]
    assert f"caveat: 2 unsafe statement(s) applied with --allow-unsafe: {reason}" in out.stdout, out.stdout
    run = json.loads(next(project_copy.runs_dir.glob("*/results.json")).read_text())
    assert run["deployment"]["allow_unsafe"]["reason"] == reason
    assert [f["rule"] for f in run["deployment"]["allow_unsafe"]["findings"]] == [
        "M001_create_index_blocks_writes", "M003_drop_column"]
    safety = [c for c in run["checks"] if c["category"] == "migration safety"]
    # overridden, neither hidden nor passed: each check that let one through warns, its findings keep the reason
    overridden = {c["id"] for c in safety if c["status"] == "warn"}
    assert overridden == {"safety.M001_create_index_blocks_writes", "safety.M003_drop_column"}
    assert all(c["status"] == "pass" for c in safety if c["id"] not in overridden)
    assert {f["suppressed"] for c in safety for f in c["findings"] if f["level"] == "error"} == {
        f"allowed by --allow-unsafe: {reason}"}
    report = next(project_copy.runs_dir.glob("*/report.md")).read_text()
    assert f"**Applied with `--allow-unsafe`:** {reason}. The safety gate's findings it overrode:" in report
    assert "- ⚠️ `migrations/0010_change.sql:3` `M003_drop_column`: drops column phone of public.customers" in report
    assert "| What was applied passed the safety gate (pgsuite lint's rules, squawk) | ⚠️ WARN |" in report


def test_migrate_apply_with_allow_unsafe_says_what_it_let_through(db, project_copy):
    add_migration(project_copy, UNSAFE)
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db, "--allow-unsafe", "tested")
    assert out.returncode == 0, out.stderr
    assert "unsafe, allowed (tested): migrations/0010_change.sql:3: M003_drop_column" in out.stderr
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db, "--allow-unsafe", " ")
    assert out.returncode == 2 and "a reason is required" in out.stderr


def test_a_table_created_earlier_in_the_same_deployment_does_not_block(db, project_copy):
    add_migration(project_copy, "CREATE TABLE public.loyalty (id bigint PRIMARY KEY, org_id uuid NOT NULL);\n")
    (project_copy.migrations_dir / "0011_loyalty_index.sql").write_text(
        "-- depends: 0010_change\nCREATE INDEX idx_loyalty_org ON public.loyalty (org_id);\n")
    (project_copy.migrations_dir / "0011_loyalty_index.rollback.sql").write_text("DROP INDEX public.idx_loyalty_org;\n")
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db)
    assert out.returncode == 0, out.stderr
    assert query(db, "SELECT to_regclass('public.idx_loyalty_org')::text") == [("idx_loyalty_org",)]


def test_each_rule_and_the_deployment_impact_name_the_same_hazard():
    """One hazard model (pgsuite/hazards.py): what a rule refuses, the impact of the same statement
    shows with the same lock and the same work on the table, as a risk to schedule around."""
    from pgsuite.report import impact

    with_hazard = [r for r in rules() if r.hazard is not None]
    assert len(with_hazard) >= 10
    for rule in with_hazard:
        effects = impact.analyse([rule.failing])
        assert any(e.hazard.lock == rule.hazard.lock and e.hazard.work == rule.hazard.work and e.risk
                   for e in effects), (rule.id, [(e.lock, e.hazard.work, e.risk) for e in effects])
    locking = [r for r in with_hazard if r.hazard.lock is not None and r.hazard.lock.waits and r.hazard.work.sizing]
    for rule in locking:  # a rule about a lock held while the table is read or rewritten says which lock
        assert any(rule.hazard.lock.label in message for message, _ in _messages(rule)), rule.id


def _messages(rule):
    """What the rule says of its failing example (its check, statement by statement)."""
    from pathlib import Path

    from pgsuite.parse import statements
    from pgsuite.sql_lint.rules import Context

    sql_file = statements.read(Path("0010_example.sql"), "migrations/0010_example.sql", "migration", rule.failing)
    context = Context(sql_file)
    found = []
    for statement in sql_file.statements:
        found += list(rule.check(statement, context) or ())
        context.learn(statement)
    return found


def test_the_check_ids_verify_accepts_are_exactly_the_registries():
    """verify/config.yaml's suppressions are validated by ids read from the files (check_ids), so
    that verify need not import the SQL rules: the lists must be the registries' own."""
    from pgsuite import check_ids
    from pgsuite.catalog_lint.registry import lints

    assert check_ids.sql_rules() == tuple(r.id for r in rules())
    assert check_ids.catalog_lints() == tuple(lint.id for lint in lints())
