"""`pgsuite init`: a project for a database that already runs, starting from its real state.

The baseline migration is pg_dump's own schema-only dump (the embedded wheel's pg_dump, which
reads any server from 9.2 on), split into statements by PostgreSQL's parser; its rollback is the
DROP statements pg_dump writes with --clean, in pg_dump's dependency order. Both leave out
pg_dump's session settings (SET, set_config: they would outlive the migration on yoyo's
connection) and psql's meta-commands (\\restrict). Roles are cluster-wide and never dumped: the
baseline first creates, NOLOGIN, those the schema grants to and that do not exist.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pglast
from pglast import ast, enums
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .backend import BOOKKEEPING_TABLES
from ..errors import CheckFailed, ConfigError
from .files import ROLLBACK_SUFFIX

BASELINE_ID = "0001_baseline"
EXCLUDED_TABLES = BOOKKEEPING_TABLES


@dataclass(frozen=True)
class Dump:
    creates: list[str]
    drops: list[str]


def dump(dsn: str, exclude_schemas: list[str], schemas: list[str] | None = None) -> Dump:
    """The schema as pg_dump writes it: the statements that make it, and those that drop it."""
    from ..db import client_environment
    from ..server import client_program

    args = [str(client_program("pg_dump")), "--schema-only", "--no-owner", "--clean", "--if-exists",
            "--dbname", _without_password(dsn), *(f"--exclude-schema={s}" for s in exclude_schemas),
            *(f"--schema={s}" for s in schemas or []), *(f"--exclude-table={t}" for t in EXCLUDED_TABLES)]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=600, env=client_environment(dsn))
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed("pg_dump did not finish within 600 s") from exc
    if out.returncode != 0:
        raise CheckFailed(f"pg_dump failed: {out.stderr.strip()}")
    text = "\n".join(line for line in out.stdout.splitlines() if not line.startswith("\\"))
    drops, creates, dropping = [], [], True
    for statement in pglast.split(text):
        stmt = pglast.parse_sql(statement)[0].stmt
        if isinstance(stmt, ast.VariableSetStmt) or _is_set_config(stmt):
            continue
        dropping = dropping and (isinstance(stmt, ast.DropStmt) or _undoes(stmt))
        (drops if dropping else creates).append(statement)
    return Dump(creates, drops)


def _without_password(dsn: str) -> str:
    """The DSN for a command line (which `ps` shows): the password goes by PGPASSWORD instead."""
    return make_conninfo(**{k: v for k, v in conninfo_to_dict(dsn).items() if k != "password"})


def _is_set_config(stmt) -> bool:
    """pg_dump's SELECT pg_catalog.set_config('search_path', '', false)."""
    if not isinstance(stmt, ast.SelectStmt) or not stmt.targetList:
        return False
    value = stmt.targetList[0].val
    return isinstance(value, ast.FuncCall) and value.funcname[-1].sval == "set_config"


def _undoes(stmt) -> bool:
    """What --clean writes before its DROPs: ALTER TABLE ... DROP CONSTRAINT, ... ALTER COLUMN ... DROP DEFAULT."""
    return isinstance(stmt, ast.AlterTableStmt) and all(
        enums.AlterTableType(cmd.subtype).name == "AT_DropConstraint"
        or (enums.AlterTableType(cmd.subtype).name == "AT_ColumnDefault" and cmd.def_ is None) for cmd in stmt.cmds)


def write(migrations_dir: Path, schema_dump: Dump, roles: list[str], source: str) -> tuple[Path, Path]:
    """migrations/0001_baseline.sql and its rollback; refuses to overwrite a migration."""
    path = migrations_dir / f"{BASELINE_ID}.sql"
    rollback = migrations_dir / f"{BASELINE_ID}{ROLLBACK_SUFFIX}"
    if any(migrations_dir.glob("*.sql")):
        raise ConfigError(f"{migrations_dir} already holds migrations: init starts a project, it never rewrites one")
    role_block = ""
    if roles:
        names = ", ".join(f"'{r}'" for r in roles)
        role_block = (
            "-- Roles are cluster-wide and pg_dump never writes them: make those the schema grants to.\n"
            "DO $$\nDECLARE\n    r text;\nBEGIN\n"
            f"    FOREACH r IN ARRAY ARRAY[{names}] LOOP\n"
            "        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN\n"
            "            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);\n"
            "        END IF;\n    END LOOP;\nEND\n$$;\n\n")
    path.write_text(f"-- Baseline: the schema of {source} as pg_dump wrote it when `pgsuite init` ran.\n"
                    "-- Recorded as applied there; on a new database it makes the schema from nothing.\n\n"
                    + role_block + "".join(f"{s};\n\n" for s in schema_dump.creates), encoding="utf-8")
    rollback.write_text(f"-- Undoes {BASELINE_ID}: pg_dump's own DROP statements (--clean), in its order.\n"
                        "-- Roles stay: they are cluster-wide.\n\n"
                        + "".join(f"{s};\n\n" for s in schema_dump.drops), encoding="utf-8")
    return path, rollback
