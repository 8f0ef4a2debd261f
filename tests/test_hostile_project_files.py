"""Project files as a hostile pull request would bring them: none of them may run SQL the gate did
not judge, escape a scenario's transaction, run the checkout's Python, leak a secret, crash
pgsuite, reach a file outside the project, or put live HTML in the report. Each attack, as the
round-3 security issue reported it, and what stops it."""

import hashlib
import importlib.util
import marshal
import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import pgsuite.verify.scenarios as scenarios_module
from helpers import pgsuite, query
from pgsuite.migrate import files as migration_files
from pgsuite.redact import secrets

HEADER = "-- depends: 0009_validate_input_limits\n"
# with standard_conforming_strings off, the server reads the DROP as a statement; PostgreSQL's
# parser with the defaults (what pgsuite judges with) reads it as part of a string
HIDDEN_DROP = ("SET LOCAL standard_conforming_strings = off;\n"
               "SELECT 'a\\' AS x, ' ; DROP TABLE public.services; SELECT ''' AS y;\n")


def migration(project, text, name="0010_hostile"):
    (project.migrations_dir / f"{name}.sql").write_text(HEADER + text)
    (project.migrations_dir / f"{name}.rollback.sql").write_text("SELECT 1;\n")


def scenario(project, text, name="0099_hostile.sql"):
    (project.root / "verify" / "scenarios" / name).write_text(text)


def services_exist(dsn) -> bool:
    return query(dsn, "SELECT to_regclass('public.services') IS NOT NULL")[0][0]


# --- 10. the gate reads what the server will run ---------------------------------------------

@pytest.mark.parametrize("text", [
    HIDDEN_DROP,
    "SELECT set_config('standard_conforming_strings', 'off', true);\nSELECT 1;\n",
    "DO $$ BEGIN PERFORM set_config('backslash_quote', 'on', false); END $$;\nSELECT 1;\n",
    "RESET ALL;\nSELECT 1;\n",
], ids=["set-local", "set_config", "in-a-do-block", "reset-all"])
def test_a_migration_that_changes_how_sql_is_read_is_refused_even_with_allow_unsafe(db, project_copy, text):
    migration(project_copy, text)
    lint = pgsuite("--project", str(project_copy.root), "lint")
    assert lint.returncode == 1 and "M017_session_state_hides_sql" in lint.stdout, lint.stdout
    for extra in ([], ["--allow-unsafe", "the reviewer said so"]):
        out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db, *extra)
        assert out.returncode == 2, out.stdout + out.stderr
        assert "0010_hostile.sql" in out.stderr and "refused" in out.stderr
    assert services_exist(db)
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = '0010_hostile'") == [(0,)]


def test_transaction_control_in_a_one_transaction_migration_is_an_error(project_copy):
    migration(project_copy, "CREATE TABLE public.a (id int);\nCOMMIT;\nBEGIN;\nDROP TABLE public.services;\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 1 and "COMMIT inside a file that runs in one transaction" in out.stdout


def test_a_split_that_differs_from_postgresqls_parser_is_refused(tmp_path, monkeypatch):
    """yoyo's splitter (sqlparse) against PostgreSQL's parser: if they ever disagree on where a
    statement ends, the file is refused rather than run as yoyo splits it."""
    path = tmp_path / "0001_x.sql"
    path.write_text("SELECT 'a; b';\nSELECT 2;\n")
    monkeypatch.setattr(migration_files, "_yoyo_split", lambda _: ({}, ["SELECT 'a;", "b';", "SELECT 2;"]))
    with pytest.raises(Exception) as refused:
        migration_files.parse_statements(path, path.read_bytes())
    assert "PostgreSQL's parser refuses" in str(refused.value)


# --- 11. the scenario guard ---------------------------------------------------------------------

@pytest.mark.parametrize("where,text,why", [
    ("_setup.sql", HIDDEN_DROP + "COMMIT; BEGIN;\n", "changes standard_conforming_strings"),
    ("0099_hostile.sql", "SELECT 1;\nCOMMIT;\nBEGIN;\n", "transaction control"),
    ("0099_hostile.sql", "SELECT dblink_exec('dbname=postgres', 'DROP TABLE public.services');\n",
     "calls dblink_exec()"),
    ("0099_hostile.sql", "DO $$ BEGIN PERFORM dblink_exec('dbname=postgres', 'SELECT 1'); END $$;\n",
     "calls dblink_exec()"),
    ("0099_hostile.sql", "SET LOCAL statement_timeout = 0;\nLOCK TABLE public.appointments;\nSELECT pg_sleep(60);\n",
     "changes statement_timeout"),
    ("0099_hostile.sql", "DO $$ BEGIN PERFORM set_config('statement_timeout', '0', true); END $$;\n",
     "changes statement_timeout"),
    ("0099_hostile.sql", "SELECT pg_advisory_lock(42);\n", "calls pg_advisory_lock()"),
    ("0099_hostile.sql", "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pgsuite-owned';\n", "COPY to or from a file"),
    ("0099_hostile.sql", "DO $$ DECLARE q text := 'DROP TABLE public.services'; BEGIN EXECUTE q; END $$;\n",
     "SQL built at run time"),
], ids=["setup-hides-commit", "commit", "dblink", "dblink-in-do", "timeout-lifted", "timeout-by-set_config",
        "session-lock", "copy-to-program", "dynamic-sql"])
def test_a_scenario_that_reaches_past_its_transaction_is_refused(db, project_copy, where, text, why):
    scenario(project_copy, text, where)
    out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db)
    assert out.returncode == 2, out.stdout + out.stderr
    assert why in out.stderr and where in out.stderr, out.stderr
    assert services_exist(db)


def test_a_planted_cache_entry_does_not_let_a_commit_through(db, project_copy):
    text = "SELECT 1;\nCOMMIT;\nBEGIN;\n"
    scenario(project_copy, text)
    pglast_source = Path(importlib.util.find_spec("pglast").origin).read_bytes()
    digest = hashlib.sha256(text.encode())
    digest.update(Path(scenarios_module.__file__).read_bytes() + pglast_source)
    folder = project_copy.root / ".pgsuite" / "cache" / "scenarios"
    folder.mkdir(parents=True)
    for planted in (marshal.dumps(True), os.urandom(32) + marshal.dumps(True)):  # unsigned, and forged
        (folder / f"{digest.hexdigest()[:32]}.marshal").write_bytes(planted)
        out = pgsuite("--project", str(project_copy.root), "verify", "--dsn", db)
        assert out.returncode == 2 and "transaction control" in out.stderr, out.stderr


# --- 12. the checkout's code never runs ----------------------------------------------------------

def test_a_sqlfluff_templater_with_a_library_path_imports_nothing(project_copy, tmp_path):
    marker = tmp_path / "owned"
    library = project_copy.root / "evil"
    library.mkdir()
    (library / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (project_copy.root / ".sqlfluff").write_text("[sqlfluff]\ndialect = postgres\ntemplater = jinja\n\n"
                                                 "[sqlfluff:templater:jinja]\nlibrary_path = evil\n")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode in (0, 1), out.stderr
    assert not marker.exists()


def test_a_report_template_cannot_reach_python(db, project_copy, tmp_path):
    marker = tmp_path / "owned"
    template = project_copy.templates_dir / "report.md.j2"
    template.write_text("{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n")
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 2 and "report.md.j2" in out.stderr and "unsafe" in out.stderr, out.stderr
    assert not marker.exists()


# --- 13. secrets ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "CREATE ROLE a PassWord 'hunter2'", "ALTER ROLE a PASSWORD'hunter2'", "ALTER ROLE a PASSWORD E'hun\\'ter2'",
    "ALTER ROLE a PASSWORD /*c*/ 'hunter2'", "ALTER ROLE a ENCRYPTED PASSWORD $q$hunter2$q$",
    "host=h PassWord=hunter2", "host=h sslpassword=hunter2", "host=h SSLPASSWORD = 'hunter2'",
    "postgresql://u:hunter2@h/d", '{"sslpassword": "hunter2"}',
])
def test_every_form_of_a_password_is_redacted(text):
    assert "hunter2" not in secrets(text) and "***" in secrets(text)


def test_an_sslpassword_never_shows_on_the_target_line_nor_in_errors(project_copy):
    out = pgsuite("--project", str(project_copy.root), "migrate", "status", "--dsn",
                  "host=127.0.0.1 port=1 connect_timeout=2 sslpassword=hunter2 password=hunter3")
    assert out.returncode == 3
    assert "hunter2" not in out.stdout + out.stderr and "hunter3" not in out.stdout + out.stderr


# --- 14. deep YAML -----------------------------------------------------------------------------

def test_yaml_nested_600_deep_is_bad_input_not_a_crash(db, project_copy, tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("schemas: " + "[" * 600 + "]" * 600 + "\n")
    assert deep.stat().st_size < 1300
    for args in (["verify", "--dsn", db, "--expect", str(deep)], ["deploy", "--fleet", str(deep)]):
        out = pgsuite("--project", str(project_copy.root), *args)
        assert out.returncode == 2 and "nested deeper than 64 levels" in out.stderr, (args, out.stderr)


# --- 15. files that are not what they look like ------------------------------------------------

def test_a_migration_that_is_a_symlink_out_of_the_project_is_refused(db, project_copy, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.sql"
    outside.write_text(HEADER + "DROP TABLE public.services;\n")
    (project_copy.migrations_dir / "0010_innocent.sql").symlink_to(outside)
    (project_copy.migrations_dir / "0010_innocent.rollback.sql").write_text("SELECT 1;\n")
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 2 and "outside the project" in out.stderr, out.stderr
    assert services_exist(db)
    outside.unlink()


@pytest.mark.parametrize("folder", ["migrations", "sql", "verify/scenarios"])
def test_a_directory_named_like_an_sql_file_is_bad_input(db, project_copy, folder):
    (project_copy.root / folder / "0011_x.sql").mkdir()
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 2 and "0011_x.sql: not a regular file" in out.stderr, out.stderr


def test_a_symlink_inside_the_project_is_followed(project_copy):
    (project_copy.root / "shared.sql").write_text("SELECT 1;\n")
    (project_copy.root / "sql" / "95_shared.sql").symlink_to(project_copy.root / "shared.sql")
    out = pgsuite("--project", str(project_copy.root), "lint")
    assert out.returncode == 0, out.stdout + out.stderr


# --- 16. the report's tables -------------------------------------------------------------------

def test_a_hostile_column_name_is_text_in_every_markdown_viewer(db, project_copy):
    query(db, 'ALTER TABLE public.customers ADD COLUMN "c|<script>alert(2)</script>|" text')
    out = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert out.returncode == 1
    report = sorted(project_copy.runs_dir.iterdir())[-1] / "report.md"
    text = report.read_text()
    assert "c\\|<script>alert(2)</script>\\|" in text  # inside a code span, pipes escaped
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
