"""`pgsuite bench verify` runs end to end on a small scale and cleans up its scratch database.
(The figures themselves are read from a real `pgsuite bench` run, never asserted here.)"""

import json
import os

import psycopg
import pytest
import yaml

from helpers import ROOT, pgsuite, query

from pgsuite.bench import pgtap as bench_pgtap, tool as bench
from pgsuite.verify import kinds
from pgsuite.verify.compare import _areas as areas


def pgtap_available(dsn: str) -> bool:
    available = query(dsn, "SELECT count(*) FROM pg_available_extensions WHERE name = 'pgtap'") == [(1,)]
    if os.environ.get("PGSUITE_TEST_EXPECT_PGTAP"):  # CI installs it for PostgreSQL 15
        assert available, "pgtap should be installed on this server"
    return available


def a_pgtap_assertion_that_does_not_hold_stops_the_baseline_naming_it(db):
    query(db, "CREATE SCHEMA IF NOT EXISTS pgtap_probe")
    query(db, "CREATE EXTENSION IF NOT EXISTS pgtap SCHEMA pgtap_probe")
    try:
        with psycopg.connect(db) as conn:
            conn.execute("SET search_path = pgtap_probe, pg_catalog")
            wrong = bench_pgtap._call("has_table", bench_pgtap._n("pg_catalog"), bench_pgtap._n("no_such_table"),
                                      bench_pgtap._t("table pg_catalog.no_such_table"))
            with pytest.raises(RuntimeError, match=r"the pgTAP baseline fails \(not ok 1 - table pg_catalog.no_such_t"):
                bench_pgtap.run(conn, [wrong])
    finally:
        query(db, "DROP SCHEMA pgtap_probe CASCADE")


def test_bench_verify_reports_ratios_and_drops_its_scratch_database(db):
    out = pgsuite("--project", str(ROOT), "bench", "verify", "--tables", "20", "--repeat", "1", "--format", "json",
                  "--dsn", db)
    assert out.returncode == 0, out.stderr
    baseline, grown, dump, cold, warm, pgtap = json.loads(out.stdout)["cases"]
    assert baseline["case"] == "schema" and baseline["ratio"] == 1.0
    # whole processes on the same database, in the same run: verify against pg_dump --schema-only
    assert dump["case"] == "pg_dump --schema-only, schema + 20 tables (process)" and dump["median_ms"] > 0
    for case, measured in (("cold", cold), ("warm", warm)):
        assert measured["case"] == f"pgsuite verify --no-scenarios, {case} (process)"
        assert measured["objects"] == dump["objects"] > 20 * 3  # relations: tables, their indexes and sequences
        ratio = measured["median_ms"] / dump["median_ms"]
        assert measured["note"] == (f"verify {case}, whole process: {ratio:.2f}x pg_dump --schema-only's time on "
                                    f"the same {dump['objects']} relations (target: 2x)")
    per_table = len(areas(kinds.by_name("tables")))  # one catalog check per area of a table
    assert grown["case"] == "schema + 20 tables" and grown["objects"] == baseline["objects"] + 20 * per_table
    assert pgtap["case"] == "pgTAP, schema + 20 tables"
    if pgtap_available(db):  # every assertion held (else the bench fails), timed like pgsuite's cases
        assert pgtap["objects"] > grown["objects"] and pgtap["median_ms"] > 0 and pgtap["ratio"] > 0
        assert pgtap["note"].startswith("pgTAP took ") and "x pgsuite's time on the same objects" in pgtap["note"]
        a_pgtap_assertion_that_does_not_hold_stops_the_baseline_naming_it(db)  # never timed as if it passed
    else:  # said, never a figure
        assert (pgtap["median_ms"], pgtap["ratio"], pgtap["runs"]) == (None, None, [])
        assert pgtap["note"] == "pgTAP baseline not run: the server has no pgtap extension (Debian: postgresql-NN-pgtap)"
    assert query(db, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgsuite_bench_%%'") == [(0,)]


def test_a_project_without_its_own_table_generator_is_measured_with_generic_tables(db, project_copy):
    # the booking schema's tenant-table shape lives in its verify/bench_tables.sql, not in the tool
    (project_copy.root / "verify" / "bench_tables.sql").unlink()
    out = pgsuite("--project", str(project_copy.root), "bench", "verify", "--tables", "5", "--repeat", "1",
                  "--format", "json", "--dsn", db)
    assert out.returncode == 0, out.stderr
    baseline, grown, *_ = json.loads(out.stdout)["cases"]
    per_table = len(areas(kinds.by_name("tables"))) + 1  # and one check of its identity sequence
    assert grown["objects"] == baseline["objects"] + (5 + 1) * per_table  # and their parent table


def test_bench_lint_times_cold_and_warm_on_copies_and_leaves_the_project_alone(project_copy):
    out = pgsuite("--project", str(project_copy.root), "bench", "lint", "--migrations", "3", "--repeat", "1",
                  "--format", "json")
    assert out.returncode == 0, out.stderr
    cases = json.loads(out.stdout)["cases"]
    assert [c["case"] for c in cases] == ["project, cold", "project, warm", "project + 3 migrations, cold",
                                          "project + 3 migrations, warm"]
    assert cases[0]["ratio"] == 1.0 and all(len(c["runs"]) == 1 and c["median_ms"] > 0 for c in cases)
    assert not (project_copy.root / ".pgsuite" / "cache").exists()
    assert not list(project_copy.migrations_dir.glob("*_bench_*.sql"))


def bench_run(project_root, db, *args):
    return pgsuite("--project", str(project_root), "bench", "run", *args, "--dsn", db, "--format", "json", timeout=600)


def scratch_databases(db):
    return query(db, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgsuite\\_bench\\_%%'")


def test_bench_fleet_times_single_deploys_against_a_fleet_and_drops_its_databases(db, project_copy):
    out = pgsuite("--project", str(project_copy.root), "bench", "fleet", "--targets", "3", "--parallel", "2",
                  "--format", "json", "--dsn", db, timeout=600)
    assert out.returncode == 0, out.stderr
    sequential, fleet = json.loads(out.stdout)["cases"]
    assert sequential["case"] == "3 single deploys, one after another" and sequential["ratio"] == 1.0
    assert fleet["case"] == "fleet of 3, 2 at once" and fleet["objects"] == 3 and fleet["median_ms"] > 0
    assert scratch_databases(db) == [(0,)] and not (project_copy.root / "reports" / "runs").exists()


def without_thresholds(project, *names):
    """The project's thresholds hold at full size: small runs here check the invariants only."""
    for name in names:
        path = project.root / "bench" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        assert data.pop("thresholds"), f"{name} has thresholds"
        path.write_text(yaml.safe_dump(data))


def test_the_projects_workloads_run_small_check_their_invariants_and_leave_nothing(db, project_copy):
    without_thresholds(project_copy, "booking")
    metrics = bench_run(project_copy.root, db, "metrics", "--set", "rows=3000", "--repeat", "5")
    assert metrics.returncode == 0, metrics.stderr
    report = json.loads(metrics.stdout)
    assert report["baseline"] == "one delivery by (org, event id)"
    cases = {c["case"]: c for c in report["cases"]}
    assert cases[report["baseline"]]["ratio"] == 1.0 and len(cases) == 6
    assert all(c["runs"] == 5 and 0 < c["p50_ms"] <= c["p95_ms"] <= c["p99_ms"] <= c["max_ms"] for c in cases.values())

    # with a setting overridden, the thresholds are not judged (they hold at the workload's own)
    assert {t["state"] for t in report["thresholds"]} == {"not run"} and "rows overridden" in report["thresholds"][0]["why"]

    cleanup = bench_run(project_copy.root, db, "cleanup", "--set", "rows=2000", "--repeat", "1")
    assert cleanup.returncode == 0, cleanup.stderr  # its check: every due row gone, every other kept
    assert all(c["writer_max_ms"] is not None for c in json.loads(cleanup.stdout)["cases"])

    booking = bench_run(project_copy.root, db, "booking", "--repeat", "20")
    assert booking.returncode == 0, booking.stderr  # its check: no overlap, one audit row per booking
    # `pgsuite bench WORKLOAD` is `pgsuite bench run WORKLOAD`
    short = pgsuite("--project", str(project_copy.root), "bench", "booking", "--repeat", "20", "--dsn", db,
                    "--format", "json", timeout=600)
    assert short.returncode == 0, short.stderr
    assert [c["case"] for c in json.loads(short.stdout)["cases"]] == [c["case"] for c in json.loads(booking.stdout)["cases"]]
    assert scratch_databases(db) == [(0,)]


def test_a_name_that_is_neither_a_command_nor_a_workload_exits_2_naming_both(project_copy):
    out = pgsuite("--project", str(project_copy.root), "bench", "bookings")
    assert out.returncode == 2
    assert ("no command or workload 'bookings': commands all, fleet, lint, run, verify; "
            "this project's workloads booking, cleanup, contention, locking, metrics, signed_claims") in out.stderr


def test_a_check_that_fails_after_a_case_fails_the_bench(db, project_copy, tmp_path):
    workload = tmp_path / "broken.yaml"
    workload.write_text("baseline: one\ncases:\n  one: SELECT 1\n  two: SELECT 2\nrepeat: 2\n"
                        "check: SELECT count(*) = 1 FROM public.organizations\n")
    out = bench_run(project_copy.root, db, str(workload))
    assert out.returncode == 1 and "the check failed: SELECT count(*) = 1 FROM public.organizations" in out.stderr
    workload.write_text("baseline: one\ncases:\n  one: SELECT 1\n  two: SELECT 1 / (%(i)s - %(i)s)\nrepeat: 2\n")
    out = bench_run(project_copy.root, db, str(workload))
    assert out.returncode == 1 and "case 'two' failed on warm-up run" in out.stderr and "[22012]" in out.stderr
    assert scratch_databases(db) == [(0,)]


@pytest.mark.parametrize("content,message", [
    (None, "no such workload (this project has: booking, cleanup, contention, locking, metrics, signed_claims)"),
    ("cases: {one: SELECT 1}\nbaseline: two\n", "bad.yaml:2: baseline: must name one of the cases (one)"),
    ("cases: {one: SELECT 1}\nbaseline: one\ntimes: 3\n", "bad.yaml:3: times: unknown key (known: description,"),
    ("cases: {one: SELECT 1}\nbaseline: one\nrepeat: 0\n", "bad.yaml:3: repeat: a whole number between 1 and 1000000"),
    ("cases: {one: SELECT 1}\nbaseline: one\nsetup: nope.sql\n", "bad.yaml:3: setup: " + "{bench}/nope.sql does not exist"),
    ("cases: {one: ''}\nbaseline: one\n", "bad.yaml:1: cases.one: an SQL statement"),
    ("baseline: one\n", "bad.yaml:1: (document): missing cases"),
])
def test_a_bad_workload_exits_2_before_any_database_work(project_copy, content, message):
    (project_copy.root / "bench").mkdir(exist_ok=True)
    if content is not None:
        (project_copy.root / "bench" / "bad.yaml").write_text(content)
    out = pgsuite("--project", str(project_copy.root), "bench", "run", "bad" if content else "nope",
                  "--dsn", "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    message = message.replace("{bench}", str(project_copy.root / "bench"))
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_set_names_only_the_workloads_settings(project_copy):
    out = pgsuite("--project", str(project_copy.root), "bench", "run", "metrics", "--set", "nope=1",
                  "--dsn", "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    assert out.returncode == 2 and "KEY one of the workload's settings (rows, orgs)" in out.stderr, out.stderr


def test_the_contention_workload_runs_under_pgbench_with_throughput_and_its_check(db, project_copy):
    without_thresholds(project_copy, "contention")
    out = bench_run(project_copy.root, db, "contention", "--duration", "1")
    assert out.returncode == 0, out.stderr  # its check: no overlap, one audit row per booking
    cases = json.loads(out.stdout)["cases"]
    assert {(c["case"], c["clients"]) for c in cases} == {
        (case, clients) for case in ("bare INSERT, disjoint staff", "book, disjoint staff", "book, all on 4 staff")
        for clients in (1, 4, 16)}
    assert all(c["runs"] > 0 and c["tps"] > 0 and len(c["distribution"]) == 101 for c in cases)
    assert {c["tps_ratio"] for c in cases if c["case"] == "bare INSERT, disjoint staff"} == {1.0}
    assert scratch_databases(db) == [(0,)]


def test_bench_all_runs_verify_lint_and_every_workload_in_one_report(db, project_copy):
    for workload in (project_copy.root / "bench").glob("*.yaml"):  # the project's own are big: one tiny one
        workload.unlink()
    (project_copy.root / "bench" / "tiny.yaml").write_text(
        "baseline: one\ncases:\n  one: SELECT 1\n  two: SELECT count(*) FROM public.appointments\n")
    out = pgsuite("--project", str(project_copy.root), "bench", "all", "--tables", "3", "--migrations", "2",
                  "--repeat", "1", "--targets", "2", "--format", "json", "--dsn", db, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert [m["case"] for m in report["verify"]] == [
        "schema", "schema + 3 tables", "pg_dump --schema-only, schema + 3 tables (process)",
        "pgsuite verify --no-scenarios, cold (process)", "pgsuite verify --no-scenarios, warm (process)",
        "pgTAP, schema + 3 tables"]
    assert report["lint"][0]["case"] == "project, cold" and len(report["lint"]) == 4
    assert [m["case"] for m in report["fleet"]] == ["2 single deploys, one after another", "fleet of 2, 8 at once"]
    assert [(w["workload"], [c["case"] for c in w["cases"]]) for w in report["workloads"]] == [("tiny", ["one", "two"])]
    assert scratch_databases(db) == [(0,)] and not (project_copy.root / "reports" / "runs").exists()
    (project_copy.root / "bench" / "broken.yaml").write_text("cases: {one: SELECT 1}\nbaseline: nope\n")
    out = pgsuite("--project", str(project_copy.root), "bench", "all", "--dsn", db)
    assert out.returncode == 2 and "broken.yaml:2: baseline: must name one of the cases" in out.stderr


def test_the_pgtap_baseline_runs_as_each_owner_kind(owned_db):
    """Debian's pgTAP needs no superuser: an owner that is not one (a managed service's) creates
    it in a database of its own and runs the baseline over the deployed schema."""
    kind, dsn = owned_db
    measured = bench._measure_pgtap("pgTAP, schema", dsn, 1, baseline_ms=1.0, pgsuite_ms=1.0)
    if not pgtap_available(dsn):
        assert measured.median_ms is None and "the server has no pgtap extension" in measured.note
    else:  # the deployed schema's own objects, every assertion held
        assert measured.objects > 500 and measured.median_ms > 0 and measured.note.startswith("pgTAP took "), kind


def test_a_pgbench_baseline_whose_median_latency_is_zero_is_compared_by_means():
    """pgbench's lazy clock logs 0 us for some sub-millisecond transactions (seen: SELECT 1 at 2
    clients, the median 0 under load): the ratio is then taken of the means, never a division by 0."""
    from pgsuite.bench.workload import Workload, _pgbench_ratio
    from pgsuite.errors import CheckFailed

    workload = Workload(name="w", folder=ROOT, cases={"one": "SELECT 1"}, baseline="one")
    assert _pgbench_ratio(workload, [2.0, 2.0, 2.0], [0.0, 0.0, 0.3]) == pytest.approx(2.0 / 0.1)
    assert _pgbench_ratio(workload, [2.0, 4.0, 6.0], [1.0, 2.0, 3.0]) == 2.0  # medians when they are not 0
    with pytest.raises(CheckFailed, match="logged 0 us for every transaction of the baseline 'one'"):
        _pgbench_ratio(workload, [1.0], [0.0, 0.0])
