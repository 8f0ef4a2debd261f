"""The report: golden Markdown, self-contained HTML, and it never calls a failure a pass."""

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ROOT, pgsuite, query

from pgsuite.project import Project
from pgsuite.render import report as render
from pgsuite.report.baseline import compare
from pgsuite.report.runs import RunStore

FIXTURES = Path(__file__).parent / "fixtures" / "report"
GOLDEN = Path(__file__).parent / "golden" / "report.md"
PROJECT = Project(ROOT)


def fixture_runs():
    store = RunStore(FIXTURES)
    return store.load(str(FIXTURES / "current.json")), store.load(str(FIXTURES / "baseline.json"))


def fixture_comparison(current, baseline):
    """The fixture's baseline run is a failing one that someone approved."""
    return compare(current, baseline, previous=baseline, baseline_kind="approved")


def test_markdown_matches_the_golden_file():
    """Regenerate after a deliberate change: PGSUITE_REGEN_GOLDEN=1 pytest tests/test_report.py"""
    current, baseline = fixture_runs()
    rendered = render.render(PROJECT, current, fixture_comparison(current, baseline), "md")
    if os.environ.get("PGSUITE_REGEN_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8")


def test_the_golden_report_tells_the_truth():
    text = GOLDEN.read_text(encoding="utf-8")
    assert "**Verdict:** ❌ FAIL — 3 checks failed, 2 of them regressions. The deployment is not ready." in text
    # right under the verdict: one plain line per failure, regression or not
    head = text.split("**Run:**")[0]
    assert ("- ❌ FAIL `catalog.table.public.appointments.indexes` on `public.appointments`: index "
            "idx_appointments_scheduling_lookup: expected, found none — regression since 20260128T060600Z-aaaaaa") in head
    assert ("- ❌ FAIL `catalog.table.public.customers.columns` on `public.customers`: column phone: expected type "
            "text, found character varying(20) — accepted in the approved run 20260128T060600Z-aaaaaa") in head
    assert "**Caveats:**" in head and "the project's tests were not run" in head and "1 warning: catalog.drift" in head
    summary = text.split("## Executive summary")[1].split("|")[0]
    assert ("- 2 check(s) regressed against the approved run 20260128T060600Z-aaaaaa: "
            "catalog.table.public.appointments.indexes, scenario.0002_conflict_lists_details.") in summary
    assert "1 check(s) fixed since the previous run 20260128T060600Z-aaaaaa: lint.0001_duplicate_index." in summary
    # a warning is its own column, never counted as passed
    assert "| Category | Checks | Run | Passed | Failed | Warned | Not run | Pass rate | Status |" in text
    assert "| [Project test suite](#category-tests) | 1 | 0 | 0 | 0 | 0 | 1 | n/a | ⏭️ NOT RUN |" in text
    assert "| [Behavioural scenarios](#category-scenarios) | 2 | 2 | 1 | 1 | 0 | 0 | 50.0 % | ❌ FAIL |" in text
    known = text.split("## Known issues")[1].split("## Baseline comparison")[0]
    for check_id in ("catalog.table.public.appointments.indexes", "catalog.table.public.customers.columns",
                     "scenario.0002_conflict_lists_details"):
        assert f"`{check_id}`" in known
    assert "| Removed checks | 1 | scenario.0099_retired |" in text
    assert "| Not run now (ran in the baseline) | 1 | tests.pytest |" in text
    assert "| No regression against the baseline | ❌ FAIL | 2 check(s) with a regression |" in text
    assert "| `0005_add_booking_notes` | ✅ PASS: 2 statement(s), run as a whole in one transaction |" in text


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.urls, self.stack, self.tags = set(), [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                (self.links if attrs[name].startswith("#") else self.urls).append(attrs[name])
        if tag not in ("meta", "br", "link", "img", "input", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def test_html_is_self_contained_well_nested_and_navigable():
    current, baseline = fixture_runs()
    html = render.render(PROJECT, current, fixture_comparison(current, baseline), "html")
    parser = _Collector()
    parser.feed(html)
    assert parser.stack == ["html"] or parser.stack == []
    assert parser.urls == [], f"external references: {parser.urls}"
    assert not re.search(r"https?://", html)
    assert all(link[1:] in parser.ids for link in parser.links), "a table-of-contents link leads nowhere"
    assert '<meta name="viewport"' in html and "<style>" in html and "<details>" in html
    # every status is a word in a coloured badge: nothing depends on an emoji font
    assert re.findall(r'<span class="badge fail">([^<]*)</span>', html)[0] == "FAIL"
    assert '<span class="badge not-run">NOT RUN</span>' in html
    body = html.split("<body>")[1]
    assert not re.search("[\U0001F300-\U0001FAFF\u2600-\u27BF]", body), "an emoji in the HTML body"


def test_json_format_carries_the_comparison():
    current, baseline = fixture_runs()
    doc = json.loads(render.render(PROJECT, current, fixture_comparison(current, baseline), "json"))
    assert doc["verdict"] == "FAIL" and doc["comparison"]["made"] is True
    rows = {r["group"].split(" (")[0]: r["count"] for r in doc["comparison"]["rows"]}
    assert rows["Regressions"] == 2 and rows["Accepted"] == 1


def deploy(project, dsn, *extra):
    return pgsuite("--project", str(project.root), "deploy", "--dsn", dsn, *extra)


def latest_report(project) -> str:
    runs = sorted(project.runs_dir.iterdir())
    return (runs[-1] / "report.md").read_text()


def saved_run(project) -> dict:
    return json.loads((sorted(project.runs_dir.iterdir())[-1] / "results.json").read_text())


def test_a_clean_deploy_is_pass_with_its_caveats_stated(empty_db, project_copy):
    out = deploy(project_copy, empty_db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASS: Every check that ran passed (see the caveats)." in out.stdout
    assert "  caveat: the project's tests were not run" in out.stdout
    assert "baseline: none (no passing or approved run against this target)" in out.stdout
    report = latest_report(project_copy)
    assert report.startswith("# Post-deployment regression report\n\n**Verdict:** ✅ PASS")
    caveats = report.split("**Caveats:**")[1].split("**Run:**")[0]
    assert "- the project's tests were not run" in caveats
    assert "- no passing or approved run against this target: regressions not assessed" in caveats
    assert "| Project test suite passes | ⏭️ NOT RUN | not run |" in report
    assert "| `0003_appointments` | ✅ PASS: " in report  # rollback readiness of what this deploy applied
    saved = saved_run(project_copy)
    assert saved["target"]["server_version_num"] >= 150000 and saved["deployment"]["migration_head"]
    assert saved["run"]["git_commit"].startswith("unknown")  # a copy outside git says so
    # the schema as the seed report showed it: columns, indexes, policies, functions
    tables = report.split("## Tables and functions")[1].split("## Known issues")[0]
    assert "<details><summary>Table public.appointments: PASS</summary>" in tables
    assert "| `start_time` | timestamp with time zone | no |  |  |" in tables
    assert "| `idx_appointments_customer` | btree | org\\_id, customer\\_id | no |  |  |" not in tables
    assert "| `idx_appointments_customer` | btree | org_id, customer_id | no |  |  |" in tables
    assert "SECURITY DEFINER | pg\\_catalog, pg\\_temp |" not in tables
    assert "| SECURITY DEFINER | pg_catalog, pg_temp | volatile |" in tables
    # every category's link leads to its anchor, a single word (an id with a space is no link)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', report))
    links = [link for link in re.findall(r"\]\(#([^)]+)\)", report) if link.startswith("category-")]
    assert "category-migration-safety" in links and set(links) <= anchors
    assert not [a for a in anchors if re.search(r"\s", a)]


def test_dry_run_changes_nothing(empty_db, project_copy):
    out = deploy(project_copy, empty_db, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "would apply 0003_appointments:" in out.stdout
    assert "created  table public.appointments: creates the table" in out.stdout
    assert "dry run: nothing was changed" in out.stdout
    assert query(empty_db, "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'pgsuite')") == [(0,)]
    assert not project_copy.runs_dir.exists()


BREAKAGES = [
    # (kind of failure, SQL, failing category, a check id that must be in known issues)
    ("catalog check", "ALTER TABLE customers ALTER COLUMN email SET NOT NULL", "catalog",
     "catalog.table.public.customers.columns"),
    ("lint", "SELECT setval('appointment_audit_log_id_seq', 8000000000000000000)", "lints",
     "lint.0012_sequence_near_exhaustion"),
    ("scenario", """CREATE OR REPLACE FUNCTION public.cancel_appointment(
         p_org_id uuid, p_appointment_id uuid, p_reason text DEFAULT NULL) RETURNS jsonb
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
         BEGIN RETURN jsonb_build_object('success', true); END $$""", "scenarios",
     "scenario.0006_cancel_soft_delete_and_audit"),
]


@pytest.mark.parametrize("kind,sql,category,check_id", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_each_kind_of_failure_fails_the_verdict_its_category_and_is_a_known_issue(db, project_copy, kind, sql,
                                                                                   category, check_id):
    query(db, sql)
    out = deploy(project_copy, db)
    assert out.returncode == 1 and "FAIL: " in out.stdout
    assert f"  FAIL {check_id}: " in out.stdout and "[not judged: no baseline]" in out.stdout
    saved = saved_run(project_copy)
    assert saved["verdict"] == "FAIL"
    assert {c["name"]: c["status"] for c in saved["categories"]}[category] == "fail"
    report = latest_report(project_copy)
    assert f"### ❌ FAIL `{check_id}`" in report.split("## Known issues")[1]
    assert "**Verdict:** ❌ FAIL" in report
    assert f"- ❌ FAIL `{check_id}` on " in report.split("**Run:**")[0]


def test_a_failing_pytest_test_fails_the_report(db, project_copy, tmp_path):
    junit = tmp_path / "pytest.xml"
    junit.write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="2" failures="1">'
        '<testcase classname="tests.test_booking" name="test_ok" time="0.1"/>'
        '<testcase classname="tests.test_booking" name="test_reschedule" time="0.2">'
        '<failure message="assert 1 == 2">tests/test_booking.py:10: AssertionError</failure></testcase>'
        '</testsuite></testsuites>')
    out = deploy(project_copy, db, "--tests-junit", str(junit))
    assert out.returncode == 1
    report = latest_report(project_copy)
    assert "| [Project test suite](#category-tests) | 2 | 2 | 1 | 1 | 0 | 0 | 50.0 % | ❌ FAIL |" in report
    assert "### ❌ FAIL `test.tests.test_booking.test_reschedule`" in report


def test_a_migration_that_fails_lists_the_later_ones_as_not_run(empty_db, project_copy):
    (project_copy.migrations_dir / "0099_bad.sql").write_text(
        "ALTER TABLE appointments ADD COLUMN extra int;\nALTER TABLE no_such_table ADD COLUMN x int;")
    (project_copy.migrations_dir / "0099_bad.rollback.sql").write_text("ALTER TABLE appointments DROP COLUMN extra;")
    (project_copy.migrations_dir / "0100_after.sql").write_text("CREATE TABLE after_bad (id int PRIMARY KEY);")
    (project_copy.migrations_dir / "0100_after.rollback.sql").write_text("DROP TABLE after_bad;")
    out = deploy(project_copy, empty_db)
    assert out.returncode == 1
    statuses = {c["id"]: (c["status"], c["detail"]) for c in saved_run(project_copy)["checks"]}
    assert statuses["migration.0004_webhook_delivery_log"][0] == "pass"
    assert statuses["migration.0099_bad"][0] == "fail"
    assert statuses["migration.0100_after"] == ("skip", "not run: 0099_bad failed before it")
    assert statuses["migrations.repeatables"] == ("skip", "not run: 0099_bad failed before it")
    report = latest_report(project_copy)
    assert "### ❌ FAIL `migration.0099_bad`" in report
    assert 'relation "no\\_such\\_table" does not exist' in report or 'relation "no_such_table" does not exist' in report
    assert "| ⏭️ NOT RUN | `migration.0100_after` apply 0100\\_after |" not in report
    assert "| ⏭️ NOT RUN | `migration.0100_after` apply 0100_after | migrations/0100_after.sql | not run: 0099_bad" in report
    assert "- ⏭️ NOT RUN `0100_after`: not applied (an earlier step failed)" in report
    assert "| Every pending migration was applied | ❌ FAIL | not applied: 0099_bad, 0100_after |" in report


def test_a_regression_stays_one_until_fixed_and_fixes_are_named(db, project_copy):
    first = deploy(project_copy, db)
    assert first.returncode == 0
    query(db, "DROP POLICY services_org_isolation ON services")
    for attempt in range(2):  # the next run does not relabel it "pre-existing"
        out = deploy(project_copy, db)
        assert out.returncode == 1
        runs = sorted(p.name for p in project_copy.runs_dir.iterdir())
        assert f"baseline: passed run {runs[0]}" in out.stdout
        assert (f"  FAIL catalog.table.public.services.policies: policy services_org_isolation: expected, found none "
                f"[regression since {runs[0]}]") in out.stdout
    query(db, "CREATE POLICY services_org_isolation ON services FOR SELECT TO authenticated"
              " USING (org_id = (SELECT app_private.request_org_id()))")
    third = deploy(project_copy, db)
    assert third.returncode == 0
    assert "fixed since the previous run: catalog.table.public.services.policies" in third.stdout
    # re-render the second run with the first as its baseline, by hand
    runs = sorted(p.name for p in project_copy.runs_dir.iterdir())
    again = pgsuite("--project", str(project_copy.root), "report", runs[1], "--baseline", runs[0])
    assert again.returncode == 0 and f"- 1 check(s) regressed against the chosen run {runs[0]}" in again.stdout


def test_an_approved_run_accepts_its_findings_and_a_new_finding_in_the_same_check_is_a_regression(db, project_copy):
    query(db, "DROP INDEX idx_appointments_customer")
    out = deploy(project_copy, db)
    assert out.returncode == 1 and "[not judged: no baseline]" in out.stdout
    run = sorted(p.name for p in project_copy.runs_dir.iterdir())[-1]
    missing = pgsuite("--project", str(project_copy.root), "report", "approve", run)
    assert missing.returncode == 2 and "--reason" in missing.stderr
    approved = pgsuite("--project", str(project_copy.root), "report", "approve", run, "--reason", "index rebuilt Friday")
    assert approved.returncode == 0 and f"approved {run} (FAIL) as a baseline: index rebuilt Friday" in approved.stdout
    out = deploy(project_copy, db)
    assert f"baseline: approved run {run}" in out.stdout
    assert f"FAIL catalog.table.public.appointments.indexes: index idx_appointments_customer: expected, found none " \
           f"[accepted in the approved run {run}]" in out.stdout
    query(db, "DROP INDEX idx_appointments_service")  # another finding in the same, already failing check
    out = deploy(project_copy, db)
    assert f"FAIL catalog.table.public.appointments.indexes: index idx_appointments_customer: expected, found none " \
           f"(and 1 more) [regression since {run}]" in out.stdout
    report = latest_report(project_copy)
    known = report.split("## Known issues")[1].split("## Baseline comparison")[0]
    assert "- accepted: index idx_appointments_customer: expected, found none" in known
    assert "- **regression:** index idx_appointments_service: expected, found none" in known


def test_warnings_have_their_own_column_and_are_never_passed_nor_fixed(db, project_copy):
    config = project_copy.verify_dir / "config.yaml"
    config.write_text(config.read_text().replace("drift: fail", "drift: warn"))
    assert deploy(project_copy, db).returncode == 0  # the baseline, without the warning
    query(db, "CREATE TABLE public.scratch (id int PRIMARY KEY)")
    out = deploy(project_copy, db)
    assert out.returncode == 0, out.stdout
    assert re.search(r"  catalog +\d+ passed +0 failed +1 warned +0 not run +WARN", out.stdout), out.stdout
    assert "  caveat: 1 warning: catalog.drift.public.tables" in out.stdout
    catalog = next(c for c in saved_run(project_copy)["categories"] if c["name"] == "catalog")
    n, rate = catalog["checks"], f"{100 * (catalog['checks'] - 1) / catalog['checks']:.1f} %"
    report = latest_report(project_copy)
    assert f"| [Database schema (catalog)](#category-catalog) | {n} | {n} | {n - 1} | 0 | 1 | 0 | {rate} | ⚠️ WARN |" in report
    assert f"| Schema matches the declared expectations (verify/) | ⚠️ WARN | {n - 1} of {n} passed, 1 warned |" in report
    # new against the baseline, said so (never "unchanged")
    assert "| New warnings (a warning the baseline did not have) | 1 | catalog.drift.public.tables |" in report
    assert re.search(r"\| ⚠️ WARN \| `catalog.drift.public.tables` .*\| new warning \|", report)
    query(db, "DROP TABLE public.scratch")
    out = deploy(project_copy, db)
    assert "fixed since" not in out.stdout  # a warning that went away was never a failure


def test_report_bad_input_exits_2(project_copy, tmp_path):
    out = pgsuite("--project", str(project_copy.root), "report", "20990101T000000Z-nope")
    assert out.returncode == 2 and "unknown run '20990101T000000Z-nope'" in out.stderr
    corrupt = tmp_path / "results.json"
    corrupt.write_text('{"run": {"id": "x"}, "checks": [')
    out = pgsuite("--project", str(project_copy.root), "report", str(corrupt))
    assert out.returncode == 2 and "corrupt results file" in out.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"run": {"id": "x"}, "checks": [{"id": "a", "status": "passed"}]}')
    out = pgsuite("--project", str(project_copy.root), "report", str(wrong))
    assert out.returncode == 2 and "not a pgsuite results document" in out.stderr
    shutil.copy(FIXTURES / "current.json", tmp_path / "current.json")
    out = pgsuite("--project", str(project_copy.root), "report", str(tmp_path / "current.json"),
                  "--output", str(tmp_path / "no" / "such" / "folder" / "report.md"))
    assert out.returncode == 2 and "cannot write" in out.stderr
    out = pgsuite("--project", str(project_copy.root), "report")
    assert out.returncode == 2 and "no saved run" in out.stderr


def test_an_unwritable_runs_folder_is_a_usage_error(empty_db, project_copy):
    project_copy.runs_dir.parent.mkdir(parents=True, exist_ok=True)
    project_copy.runs_dir.write_text("a file where the runs folder should be")
    out = deploy(project_copy, empty_db)
    assert out.returncode == 2 and "cannot write the run to" in out.stderr


def test_with_tests_reads_what_pytest_ran(tmp_path):
    """The --with-tests path on a tiny project of its own (running this suite inside itself would recurse)."""
    from pgsuite.report.pytest_junit import run_pytest

    (tmp_path / "test_tiny.py").write_text(
        "import pytest\n\ndef test_ok():\n    assert 1\n\ndef test_broken():\n    assert 1 == 2\n\n"
        "@pytest.mark.skip(reason='not on this machine')\ndef test_skipped():\n    pass\n")
    results = {r.title: r for r in run_pytest(tmp_path, tmp_path / "out.xml")}
    assert {name: r.status for name, r in results.items()} == {
        "test_ok": "pass", "test_broken": "fail", "test_skipped": "skip"}
    assert "assert 1 == 2" in results["test_broken"].detail
    assert results["test_skipped"].detail == "not on this machine"
    assert run_pytest(tmp_path / "missing", tmp_path / "none.xml")[0].status == "error"


def test_a_deploy_that_cannot_get_the_migration_lock_fails_with_an_error_check(db, project_copy):
    from helpers import holding_migration_lock

    with holding_migration_lock(db):
        out = deploy(project_copy, db, "--lock-timeout", "300ms")
    assert out.returncode == 1
    saved = json.loads((sorted(project_copy.runs_dir.iterdir())[-1] / "results.json").read_text())
    lock = next(c for c in saved["checks"] if c["id"] == "migrations.lock")
    assert lock["status"] == "error" and "the migration lock is held by backend pid" in lock["detail"]
    assert "### ❌ ERROR `migrations.lock`" in latest_report(project_copy)
