"""verify on a schema nobody here designed (tests/fixtures/schemas/library.sql: two schemas,
partitions, inheritance, views, a materialized view, enums, domains, a composite type,
sequences, triggers, SQL and PL/pgSQL functions, a procedure, default privileges).

`pgsuite init` takes it up (a baseline migration, a first snapshot), verify passes on it and on
a database the baseline made from nothing, and every ordinary change made behind verify's back
fails, naming the object and the difference: one mutation per catalog kind at least.
"""

import shutil
from pathlib import Path

import psycopg
import pytest
from conftest import ADMIN_DSN
from helpers import pgsuite, query
from owners import create_database, database_dsn, drop_database, owner_name

from pgsuite.project import Project
from pgsuite.sql_lint.run import lint
from pgsuite.verify import kinds
from pgsuite.verify.run import verify

LIBRARY = Path(__file__).parent / "fixtures" / "schemas" / "library.sql"
OWNER = owner_name("postgres", ADMIN_DSN)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A database holding the library schema, taken up by `pgsuite init`: (its template, the project)."""
    name = create_database(ADMIN_DSN, OWNER, prefix="pgsuite_library")
    dsn = database_dsn(ADMIN_DSN, name, OWNER)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(LIBRARY.read_text())
    root = tmp_path_factory.mktemp("library") / "project"
    out = pgsuite("init", str(root), "--dsn", dsn)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "recorded as applied: 8 table(s), 4 function(s)" in out.stdout
    yield name, Project.at(root)
    drop_database(ADMIN_DSN, name)


@pytest.fixture
def library_copy(library):
    template, project = library
    name = create_database(ADMIN_DSN, OWNER, template=template, prefix="pgsuite_library")
    yield database_dsn(ADMIN_DSN, name, OWNER), project
    drop_database(ADMIN_DSN, name)


def catalog_failures(dsn: str, project: Project) -> list:
    results = verify(dsn, project.verify_dir, with_scenarios=False)
    return [c for c in results.checks if c.category == "catalog" and c.status in ("fail", "error")]


def test_init_then_verify_gives_no_false_failure(library_copy):
    dsn, project = library_copy
    assert catalog_failures(dsn, project) == []
    out = pgsuite("--project", str(project.root), "verify", "--dsn", dsn)
    assert out.returncode == 0, out.stdout  # the lints that need project settings are "not run", said so
    assert "NOT RUN  lint.0014_security_definer_view" in out.stdout and "not run: needs project.api_roles" in out.stdout


def test_the_baseline_makes_the_same_schema_on_an_empty_database(library, tmp_path):
    _, project = library
    copy = tmp_path / "project"
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("reports"))
    name = create_database(ADMIN_DSN, OWNER, prefix="pgsuite_library")
    try:
        out = pgsuite("--project", str(copy), "deploy", "--dsn", database_dsn(ADMIN_DSN, name, OWNER))
        assert out.returncode == 0, out.stdout + out.stderr
        assert "applied 0001_baseline" in out.stdout
        # pg_dump's --clean statements are the rollback, all of them; the baseline only makes things
        baseline = (copy / "migrations" / "0001_baseline.sql").read_text()
        undo = (copy / "migrations" / "0001_baseline.rollback.sql").read_text()
        assert "DROP " not in baseline.upper().replace("DROP DEFAULT", "")
        assert undo.count("DROP TABLE IF EXISTS") == 8 and "DROP SCHEMA IF EXISTS lending" in undo
        # the gate passed it: what it would refuse in a pre-existing schema, init accepted with the reason
        config = (copy / "verify" / "config.yaml").read_text()
        assert 'object: "migrations/0001_baseline.sql:*"' in config and "when `pgsuite init` ran" in config
    finally:
        drop_database(ADMIN_DSN, name)


def test_init_writes_lint_settings_that_say_why_each_rule_is_off_and_lint_is_quiet_with_them(library):
    _, project = library
    squawk_toml, sqlfluff = (project.root / ".squawk.toml").read_text(), (project.root / ".sqlfluff").read_text()
    assert "pgsuite lint --rules" in squawk_toml and 'pg_version = "' in squawk_toml
    assert "exclude_rules = LT01, LT02, LT05" in sqlfluff and "would change its checksum" in sqlfluff
    results = lint(project)
    rules = {f.rule for c in results.checks for f in c.findings}
    assert not rules & {"squawk.require-lock-timeout", "squawk.require-statement-timeout", "sqlfluff.LT01",
                        "sqlfluff.LT02", "sqlfluff.LT05", "sqlfluff.CP01", "sqlfluff.RF04"}, rules
    assert results.passed  # what the gate refuses in the schema as it was, init accepted with the reason


def test_init_refuses_to_rewrite_a_project(library, tmp_path):
    _, project = library
    out = pgsuite("init", str(project.root), "--dsn", database_dsn(ADMIN_DSN, library[0], OWNER))
    assert out.returncode == 2 and "init starts a project, it never rewrites one" in out.stderr


def test_init_refuses_a_database_a_project_deploys_and_writes_nothing(library, db, tmp_path):
    for dsn in (db, database_dsn(ADMIN_DSN, library[0], OWNER)):  # the booking schema's; init's own
        out = pgsuite("init", str(tmp_path / "new"), "--dsn", dsn)
        assert out.returncode == 2 and "already has pgsuite's migration ledger" in out.stderr, out.stderr
        assert not (tmp_path / "new").exists()


def test_init_on_an_unknown_schema_or_an_unreachable_server_writes_nothing(tmp_path):
    name = create_database(ADMIN_DSN, OWNER, prefix="pgsuite_library")  # no project deploys it
    try:
        out = pgsuite("init", str(tmp_path / "new"), "--dsn", database_dsn(ADMIN_DSN, name, OWNER), "--schema", "nope")
        assert out.returncode == 2 and "no schema nope in" in out.stderr, out.stderr
        assert query(database_dsn(ADMIN_DSN, name, OWNER), "SELECT to_regnamespace('pgsuite')") == [(None,)]
    finally:
        drop_database(ADMIN_DSN, name)
    out = pgsuite("init", str(tmp_path / "new"), "--dsn", "host=127.0.0.1 port=1 connect_timeout=2")
    assert out.returncode == 3, out.stderr
    assert not (tmp_path / "new").exists()


MUTATIONS = [
    # (kind, change made behind verify's back, fragments of the failure that names object and difference)
    ("views", "CREATE OR REPLACE VIEW lending.active_loans WITH (security_barrier = true) AS"
              " SELECT l.id, l.book_id, l.member_id, l.due_at FROM lending.loans AS l"
              " WHERE l.returned_at IS NULL AND l.due_at < current_date",
     ["catalog.view.lending.active_loans", "view active_loans: definition differs:",
      # a unified diff of the two texts (PostgreSQL 15 qualifies the columns: l.returned_at)
      "--- expected\n    +++ found", "returned_at IS NULL;\n    +  WHERE ", "due_at < CURRENT_DATE;"]),
    ("views", "DROP VIEW catalog.books_by_author",
     ["catalog.view.catalog.books_by_author", "view books_by_author: expected, found none"]),
    ("views", "DROP MATERIALIZED VIEW lending.loans_per_book",
     ["catalog.view.lending.loans_per_book", "view loans_per_book: expected, found none"]),
    ("views", "ALTER VIEW lending.active_loans RESET (security_barrier)",
     ["view active_loans: expected options [security_barrier=true], found []"]),
    ("types", "ALTER TYPE catalog.format ADD VALUE 'audiobook'",
     ["catalog.type.catalog.format",
      "type format: expected labels [hardcover, paperback, ebook], found [hardcover, paperback, ebook, audiobook]"]),
    ("types", "ALTER DOMAIN catalog.isbn DROP CONSTRAINT isbn_check",
     ["catalog.type.catalog.isbn", "type isbn: expected constraints {isbn_check: CHECK (VALUE ~ '^[0-9]{13}$'::text)}"
                                   ", found {}"]),
    ("types", "ALTER DOMAIN lending.positive_days SET DEFAULT 21",
     ["type positive_days: expected default 14, found 21"]),
    ("types", "ALTER TYPE lending.period ADD ATTRIBUTE note text",
     ["type period: expected attributes [starts date, ends date], found [starts date, ends date, note text]"]),
    ("tables", "ALTER TABLE lending.loans DETACH PARTITION lending.loans_2025",
     ["catalog.table.lending.loans_2025.partitioning", "table loans_2025: expected partition_of lending.loans, found none"]),
    ("tables", "ALTER TABLE lending.overdue_events NO INHERIT lending.events",
     ["table overdue_events: expected inherits [lending.events], found none"]),
    ("sequences", "ALTER SEQUENCE catalog.ticket_seq INCREMENT BY 5",
     ["catalog.sequence.catalog.ticket_seq", "sequence ticket_seq: expected increment 1, found 5"]),
    ("sequences", "ALTER SEQUENCE catalog.ticket_seq OWNED BY catalog.books.pages",
     ["sequence ticket_seq: expected owned_by none, found catalog.books.pages"]),
    ("functions", "CREATE OR REPLACE FUNCTION lending.days_overdue(p_due date, p_returned date) RETURNS integer"
                  " LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 0; END $$",
     ["catalog.function.lending.days_overdue(date, date)", "function days_overdue(date, date): body differs:",
      "-    RETURN greatest(coalesce(p_returned, current_date) - p_due, 0);", "+BEGIN RETURN 0; END"]),
    ("functions", "ALTER FUNCTION catalog.normalise_title(text) VOLATILE",
     ["function normalise_title(text): expected volatility immutable, found volatile"]),
    ("functions", "GRANT EXECUTE ON PROCEDURE lending.close_year(integer) TO library_reader",
     ["function close_year(integer): expected execute [PUBLIC], found [PUBLIC, library_reader]"]),
    ("triggers", "DROP TRIGGER loans_check_return ON lending.loans_2025",
     ["catalog.table.lending.loans_2025.triggers", "trigger loans_check_return: expected, found none"]),
    ("triggers", "ALTER TABLE lending.loans_2025 DISABLE TRIGGER loans_check_return",
     ["trigger loans_check_return: expected enabled origin (fires as usual), found disabled"]),
    ("columns", "ALTER TABLE catalog.books ALTER COLUMN format SET DEFAULT 'ebook'",
     ["catalog.table.catalog.books.columns", "column format: expected default 'paperback'::catalog.format, found"]),
    ("columns", "ALTER TABLE lending.members ALTER COLUMN email TYPE text COLLATE \"C\"",
     ["catalog.table.lending.members.columns", "column email: expected collation the type's own, found \"C\""]),
    ("columns", "ALTER TABLE catalog.books DROP COLUMN title_lower,"
                " ADD COLUMN title_lower text GENERATED ALWAYS AS (upper(title)) STORED",
     ["column title_lower: expected generated lower(title), found upper(title)"]),
    ("indexes", "DROP INDEX catalog.books_title_pattern;"
                " CREATE INDEX books_title_pattern ON catalog.books (title text_pattern_ops) WHERE pages > 10",
     ["catalog.table.catalog.books.indexes", "index books_title_pattern: definition differs:",
      "+CREATE INDEX books_title_pattern ON catalog.books USING btree (title text_pattern_ops) WHERE (pages > 10)"]),
    ("indexes", "DROP INDEX catalog.books_title_pattern;"
                " CREATE INDEX books_title_pattern ON catalog.books (title) WHERE pages > 0",
     ["index books_title_pattern: definition differs:",
      "-CREATE INDEX books_title_pattern ON catalog.books USING btree (title text_pattern_ops) WHERE (pages > 0)"]),
    ("constraints", "ALTER TABLE lending.loans DROP CONSTRAINT loans_due_after_lent",
     ["constraint loans_due_after_lent: expected, found none"]),
    ("constraints", "ALTER TABLE lending.members DROP CONSTRAINT members_email_key,"
                    " ADD CONSTRAINT members_email_key UNIQUE (email)",
     ["constraint members_email_key: expected deferrable initially deferred, found not deferrable"]),
    ("constraints", "ALTER TABLE catalog.authors DROP CONSTRAINT authors_born_check,"
                    " ADD CONSTRAINT authors_born_check CHECK (born > 1000) NOT VALID",
     ["constraint authors_born_check: expected valid true (validated), found false"]),
    ("tables", "GRANT INSERT ON catalog.books TO library_reader",
     ["catalog.table.catalog.books.privileges",
      "table books: grants to library_reader: expected [SELECT], found [INSERT, SELECT]"]),
    ("schemas", "GRANT CREATE ON SCHEMA catalog TO library_reader",
     ["catalog.schema.catalog", "schema catalog: grants to library_reader: expected [USAGE], found [CREATE, USAGE]"]),
    ("schemas", "CREATE SCHEMA shadow",
     ["catalog.drift.schemas", "schema shadow: found, not declared"]),
    ("default_privileges", "ALTER DEFAULT PRIVILEGES IN SCHEMA catalog GRANT INSERT ON TABLES TO library_reader",
     ["default privileges postgres in catalog: tables: grants to library_reader: expected [SELECT], "
      "found [INSERT, SELECT]"]),
    ("publications", "CREATE PUBLICATION library_changes FOR TABLE catalog.books",
     ["catalog.drift.publications", "publication library_changes: found, not declared"]),
    ("event_triggers", "CREATE EVENT TRIGGER library_ddl ON ddl_command_end EXECUTE FUNCTION lending.stamp_ddl()",
     ["catalog.drift.event_triggers", "event trigger library_ddl: found, not declared"]),
    ("extensions", "CREATE EXTENSION citext SCHEMA public",
     ["catalog.drift.extensions", "extension citext: found, not declared"]),
    # what pg_dump --schema-only prints and verify once passed over (issue 23)
    ("columns", "ALTER TABLE catalog.books ALTER COLUMN title SET STATISTICS 500",
     ["column title: expected statistics the default target, found 500"]),
    ("columns", "ALTER TABLE catalog.books ALTER COLUMN title SET STORAGE EXTERNAL",
     ["column title: expected storage the type's own, found external"]),
    ("columns", "ALTER TABLE catalog.books ALTER COLUMN title SET COMPRESSION pglz",
     ["column title: expected compression the default, found pglz"]),
    ("columns", "GRANT UPDATE (title) ON catalog.books TO library_reader",
     ["column title: grants to library_reader: expected [], found [UPDATE]"]),
    ("columns", "COMMENT ON COLUMN catalog.books.title AS 'as printed'".replace(" AS ", " IS "),
     ["column title: expected comment none, found as printed"]),
    ("constraints", "ALTER TABLE lending.loans DROP CONSTRAINT loans_member_id_fkey,"
                    " ADD CONSTRAINT loans_member_id_fkey FOREIGN KEY (member_id) REFERENCES lending.members (id)"
                    " MATCH FULL",
     ["constraint loans_member_id_fkey: expected match simple, found full"]),
    ("functions", "ALTER FUNCTION catalog.normalise_title(text) STRICT PARALLEL SAFE COST 7 LEAKPROOF",
     ["function normalise_title(text): expected strict false, found true",
      "function normalise_title(text): expected parallel unsafe, found safe",
      "function normalise_title(text): expected cost the default (100; 1 for C), found 7.0",
      "function normalise_title(text): expected leakproof false, found true"]),
    ("functions", "GRANT EXECUTE ON FUNCTION catalog.normalise_title(text) TO library_reader WITH GRANT OPTION",
     ["library_reader WITH GRANT OPTION"]),
    ("tables", "GRANT SELECT ON catalog.books TO library_reader WITH GRANT OPTION",
     ["table books: grants to library_reader: expected [SELECT], found [SELECT WITH GRANT OPTION]"]),
    ("tables", "ALTER TABLE lending.events SET UNLOGGED",
     ["catalog.table.lending.events.properties", "table events: expected persistence logged, found unlogged"]),
    ("tables", "ALTER TABLE catalog.books REPLICA IDENTITY FULL",
     ["table books: expected replica_identity default (the primary key), found full"]),
    ("tables", "ALTER TABLE catalog.books SET (fillfactor = 70, autovacuum_enabled = false)",
     ["table books: expected options none, found [fillfactor=70, autovacuum_enabled=false]"]),
    ("tables", "ALTER TABLE catalog.books CLUSTER ON books_author",
     ["table books: expected clustered_on none, found books_author"]),
    ("tables", "COMMENT ON TABLE catalog.books IS 'the books'",
     ["table books: expected comment none, found the books"]),
    ("indexes", "COMMENT ON INDEX catalog.books_author IS 'by author'",
     ["index books_author: expected comment none, found by author"]),
    ("functions", "COMMENT ON FUNCTION catalog.normalise_title(text) IS 'trims'",
     ["function normalise_title(text): expected comment none, found trims"]),
    ("rules", "CREATE RULE books_no_delete AS ON DELETE TO catalog.books DO INSTEAD NOTHING",
     ["catalog.drift.catalog.rules", "rule books_no_delete on books: found, not declared"]),
    ("statistics", "CREATE STATISTICS catalog.books_stats (dependencies) ON author_id, format FROM catalog.books",
     ["catalog.drift.catalog.statistics", "statistics object books_stats: found, not declared"]),
    ("collations", "CREATE COLLATION catalog.plain (provider = libc, locale = 'C')",
     ["catalog.drift.catalog.collations", "collation plain: found, not declared"]),
    ("operators", "CREATE OPERATOR catalog.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq)",
     ["catalog.drift.catalog.operators", "operator ===(text, text): found, not declared"]),
    ("operator_families", "CREATE OPERATOR FAMILY catalog.text_ops2 USING btree",
     ["catalog.drift.catalog.operator_families", "operator family text_ops2 using btree: found, not declared"]),
    ("operator_classes", "CREATE OPERATOR CLASS catalog.text_ops3 FOR TYPE text USING hash AS"
                         " OPERATOR 1 = (text, text), FUNCTION 1 hashtext(text)",
     ["catalog.drift.catalog.operator_classes", "operator class text_ops3 using hash: found, not declared"]),
    ("text_search_dictionaries", "CREATE TEXT SEARCH DICTIONARY catalog.simple2 (TEMPLATE = simple, STOPWORDS = english)",
     ["catalog.drift.catalog.text_search_dictionaries", "text search dictionary simple2: found, not declared"]),
    ("text_search_configurations", "CREATE TEXT SEARCH CONFIGURATION catalog.titles (COPY = english)",
     ["catalog.drift.catalog.text_search_configurations", "text search configuration titles: found, not declared"]),
    ("text_search_parsers", "CREATE TEXT SEARCH TEMPLATE catalog.simple_copy (LEXIZE = dsimple_lexize)",
     ["catalog.drift.catalog.text_search_parsers", "text search parser or template template simple_copy: found"]),
    ("conversions", "CREATE CONVERSION catalog.latin_to_utf8 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8",
     ["catalog.drift.catalog.conversions", "conversion latin_to_utf8: found, not declared"]),
    ("casts", "CREATE CAST (catalog.format AS integer) WITH INOUT",
     ["catalog.drift.casts", "cast catalog.format AS integer: found, not declared"]),
    ("foreign_data_wrappers", "CREATE FOREIGN DATA WRAPPER library_files",
     ["catalog.drift.foreign_data_wrappers", "foreign-data wrapper library_files: found, not declared"]),
    ("foreign_servers", "CREATE FOREIGN DATA WRAPPER library_files; CREATE SERVER archive FOREIGN DATA WRAPPER library_files",
     ["catalog.drift.foreign_servers", "foreign server archive: found, not declared"]),
    ("user_mappings", "CREATE FOREIGN DATA WRAPPER library_files; CREATE SERVER archive FOREIGN DATA WRAPPER library_files;"
                      " CREATE USER MAPPING FOR library_reader SERVER archive",
     ["catalog.drift.user_mappings", "user mapping library_reader on archive: found, not declared"]),
    ("foreign_tables", "CREATE FOREIGN DATA WRAPPER library_files; CREATE SERVER archive FOREIGN DATA WRAPPER library_files;"
                       " CREATE FOREIGN TABLE catalog.old_books (id bigint) SERVER archive",
     ["catalog.drift.catalog.foreign_tables", "foreign table old_books: found, not declared"]),
    ("languages", "CREATE LANGUAGE plpgsql2 HANDLER plpgsql_call_handler",
     ["catalog.drift.languages", "language plpgsql2: found, not declared"]),
    ("access_methods", "CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler",
     ["catalog.drift.access_methods", "access method heap2: found, not declared"]),
    ("transforms", "CREATE TYPE catalog.pair AS (a int, b int);"
                   " CREATE TRANSFORM FOR catalog.pair LANGUAGE sql (FROM SQL WITH FUNCTION prsd_lextype(internal))",
     ["catalog.drift.transforms", "transform catalog.pair for sql: found, not declared"]),
]
EVENT_FUNCTION = ("CREATE FUNCTION lending.stamp_ddl() RETURNS event_trigger LANGUAGE plpgsql"
                  " AS $$ BEGIN NULL; END $$")


@pytest.mark.parametrize("kind,sql,fragments", MUTATIONS, ids=[f"{m[0]}: {m[1][:48]}" for m in MUTATIONS])
def test_a_change_behind_verifys_back_fails_naming_object_and_difference(library_copy, kind, sql, fragments):
    dsn, project = library_copy
    if "stamp_ddl" in sql:
        query(dsn, EVENT_FUNCTION)
    query(dsn, sql.replace("postgres in catalog", f"{OWNER} in catalog"))
    failures = catalog_failures(dsn, project)
    text = "\n".join(f"{c.id}\n{c.detail}" for c in failures)
    for fragment in fragments:
        fragment = fragment.replace("postgres in catalog", f"{OWNER} in catalog")
        assert fragment in text, f"{fragment!r} not in:\n{text}"


def test_every_kind_has_a_mutation_here_or_in_the_booking_schemas_tests():
    # roles: the test above; policies (and RLS flags): test_verify.py's mutations of the booking schema
    covered = {m[0] for m in MUTATIONS} | {"roles", "policies"}
    assert {k.name for k in kinds.all_kinds()} <= covered


def test_a_role_changed_behind_verifys_back_fails_naming_it(library_copy):
    # roles are cluster-wide: the change is undone whatever happens, for the tests that follow
    dsn, project = library_copy
    query(dsn, "ALTER ROLE library_reader LOGIN BYPASSRLS")
    try:
        failures = catalog_failures(dsn, project)
    finally:
        query(dsn, "ALTER ROLE library_reader NOLOGIN NOBYPASSRLS")
    assert [c.id for c in failures] == ["catalog.role.library_reader"]
    assert "role library_reader: expected login false, found true" in failures[0].detail
    assert "role library_reader: expected bypassrls false, found true" in failures[0].detail


def settings_copy(project: Project, tmp_path, settings: str):
    """The project's verify folder, copied, with one more file of settings (files merge)."""
    folder = tmp_path / "verify"
    shutil.copytree(project.verify_dir, folder)
    (folder / "settings.yaml").write_text(settings)
    return folder


def test_an_attribute_left_out_by_the_settings_is_not_compared_and_said_so(library_copy, tmp_path):
    dsn, project = library_copy
    query(dsn, "ALTER TABLE catalog.books ALTER COLUMN title SET STATISTICS 500;"
               " ALTER FUNCTION catalog.normalise_title(text) COST 7")
    folder = settings_copy(project, tmp_path, "settings:\n  not_compared: [columns.statistics]\n")
    results = verify(dsn, folder, with_scenarios=False)
    failing = {c.id: c.detail for c in results.checks if c.status == "fail"}
    assert list(failing) == ["catalog.function.catalog.normalise_title(text)"], failing  # the cost still is
    [left_out] = [c for c in results.checks if c.id == "catalog.not_compared"]
    assert left_out.status == "skip" and "not compared: columns.statistics" in left_out.detail


def test_a_comment_in_a_function_body_is_drift_unless_bodies_are_normalised(library_copy, tmp_path):
    dsn, project = library_copy
    [(body,)] = query(dsn, "SELECT prosrc FROM pg_proc WHERE proname = 'days_overdue'")
    query(dsn, "CREATE OR REPLACE FUNCTION lending.days_overdue(p_due date, p_returned date) RETURNS integer"
               " LANGUAGE plpgsql STABLE AS $$" + body.replace("RETURN", "-- counted in days\n    RETURN") + "$$")
    assert [c.id for c in catalog_failures(dsn, project)] == ["catalog.function.lending.days_overdue(date, date)"]
    [failure] = catalog_failures(dsn, project)
    assert "+    -- counted in days" in failure.detail and failure.definitions[0].found.count("counted in days") == 1
    folder = settings_copy(project, tmp_path, "settings:\n  function_bodies: normalised\n")
    results = verify(dsn, folder, with_scenarios=False)
    assert [c.id for c in results.checks if c.category == "catalog" and c.status == "fail"] == []
    [said] = [c for c in results.checks if c.id == "catalog.not_compared"]
    assert said.status == "skip" and "function bodies compared normalised" in said.detail


def test_an_unknown_attribute_in_not_compared_exits_2_naming_it(library_copy, tmp_path):
    dsn, project = library_copy
    folder = settings_copy(project, tmp_path, "settings:\n  not_compared: [columns.nope]\n")
    shutil.copy(folder / "settings.yaml", project.verify_dir / "settings.yaml")
    try:
        out = pgsuite("--project", str(project.root), "verify", "--dsn", dsn)
    finally:
        (project.verify_dir / "settings.yaml").unlink()
    assert out.returncode == 2 and "settings.yaml:2" in out.stderr and "columns.nope" in out.stderr, out.stderr
