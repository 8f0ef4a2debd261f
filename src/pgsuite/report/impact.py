"""What a migration's statements do to a live database: objects created, altered, dropped,
the table lock each takes, and whether it rewrites or scans the table.

Parsed with PostgreSQL's own parser (pglast). Locks follow PostgreSQL's documentation of each
command; a statement on a table created earlier in the same migration contends with nobody.
"""

from dataclasses import asdict, dataclass

import pglast
from pglast import ast, enums

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
NO_TABLE_LOCK = "none on existing tables"

# ALTER TABLE subcommand -> (what it does, table lock, rewrite / scan note)
ALTER_TABLE = {
    "AT_AddColumn": ("adds column {name}", ACCESS_EXCLUSIVE, "rewrites the table if the default is volatile"),
    "AT_DropColumn": ("drops column {name}", ACCESS_EXCLUSIVE, ""),
    "AT_AlterColumnType": ("changes the type of column {name}", ACCESS_EXCLUSIVE,
                           "rewrites the table unless the types are binary-compatible"),
    "AT_ColumnDefault": ("changes the default of column {name}", ACCESS_EXCLUSIVE, ""),
    "AT_SetNotNull": ("sets column {name} NOT NULL", ACCESS_EXCLUSIVE, "scans the whole table"),
    "AT_DropNotNull": ("drops NOT NULL on column {name}", ACCESS_EXCLUSIVE, ""),
    "AT_DropConstraint": ("drops constraint {name}", ACCESS_EXCLUSIVE, ""),
    "AT_ValidateConstraint": ("validates constraint {name}", "SHARE UPDATE EXCLUSIVE", "scans the whole table"),
    "AT_EnableRowSecurity": ("enables row-level security", ACCESS_EXCLUSIVE, ""),
    "AT_DisableRowSecurity": ("disables row-level security", ACCESS_EXCLUSIVE, ""),
    "AT_ForceRowSecurity": ("forces row-level security", ACCESS_EXCLUSIVE, ""),
    "AT_NoForceRowSecurity": ("stops forcing row-level security", ACCESS_EXCLUSIVE, ""),
}
CONSTRAINT = {
    "CONSTR_CHECK": ("adds check constraint {name}", ACCESS_EXCLUSIVE, "scans the whole table (unless NOT VALID)"),
    "CONSTR_FOREIGN": ("adds foreign key {name}", "SHARE ROW EXCLUSIVE (and on the referenced table)",
                       "scans the whole table (unless NOT VALID)"),
    "CONSTR_PRIMARY": ("adds primary key {name}", ACCESS_EXCLUSIVE, "builds an index"),
    "CONSTR_UNIQUE": ("adds unique constraint {name}", ACCESS_EXCLUSIVE, "builds an index"),
    "CONSTR_EXCLUSION": ("adds exclusion constraint {name}", ACCESS_EXCLUSIVE, "builds an index"),
}


@dataclass(frozen=True)
class Effect:
    action: str  # created | altered | dropped | other
    object: str
    what: str
    lock: str
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def analyse(statements: list[str] | tuple[str, ...]) -> list[Effect]:
    effects: list[Effect] = []
    created: set[str] = set()
    for text in statements:
        try:
            parsed = pglast.parse_sql(text)
        except pglast.parser.ParseError:
            effects.append(Effect("other", "?", "a statement pgsuite could not parse", "unknown"))
            continue
        for raw in parsed:
            effects += _effects(raw.stmt, created)
    return effects


def _effects(stmt, created: set[str]) -> list[Effect]:
    if isinstance(stmt, ast.CreateStmt):
        name = _rel(stmt.relation)
        created.add(name)
        references = sorted({_rel(c.pktable) for c in _constraints(stmt) if c.pktable is not None} - {name})
        note = f"its foreign keys take SHARE ROW EXCLUSIVE on {', '.join(references)}" if references else ""
        return [Effect("created", f"table {name}", "creates the table", NO_TABLE_LOCK, note)]
    if isinstance(stmt, ast.IndexStmt):
        table = _rel(stmt.relation)
        lock = "SHARE UPDATE EXCLUSIVE" if stmt.concurrent else "SHARE (blocks writes while it builds)"
        return [_on_table(created, table, Effect("created", f"index {stmt.idxname} on {table}",
                                                 "builds an index" + (" concurrently" if stmt.concurrent else ""),
                                                 lock))]
    if isinstance(stmt, ast.AlterTableStmt):
        table = _rel(stmt.relation)
        return [_on_table(created, table, _alter(table, cmd)) for cmd in stmt.cmds or ()]
    if isinstance(stmt, ast.DropStmt):
        kind = enums.ObjectType(stmt.removeType).name.removeprefix("OBJECT_").lower().replace("_", " ")
        names = [".".join(getattr(part, "sval", str(part)) for part in _parts(obj)) for obj in stmt.objects]
        lock = "SHARE UPDATE EXCLUSIVE" if stmt.concurrent else (
            ACCESS_EXCLUSIVE if kind in ("table", "index", "view", "materialized view") else "")
        return [Effect("dropped", f"{kind} {n}", f"drops the {kind}", lock or "none on tables",
                       "data loss: the rows go with it" if kind == "table" else "") for n in names]
    if isinstance(stmt, ast.CreatePolicyStmt):
        table = _rel(stmt.table)
        return [_on_table(created, table, Effect("created", f"policy {stmt.policy_name} on {table}",
                                                 "creates a policy", ACCESS_EXCLUSIVE))]
    if isinstance(stmt, ast.CreateExtensionStmt):
        return [Effect("created", f"extension {stmt.extname}", "creates the extension (if missing)", NO_TABLE_LOCK)]
    if isinstance(stmt, ast.CreateFunctionStmt):
        name = ".".join(part.sval for part in stmt.funcname)
        return [Effect("created", f"function {name}", "creates or replaces a function", NO_TABLE_LOCK)]
    if isinstance(stmt, ast.DoStmt):
        return [Effect("other", "DO block", "runs procedural code (effects not analysed)", "unknown")]
    if isinstance(stmt, (ast.GrantStmt, ast.CommentStmt)):
        return [Effect("altered", "privileges" if isinstance(stmt, ast.GrantStmt) else "comment",
                       "changes the catalog only", NO_TABLE_LOCK)]
    return [Effect("other", type(stmt).__name__, "not analysed", "unknown")]


def _alter(table: str, cmd) -> Effect:
    subtype = enums.AlterTableType(cmd.subtype).name
    if subtype == "AT_AddConstraint" and isinstance(cmd.def_, ast.Constraint):
        constr = enums.ConstrType(cmd.def_.contype).name
        what, lock, note = CONSTRAINT.get(constr, ("adds a constraint {name}", ACCESS_EXCLUSIVE, ""))
        if getattr(cmd.def_, "skip_validation", False):
            note = "NOT VALID: no scan now (VALIDATE CONSTRAINT later)"
        return Effect("altered", f"table {table}", what.format(name=cmd.def_.conname or ""), lock, note)
    if subtype == "AT_AddColumn" and isinstance(cmd.def_, ast.ColumnDef):
        what, lock, note = ALTER_TABLE[subtype]
        return Effect("altered", f"table {table}", what.format(name=cmd.def_.colname), lock, note)
    what, lock, note = ALTER_TABLE.get(subtype, (subtype.removeprefix("AT_"), ACCESS_EXCLUSIVE, ""))
    return Effect("altered", f"table {table}", what.format(name=cmd.name or ""), lock, note)


def _on_table(created: set[str], table: str, effect: Effect) -> Effect:
    if table in created:
        return Effect(effect.action, effect.object, effect.what, effect.lock,
                      "new table in this migration: no other session can be waiting on it")
    return effect


def _constraints(stmt):
    """Table and column constraints of a CREATE TABLE."""
    for element in stmt.tableElts or ():
        if isinstance(element, ast.Constraint):
            yield element
        elif isinstance(element, ast.ColumnDef):
            yield from (c for c in element.constraints or () if isinstance(c, ast.Constraint))


def _rel(range_var) -> str:
    return f"{range_var.schemaname}.{range_var.relname}" if range_var.schemaname else f"public.{range_var.relname}"


def _parts(obj):
    return obj if isinstance(obj, (list, tuple)) else [obj]
