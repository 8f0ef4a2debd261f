"""Every check id a suppression may name, read from the files that define the checks (by name,
not imported): verify/config.yaml is validated by verify, which must not import the SQL rules
(sql_lint, and pglast with them) to know their ids. tests/test_lint.py holds these lists to the
registries they mirror (catalog_lint.registry.lints, sql_lint.rules.rules)."""

import re
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CATALOG_LINTS = PACKAGE / "catalog_lint"  # NNNN_slug.sql
SQL_RULES = PACKAGE / "sql_lint" / "rules"  # mNNN_slug.py
RULE_MODULE = re.compile(r"^(m\d{3})_([a-z0-9_]+)$")  # m001_create_index_blocks_writes
OTHERS = ("syntax", "compile", "rollback", "breaking_change", "lock_prediction")  # checks of no registry
TOOLS = r"^squawk\.[a-z0-9-]+$|^sqlfluff\.[A-Z]{2}[0-9]{2}$"  # squawk's and sqlfluff's rules, by prefix


@cache
def catalog_lints() -> tuple[str, ...]:
    return tuple(p.stem for p in sorted(CATALOG_LINTS.glob("[0-9][0-9][0-9][0-9]_*.sql")))


def rule_id(module: str) -> str | None:
    """M001_create_index_blocks_writes for the module m001_create_index_blocks_writes; None for another module."""
    match = RULE_MODULE.match(module)
    return f"{match.group(1).upper()}_{match.group(2)}" if match else None


@cache
def sql_rules() -> tuple[str, ...]:
    return tuple(filter(None, (rule_id(p.stem) for p in sorted(SQL_RULES.glob("m*.py")))))


def pattern() -> str:
    """A JSON Schema pattern matching exactly the ids a suppression may name."""
    known = [*catalog_lints(), *sql_rules(), *OTHERS]
    if not catalog_lints() or not sql_rules():  # the folders moved: a pattern of nothing would refuse everything
        raise RuntimeError(f"no catalog lints or SQL rules found under {PACKAGE}")
    return "^(" + "|".join(map(re.escape, known)) + ")$|" + TOOLS
