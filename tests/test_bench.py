"""`pgsuite bench verify` runs end to end on a small scale and cleans up its scratch database.
(The figures themselves are read from a real `pgsuite bench` run, never asserted here.)"""

import json

from helpers import ROOT, pgsuite, query

from pgsuite.verify import kinds
from pgsuite.verify.compare import _areas as areas


def test_bench_verify_reports_ratios_and_drops_its_scratch_database(db):
    out = pgsuite("--project", str(ROOT), "bench", "verify", "--tables", "20", "--repeat", "1", "--format", "json",
                  "--dsn", db)
    assert out.returncode == 0, out.stderr
    baseline, grown = json.loads(out.stdout)
    assert baseline["case"] == "schema" and baseline["ratio"] == 1.0
    per_table = len(areas(kinds.by_name("tables")))  # one catalog check per area of a table
    assert grown["case"] == "schema + 20 tables" and grown["objects"] == baseline["objects"] + 20 * per_table
    assert query(db, "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgsuite_bench_%%'") == [(0,)]


def test_a_project_without_its_own_table_generator_is_measured_with_generic_tables(db, project_copy):
    # the booking schema's tenant-table shape lives in its verify/bench_tables.sql, not in the tool
    (project_copy.root / "verify" / "bench_tables.sql").unlink()
    out = pgsuite("--project", str(project_copy.root), "bench", "verify", "--tables", "5", "--repeat", "1",
                  "--format", "json", "--dsn", db)
    assert out.returncode == 0, out.stderr
    baseline, grown = json.loads(out.stdout)
    per_table = len(areas(kinds.by_name("tables"))) + 1  # and one check of its identity sequence
    assert grown["objects"] == baseline["objects"] + (5 + 1) * per_table  # and their parent table


def test_bench_lint_times_cold_and_warm_on_copies_and_leaves_the_project_alone(project_copy):
    out = pgsuite("--project", str(project_copy.root), "bench", "lint", "--migrations", "3", "--repeat", "1",
                  "--format", "json")
    assert out.returncode == 0, out.stderr
    cases = json.loads(out.stdout)
    assert [c["case"] for c in cases] == ["project, cold", "project, warm", "project + 3 migrations, cold",
                                          "project + 3 migrations, warm"]
    assert cases[0]["ratio"] == 1.0 and all(len(c["runs"]) == 1 and c["median_ms"] > 0 for c in cases)
    assert not (project_copy.root / ".pgsuite" / "cache").exists()
    assert not list(project_copy.migrations_dir.glob("*_bench_*.sql"))
