"""Nothing overstated: inputs that could make pgsuite claim more than it knows.

Scenarios that would end their own transaction, expectations files that are not plain data,
secrets and markup in what a report embeds, statements whose impact is unknown, inputs checked
only after the deploy changed something.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from helpers import pgsuite, query

from pgsuite.report.impact import analyse


def deploy(project, dsn, *extra):
    return pgsuite("--project", str(project.root), "deploy", "--dsn", dsn, *extra)


def runs(project):
    return sorted(project.runs_dir.iterdir()) if project.runs_dir.exists() else []


TRANSACTION_CONTROL = ["COMMIT;", "END;", "ROLLBACK;", "COMMIT AND CHAIN;", "BEGIN;", "PREPARE TRANSACTION 'x';",
                       "ABORT;"]


@pytest.mark.parametrize("statement", TRANSACTION_CONTROL)
def test_a_scenario_cannot_end_its_transaction(db, project_copy, statement):
    scenario = project_copy.verify_dir / "scenarios" / "0099_sneaky.sql"
    scenario.write_text("-- title: commits behind verify's back\n"
                        "INSERT INTO public.organizations (name) VALUES ('left behind');\n"
                        f"{statement}\nSELECT 1;\n")
    out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db)
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"0099_sneaky.sql:3: transaction control ({statement.rstrip(';')}) is not allowed in a scenario" in out.stderr
    assert query(db, "SELECT count(*) FROM organizations") == [(0,)]
    # deploy refuses it before it applies anything
    out = deploy(project_copy, db)
    assert out.returncode == 2 and "0099_sneaky.sql:3" in out.stderr and not runs(project_copy)


def test_savepoints_stay_inside_the_scenario_transaction(db, project_copy):
    (project_copy.verify_dir / "scenarios" / "0099_savepoints.sql").write_text(
        "SAVEPOINT a;\nINSERT INTO public.organizations (name) VALUES ('x');\nROLLBACK TO SAVEPOINT a;\nRELEASE a;\n")
    out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db)
    assert out.returncode == 0, out.stdout + out.stderr


YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
BAD_YAML = [
    ("a tag", "roles:\n  anon: !!python/object/apply:os.system [true]\n", ":2: YAML tag"),
    ("a custom tag", "roles: !mine\n  anon: {login: false}\n", ":1: YAML tag '!mine' is not allowed"),
    ("a recursive alias", "roles: &r\n  anon: *r\n", "an alias that contains itself"),
    ("an alias bomb", YAML_BOMB, "aliases expand to more than 10000 nodes"),
]


@pytest.mark.parametrize("case,text,message", BAD_YAML, ids=[b[0] for b in BAD_YAML])
def test_expectations_that_are_not_plain_data_are_bad_input_before_anything_changes(empty_db, project_copy, case,
                                                                                       text, message):
    assert len(YAML_BOMB) < 500  # a few hundred bytes that would expand to a billion nodes
    (project_copy.verify_dir / "zz_extra.yaml").write_text(text)
    out = deploy(project_copy, empty_db)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "zz_extra.yaml" in out.stderr and message in out.stderr
    assert "Traceback" not in out.stderr
    # nothing was applied: the expectations were read before the first migration
    assert query(empty_db, "SELECT to_regclass('public._yoyo_migration')") == [(None,)]


def test_a_corrupt_expectations_file_stops_deploy_before_any_migration(empty_db, project_copy):
    (project_copy.verify_dir / "schema.yaml").write_text("schemas:\n  public:\n    tables: [oops\n")
    out = deploy(project_copy, empty_db)
    assert out.returncode == 2 and "schema.yaml:4: invalid YAML" in out.stderr
    assert query(empty_db, "SELECT to_regclass('public._yoyo_migration')") == [(None,)]


SECRET = "hunter2-s3cret"


def test_secrets_never_reach_the_console_the_results_or_the_reports(empty_db, project_copy, tmp_path):
    (project_copy.migrations_dir / "0099_role.sql").write_text(
        f"ALTER ROLE no_such_role_at_all WITH PASSWORD '{SECRET}';")
    (project_copy.migrations_dir / "0099_role.rollback.sql").write_text("SELECT 1;")
    junit = tmp_path / "run.xml"
    out = deploy(project_copy, empty_db, "--junit", str(junit))
    assert out.returncode == 1
    assert "PASSWORD '***'" in out.stdout + out.stderr or "0099_role" in out.stdout
    folder = runs(project_copy)[-1]
    for text in (out.stdout, out.stderr, *(p.read_text() for p in folder.iterdir()), junit.read_text()):
        assert SECRET not in text
    assert "PASSWORD '***'" in (folder / "results.json").read_text()
    # a DSN libpq cannot parse is not echoed, not even in pieces
    bad = pgsuite("--project", str(project_copy.root), "verify", "--dsn", f"host=localhost password={SECRET} oops")
    assert bad.returncode == 2 and SECRET not in bad.stderr and SECRET[:6] not in bad.stderr


def test_markup_in_object_names_is_shown_not_rendered(db, project_copy):
    query(db, 'CREATE TABLE public."<img src=x onerror=alert(1)>*bold*" (id int PRIMARY KEY)')
    out = deploy(project_copy, db)
    assert out.returncode == 1
    folder = runs(project_copy)[-1]
    md = (folder / "report.md").read_text()
    outside_code = re.sub(r"(`+).*?\1", "", re.sub(r"(?s)^(`{3,}).*?^\1", "", md, flags=re.MULTILINE))
    assert "<img" not in outside_code and "*bold*" not in outside_code  # inside code spans it shows as written
    assert "&lt;img src=x onerror=alert(1)&gt;\\*bold\\*" in outside_code
    html = (folder / "report.html").read_text()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;*bold*" in html


def test_junit_drops_control_characters_and_gives_the_reason_as_message(db, project_copy, tmp_path):
    query(db, 'CREATE TABLE public."bell\x07and\x1bescape" (id int PRIMARY KEY)')
    target = tmp_path / "verify.xml"
    out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db, "--format", "junit",
                  "--output", str(target))
    assert out.returncode == 1
    root = ET.parse(target).getroot()  # parses: no character XML forbids
    failure = root.find(".//testcase[@name='catalog.drift.public.tables']/failure")
    assert failure.get("message") == "table bellandescape: found, not declared"
    assert failure.get("type") == "undeclared tables in schema public"
    run = runs(project_copy)
    report = pgsuite("--project", str(project_copy.root), "report", "--format", "junit") if run else None
    assert report is None or report.returncode in (0, 2)


def test_deploy_and_report_write_junit(db, project_copy, tmp_path):
    target = tmp_path / "deploy.xml"
    out = deploy(project_copy, db, "--junit", str(target))
    assert out.returncode == 0 and str(target) in out.stdout
    suites = {s.get("name") for s in ET.parse(target).getroot().findall("testsuite")}
    assert suites == {"migration safety", "migrations", "catalog", "lints", "scenarios", "compilation",
                      "breaking changes", "tests"}
    again = pgsuite("--project", str(project_copy.root), "report", "--format", "junit")
    assert again.returncode == 0 and again.stdout.startswith("<?xml")


RISKY = [
    ("CREATE INDEX notes_idx ON public.appointments (notes)", "SHARE (blocks writes while it builds)",
     "holds SHARE on an existing table: writes wait while it runs"),
    ("LOCK TABLE public.appointments IN EXCLUSIVE MODE", "EXCLUSIVE", "holds EXCLUSIVE on an existing table"),
    ("ALTER TABLE public.customers RENAME TO clients", "ACCESS EXCLUSIVE", "breaks every caller that uses the old name"),
    ("UPDATE public.appointments SET notes = NULL", "ROW EXCLUSIVE", "updates every row (no WHERE)"),
    ("DELETE FROM public.webhook_delivery_log", "ROW EXCLUSIVE", "deletes every row (no WHERE)"),
    ("DO $$ BEGIN PERFORM 1; END $$", "unknown", "needs review"),
    ("VACUUM public.appointments", "unknown", "needs review"),
]


@pytest.mark.parametrize("sql,lock,risk", RISKY, ids=[r[0].split()[0] + " " + r[0].split()[1] for r in RISKY])
def test_statements_that_lock_or_touch_every_row_are_flagged_and_unknown_is_never_safe(sql, lock, risk):
    [effect] = analyse([sql])
    assert effect.lock.startswith(lock) and risk in effect.risk


def test_the_report_lists_risky_statements_and_reapplied_repeatables(db, project_copy):
    (project_copy.migrations_dir / "0099_index.sql").write_text(
        "CREATE INDEX appointments_notes_idx ON public.appointments (notes);")
    (project_copy.migrations_dir / "0099_index.rollback.sql").write_text("DROP INDEX public.appointments_notes_idx;")
    policies = project_copy.repeatables_dir / "30_policies.sql"
    policies.write_text(policies.read_text() + "\n-- touched\n")
    out = deploy(project_copy, db, "--allow-unsafe", "the notes index is what this test reports on")
    report = (runs(project_copy)[-1] / "report.md").read_text()
    impact = report.split("## Deployment impact")[1].split("## Rollback readiness")[0]
    assert "- `0099_index`: index appointments\\_notes\\_idx on public.appointments" in impact or \
        "- `0099_index`: index appointments_notes_idx on public.appointments" in impact
    assert "holds SHARE on an existing table: writes wait while it runs" in impact
    assert "### `sql/30_policies.sql` (repeatable (re-applied))" in impact
    assert "- `sql/30_policies.sql`: DO block" in impact and "needs review" in impact
    assert re.search(r"caveat: \d+ statements? to schedule around or review", out.stdout), out.stdout
    assert "| No statement locks out an existing table, rewrites, scans, drops or needs review | ⚠️ WARN |" in report


def test_the_results_json_says_what_a_run_did_not_do(empty_db, project_copy):
    out = deploy(project_copy, empty_db)
    assert out.returncode == 0
    saved = json.loads((runs(project_copy)[-1] / "results.json").read_text())
    tests = next(c for c in saved["checks"] if c["id"] == "tests.pytest")
    assert tests["status"] == "skip" and tests["detail"].startswith("not run:")
    categories = {c["name"]: c for c in saved["categories"]}
    assert categories["tests"]["status"] == "not run" and categories["tests"]["pass_rate"] is None
    assert saved["catalog"]["schemas"]["public"]["tables"]["appointments"]["rls"] == {"enabled": True, "forced": True}
