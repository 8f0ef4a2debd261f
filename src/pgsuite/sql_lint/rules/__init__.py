"""pgsuite's migration rules: one module each (MNNN_slug.py), found by name.

A rule module holds its documentation (the docstring: the first line is its title), LEVEL
("error" refuses a deploy, "warning" is shown), FIX, a FAILING and a PASSING example (whole
migration files; tests run both) and `check(statement, context)`, which yields (message,
table) pairs. Rules see every statement the same way, at top level or inside a DO block or a
function body (parse/statements.py). HAZARD (optional) is the statement's entry in the one
hazard model (pgsuite/hazards.py: lock, what waits, scan or rewrite, data loss, broken callers):
the rule's message takes its lock words from it, and with a target the finding says how much
of the table its work reads or rewrites.
"""

import pkgutil
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Callable

from pglast import ast, enums

from ... import check_ids
from ...hazards import Hazard
from ...parse.statements import SqlFile, Statement
from ..column_types import of_type_name

@dataclass
class Context:
    """What a rule knows beyond the statement: its file, the tables created before it in this
    file or in an earlier migration of the same deployment (nobody can be waiting on them), and
    each column's type as the history (else the target) gives it."""

    file: SqlFile
    new_tables: set[str] = field(default_factory=set)
    new_indexes: set[str] = field(default_factory=set)
    live_tables: set[str] | None = None  # the target's, with --dsn: a table it lacks is new
    # (table, column) -> its type, as the history made it (shared by the files of one run, in order)
    column_types: dict = field(default_factory=dict)
    live_types: Callable[[], dict] | None = None  # with --dsn: (table, column) -> the target's type, read on first use

    def existing(self, table: str) -> bool:
        return table not in self.new_tables and (self.live_tables is None or table in self.live_tables)

    def column_type(self, table: str, column: str):
        """Its type before this statement: the history's last word on it, else the target's; None if unknown."""
        known = self.column_types.get((table, column))
        return known if known is not None or self.live_types is None else self.live_types().get((table, column))

    def learn(self, statement: Statement) -> None:
        """Remember what the statement creates: later statements on it contend with nobody."""
        node = statement.node
        if isinstance(node, ast.CreateStmt):
            self.new_tables.add(qualified(node.relation))
            for element in node.tableElts or ():
                if isinstance(element, ast.ColumnDef):
                    self.column_types[(qualified(node.relation), element.colname)] = of_type_name(element.typeName)
        elif isinstance(node, ast.AlterTableStmt):
            for cmd in node.cmds or ():
                if cmd.subtype in (enums.AlterTableType.AT_AddColumn, enums.AlterTableType.AT_AlterColumnType):
                    column = cmd.def_.colname if cmd.subtype == enums.AlterTableType.AT_AddColumn else cmd.name
                    if isinstance(cmd.def_, ast.ColumnDef) and column:
                        self.column_types[(qualified(node.relation), column)] = of_type_name(cmd.def_.typeName)
        elif isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
            self.new_tables.add(qualified(node.into.rel))
        elif isinstance(node, ast.IndexStmt) and node.idxname:
            self.new_indexes.add(f"{node.relation.schemaname or 'public'}.{node.idxname}")


@dataclass(frozen=True)
class Rule:
    id: str  # "M001_create_index_blocks_writes": output, suppressions, docs
    title: str
    doc: str
    level: str
    fix: str
    failing: str
    passing: str
    check: Callable[[Statement, Context], object]
    hazard: Hazard | None = None

    @property
    def work(self) -> str | None:
        """"scan" or "rewrite": how sql_lint/sizes sizes the finding on a live table."""
        return self.hazard.work.sizing if self.hazard else None


@cache
def rules() -> tuple[Rule, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if (rule_id := check_ids.rule_id(module.name)) is None:
            continue
        loaded = import_module(f"{__name__}.{module.name}")
        doc = (loaded.__doc__ or "").strip()
        found.append(Rule(id=rule_id, title=doc.splitlines()[0].rstrip("."),
                          doc=doc, level=loaded.LEVEL, fix=loaded.FIX, failing=loaded.FAILING,
                          passing=loaded.PASSING, check=loaded.check,
                          hazard=getattr(loaded, "HAZARD", None)))
    return tuple(sorted(found, key=lambda r: r.id))


def altered(statement: Statement, context: Context, subtype):
    """(table, subcommand) for each subcommand of that type in an ALTER TABLE of an existing table."""
    node = statement.node
    if isinstance(node, ast.AlterTableStmt) and context.existing(qualified(node.relation)):
        for cmd in node.cmds or ():
            if cmd.subtype == subtype:
                yield qualified(node.relation), cmd


def added_constraints(statement: Statement, context: Context, kinds):
    """(table, constraint) for each constraint of those types an ALTER TABLE adds to an existing table."""
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_AddConstraint):
        if isinstance(cmd.def_, ast.Constraint) and cmd.def_.contype in kinds:
            yield table, cmd.def_


def qualified(range_var) -> str:
    """schema.table as the statement names it (unqualified names are taken to be in public)."""
    return f"{range_var.schemaname or 'public'}.{range_var.relname}"
