"""What a real migration history made pgsuite cry wolf about, and what it missed (issue 22, item 6),
each as a case: a statement that rewrites nothing, blocks nobody or re-creates what it drops is
not refused; ADD COLUMN ... UNIQUE builds an index like ADD CONSTRAINT ... UNIQUE. Judged as
`pgsuite lint` judges a history: every file of migrations/, in order."""

import shutil

import pytest

from pgsuite.project import Project
from pgsuite.sql_lint.run import lint

HEADER = "-- depends: 0009_validate_input_limits\n"


def project_of(tmp_path, *migrations: str) -> Project:
    """A project of its own: the real migrations, then these, and no squawk configuration at all
    (a project nobody here wrote: pgsuite's defaults alone)."""
    root = tmp_path / "project"
    shutil.copytree(__import__("helpers").ROOT / "migrations", root / "migrations")
    for n, text in enumerate(migrations, 10):
        (root / "migrations" / f"00{n}_step.sql").write_text(HEADER + text)
        (root / "migrations" / f"00{n}_step.rollback.sql").write_text("SELECT 1;\n")
    return Project.at(root)


def errors(results, file_suffix: str = "_step.sql") -> list:  # the real migrations: judged elsewhere
    return sorted((f.rule, f.line) for c in results.checks for f in c.findings
                  if f.level == "error" and not f.suppressed and f.file.endswith(file_suffix))


@pytest.mark.parametrize("old,new", [
    ("varchar(100)", "varchar(200)"), ("varchar(100)", "text"), ("varchar(100)", "varchar"),
    ("numeric(10,2)", "numeric(12,2)"), ("numeric(10,2)", "numeric"), ("cidr", "inet"), ("text", "varchar"),
])
def test_a_type_change_postgresql_does_without_a_rewrite_is_not_refused(tmp_path, old, new):
    project = project_of(tmp_path, f"CREATE TABLE public.plans (id bigint PRIMARY KEY, v {old});\n",
                         f"ALTER TABLE public.plans ALTER COLUMN v TYPE {new};\n")
    assert errors(lint(project), "0011_step.sql") == []


@pytest.mark.parametrize("old,new", [
    ("varchar(200)", "varchar(100)"), ("numeric(12,2)", "numeric(12,3)"), ("integer", "bigint"), ("text", "integer"),
])
def test_a_type_change_that_rewrites_or_checks_every_row_is_still_refused(tmp_path, old, new):
    project = project_of(tmp_path, f"CREATE TABLE public.plans (id bigint PRIMARY KEY, v {old});\n",
                         f"ALTER TABLE public.plans ALTER COLUMN v TYPE {new} USING v::{new};\n")
    assert ("M005_column_type_change", 2) in errors(lint(project), "0011_step.sql")


def test_a_type_change_of_a_column_whose_type_the_history_does_not_show_is_refused(tmp_path):
    project = project_of(tmp_path, "ALTER TABLE public.customers ALTER COLUMN phone TYPE varchar(500);\n")
    assert ("M005_column_type_change", 2) in errors(lint(project), "0010_step.sql")  # customers.phone is text


def test_statements_on_objects_created_in_the_same_migration_block_nobody(tmp_path):
    project = project_of(tmp_path, "CREATE MATERIALIZED VIEW public.daily AS SELECT 1 AS n;\n"
                                   "CREATE INDEX daily_n ON public.daily (n);\n"
                                   "CREATE TABLE public.tags (id bigint PRIMARY KEY, name text NOT NULL);\n"
                                   "CREATE INDEX tags_name ON public.tags (name);\n"
                                   "ALTER TABLE public.tags ADD CONSTRAINT tags_name_key UNIQUE (name);\n")
    assert errors(lint(project)) == []


def test_a_view_dropped_and_created_again_in_one_transaction_is_not_refused(tmp_path):
    again = project_of(tmp_path / "a", "DROP VIEW public.staff_overview;\n"
                                       "CREATE VIEW public.staff_overview AS SELECT id, org_id FROM public.staff_members;\n")
    (again.migrations_dir / "0010_step.sql").write_text(
        HEADER + "CREATE VIEW public.staff_overview AS SELECT id FROM public.staff_members;\n")
    (again.migrations_dir / "0011_step.sql").write_text(
        "-- depends: 0010_step\nDROP VIEW public.staff_overview;\n"
        "CREATE VIEW public.staff_overview AS SELECT id, org_id FROM public.staff_members;\n")
    (again.migrations_dir / "0011_step.rollback.sql").write_text("SELECT 1;\n")
    assert errors(lint(again)) == []
    gone = project_of(tmp_path / "b", "CREATE VIEW public.staff_overview AS SELECT id FROM public.staff_members;\n",
                      "DROP VIEW public.staff_overview;\n")
    assert ("squawk.ban-drop-view", 2) in errors(lint(gone), "0011_step.sql")


@pytest.mark.parametrize("column", ["external_ref text UNIQUE", "external_id bigint PRIMARY KEY",
                                    "external_ref text CONSTRAINT customers_external_ref_key UNIQUE"])
def test_add_column_with_unique_or_primary_key_builds_its_index_like_add_constraint(tmp_path, column):
    project = project_of(tmp_path, f"ALTER TABLE public.customers ADD COLUMN {column};\n")
    assert ("M008_constraint_builds_index", 2) in errors(lint(project), "0010_step.sql")


def test_the_rules_the_runner_satisfies_are_off_without_any_configuration(tmp_path):
    project = project_of(tmp_path, "ALTER TABLE public.customers ADD COLUMN nickname text;\n")
    assert not (project.root / ".squawk.toml").exists()
    rules = {f.rule for c in lint(project).checks for f in c.findings}
    assert not rules & {"squawk.require-lock-timeout", "squawk.require-statement-timeout"}, rules


def test_a_project_squawk_configuration_adds_its_own_exclusions_and_is_found_in_a_parent(tmp_path):
    project = project_of(tmp_path, "ALTER TABLE public.customers ADD COLUMN nickname varchar(20);\n")
    assert "squawk.prefer-text-field" in {f.rule for c in lint(project).checks for f in c.findings}
    (tmp_path / ".squawk.toml").write_text('excluded_rules = ["prefer-text-field"]  # varchar is ours\n')
    rules = {f.rule for c in lint(project).checks for f in c.findings}
    assert "squawk.prefer-text-field" not in rules and "squawk.require-lock-timeout" not in rules


def test_with_a_target_a_type_it_shows_is_the_old_type_and_an_empty_table_blocks_nobody(db, tmp_path):
    from helpers import query

    query(db, "CREATE TABLE public.legacy_codes (id bigint PRIMARY KEY, code varchar(10), label varchar(10))")
    query(db, "INSERT INTO public.legacy_codes VALUES (1, 'a', 'b')")  # a table in use: not empty
    project = project_of(tmp_path, "ALTER TABLE public.legacy_codes ALTER COLUMN code TYPE varchar(40);\n"
                                   "ALTER TABLE public.legacy_codes ALTER COLUMN label TYPE varchar(5);\n")
    assert errors(lint(project)) == [("M005_column_type_change", 2), ("M005_column_type_change", 3)]  # types unknown
    assert errors(lint(project, dsn=db)) == [("M005_column_type_change", 3)]  # the target shows code's: a widening
    # an index on a table the target holds empty blocks nobody; on one with a row, it is refused
    empty = project_of(tmp_path / "e", "CREATE INDEX idx_services_name ON public.services (org_id, name);\n"
                                       "CREATE INDEX idx_legacy_label ON public.legacy_codes (label);\n"
                                       "ALTER TABLE public.services DROP COLUMN active;\n")
    assert query(db, "SELECT count(*) FROM public.services") == [(0,)]
    assert errors(lint(empty, dsn=db)) == [("M001_create_index_blocks_writes", 3), ("M003_drop_column", 4)]
