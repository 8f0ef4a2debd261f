"""`pgsuite init` on a schema nobody here wrote (a film-rental store, tests/fixtures/schemas/
film_rental.sql), tried as a new user would (issue 22, item 5): verify right after init exits 0
and lists the schema's long-standing lint findings as pre-existing warnings, never as passes; a
new finding, or a drift, then fails naming it."""

import json

import psycopg
import pytest
from conftest import ADMIN_DSN
from helpers import pgsuite
from owners import create_database, database_dsn, drop_database, owner_name

from pathlib import Path

FILM_RENTAL = Path(__file__).parent / "fixtures" / "schemas" / "film_rental.sql"
OWNER = owner_name("postgres", ADMIN_DSN)
PRESENT = ["0001_duplicate_index", "0002_unindexed_foreign_key", "0007_definer_without_search_path",
           "0008_definer_executable_by_public"]


@pytest.fixture
def film_rental(tmp_path):
    name = create_database(ADMIN_DSN, OWNER, prefix="pgsuite_film")
    dsn = database_dsn(ADMIN_DSN, name, OWNER)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(FILM_RENTAL.read_text())
    root = tmp_path / "project"
    out = pgsuite("init", str(root), "--dsn", dsn)
    assert out.returncode == 0, out.stdout + out.stderr
    yield dsn, root
    drop_database(ADMIN_DSN, name)


def verify(root, dsn):
    return pgsuite("--project", str(root), "verify", "--dsn", dsn)


def test_verify_right_after_init_passes_and_lists_what_was_there_as_pre_existing_warnings(film_rental):
    dsn, root = film_rental
    config = (root / "verify" / "config.yaml").read_text()
    for lint in PRESENT:
        assert f"lint: {lint}," in config and 'reason: "present at init"' in config
    out = verify(root, dsn)
    assert out.returncode == 0, out.stdout
    for lint in PRESENT:
        assert f"WARN   lint.{lint}" in out.stdout  # a warning: never a pass
    assert "pre-existing: index idx_customer_last_name on customer is identical to idx_last_name (present at init)" \
        in out.stdout
    document = json.loads(pgsuite("--project", str(root), "verify", "--dsn", dsn, "--format", "json").stdout)
    statuses = {c["id"]: c["status"] for c in document["checks"]}
    assert [statuses[f"lint.{lint}"] for lint in PRESENT] == ["warn"] * len(PRESENT)


def test_a_finding_that_was_not_there_at_init_fails(film_rental):
    dsn, root = film_rental
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION staff_report() RETURNS SETOF staff LANGUAGE sql SECURITY DEFINER "
                     "AS 'SELECT * FROM staff'")
    out = verify(root, dsn)
    assert out.returncode == 1
    assert "FAIL   lint.0007_definer_without_search_path" in out.stdout, out.stdout
    assert "staff_report()" in out.stdout.split("FAIL   lint.0007_definer_without_search_path")[1].split("fix:")[0]
    assert "pre-existing: SECURITY DEFINER function rewards_report" in out.stdout  # still a warning, still there


def test_a_drift_after_init_fails_naming_it(film_rental):
    dsn, root = film_rental
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP INDEX idx_title")
    out = verify(root, dsn)
    assert out.returncode == 1
    assert "idx_title" in out.stdout
