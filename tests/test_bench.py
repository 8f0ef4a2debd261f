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
