"""verify sees what pg_dump --schema-only sees, and nothing else (issue 23): random catalog changes
drawn from a grammar of every kind and attribute (tests/catalog_changes.py) are made, one per
case, to a database holding every kind (tests/fixtures/schemas/every_kind.sql) and undone after.
For each: if pg_dump's output differs from the fixture's, verify (against a snapshot of the
fixture) fails naming the object; if it does not, verify passes. hypothesis draws them and
shrinks a failing one to the smallest change. Cases per server: PGSUITE_TEST_DRIFT_EXAMPLES
(default 400). The pass is not vacuous: with a kind taken out of verify, the same test fails.
"""

import difflib
import os
import subprocess

import psycopg
import pytest
from catalog_changes import OTHER, READER, TABLESPACE, Change, changes, kinds_changed
from conftest import ADMIN_DSN
from hypothesis import HealthCheck, given, settings
from owners import create_database, database_dsn, drop_database, owner_name

from pgsuite import db, server
from pgsuite.verify import catalog, compare, expectations, kinds, snapshot

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "schemas", "every_kind.sql")
EXAMPLES = int(os.environ.get("PGSUITE_TEST_DRIFT_EXAMPLES", "400"))
OWNER = owner_name("postgres", ADMIN_DSN)  # the server's superuser: a parser, a language need one


class Fixture:
    def __init__(self, dsn: str, expected: expectations.Expectations):
        self.dsn = dsn
        self.expected = expected
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.pg_dump = str(server.pg_dump_for(self.conn.info.server_version))
        self.dump = dump(dsn, self.pg_dump)
        self.document = self.catalog().document

    def catalog(self):
        return catalog.read(self.conn, self.expected.exclude_schemas)


def start_dump(dsn: str, program: str) -> subprocess.Popen:
    """pg_dump --schema-only, started: verify reads the catalog meanwhile (two cores)."""
    return subprocess.Popen([program, "--schema-only", "--dbname", dsn], env=db.client_environment(dsn),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def dumped(process: subprocess.Popen) -> list[str]:
    """Its output without comments and the per-run \\restrict key (pg_dump 18)."""
    out, err = process.communicate()
    assert process.returncode == 0, err
    return [line for line in out.splitlines()
            if line.strip() and not line.startswith("--") and not line.startswith(("\\restrict", "\\unrestrict"))]


def dump(dsn: str, program: str) -> list[str]:
    return dumped(start_dump(dsn, program))


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory):
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for role in (READER, OTHER):  # the cluster's: made once, kept
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                conn.execute(f"CREATE ROLE {role} NOLOGIN")
        if not conn.execute("SELECT 1 FROM pg_tablespace WHERE spcname = %s", [TABLESPACE]).fetchone():
            conn.execute("SET allow_in_place_tablespaces = on")  # inside the data folder: no directory to make
            conn.execute(f"CREATE TABLESPACE {TABLESPACE} LOCATION ''")
    name = create_database(ADMIN_DSN, OWNER, prefix="pgsuite_every_kind")
    dsn = database_dsn(ADMIN_DSN, name, OWNER)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET client_min_messages = error")  # wal_level is not logical: the publication says so
        conn.execute(open(FIXTURE).read())
    folder = tmp_path_factory.mktemp("every_kind")
    (folder / "schema.yaml").write_text(snapshot.snapshot(dsn))
    fixture = Fixture(dsn, expectations.load(folder))
    yield fixture
    fixture.conn.close()
    drop_database(ADMIN_DSN, name)


def failing(fixture: Fixture) -> list:
    results = compare.compare(fixture.expected, fixture.catalog())
    return [r for r in results if r.status in ("fail", "error", "warn")]


def check(fixture: Fixture, change: Change) -> None:
    """The property, for one change: made, judged, undone (and the undoing checked)."""
    fixture.conn.execute(change.do)
    try:
        process = start_dump(fixture.dsn, fixture.pg_dump)
        found = failing(fixture)
        after = dumped(process)
        said = "\n".join(f"{r.id}: {r.detail}" for r in found)
        if after != fixture.dump:
            shown = "\n".join(list(difflib.unified_diff(fixture.dump, after, lineterm="", n=0))[2:12])
            assert found, f"pg_dump shows a difference but verify passes:\n{shown}"
            assert change.name in said, f"verify did not name {change.name!r}:\n{said}"
        else:
            assert not found, f"pg_dump shows no difference but verify fails:\n{said}"
    finally:
        fixture.conn.execute(change.undo)
    assert fixture.catalog().document == fixture.document, f"the grammar's undo of {change} left a difference"


def test_the_fixture_verifies_as_snapshotted(every_kind):
    assert failing(every_kind) == []
    live = every_kind.document
    for kind in kinds.all_kinds():  # the fixture holds every kind verify reads (roles are the cluster's)
        if kind.name == "roles":
            continue
        held = live.get(kind.name) if kind.level == "database" else (
            live["schemas"]["pk"].get(kind.name) if kind.level == "schemas" else
            {t: s for t, s in live["schemas"]["pk"]["tables"].items() if s.get(kind.name)})
        assert held or kind.name == "extensions", f"the fixture has no {kind.name}"


def test_the_grammar_changes_every_kind_verify_reads():
    assert {k.name for k in kinds.all_kinds()} - {"roles", "extensions"} <= kinds_changed()


def test_verify_fails_exactly_when_pg_dump_shows_a_difference(every_kind):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(changes())
    def property_holds(change):
        check(every_kind, change)

    property_holds()


@pytest.mark.parametrize("removed", ["rules", "statistics", "casts", "columns"])
def test_the_property_fails_when_verify_stops_reading_a_kind(every_kind, monkeypatch, removed):
    kept = tuple(k for k in kinds.all_kinds() if k.name != removed)
    monkeypatch.setattr(kinds, "all_kinds", lambda: kept)
    every_kind.document = every_kind.catalog().document  # what verify reads now, without that kind

    @settings(max_examples=30, deadline=None, database=None, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(changes({removed}))
    def property_holds(change):
        check(every_kind, change)

    try:
        with pytest.raises(AssertionError, match="pg_dump shows a difference but verify passes"):
            property_holds()
    finally:
        monkeypatch.undo()
        every_kind.document = every_kind.catalog().document
