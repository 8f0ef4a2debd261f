"""What a migration's statements do to a live database: objects created, altered, dropped,
the table lock each takes, whether it rewrites or scans the table, and what needs attention.

Parsed with PostgreSQL's own parser (pglast). Locks follow PostgreSQL's documentation of each
command; a statement on a table created earlier in the same migration contends with nobody.
Conservative: a statement pgsuite does not analyse has an unknown lock and "needs review"; it
is never counted as safe.
"""

from dataclasses import asdict, dataclass

import pglast
from pglast import ast, enums

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
NO_TABLE_LOCK = "none on existing tables"
UNKNOWN = "unknown"
NEW_TABLE = "a table created in this deployment: no other session can be waiting on it"
NEEDS_REVIEW = "needs review: pgsuite does not analyse what it does"

# ALTER TABLE subcommand -> (what it does, table lock, rewrite / scan note)
ALTER_TABLE = {
    "AT_AddColumn": ("adds column {name}", ACCESS_EXCLUSIVE, "rewrites the table if the default is volatile"),
    "AT_DropColumn": ("drops column {name}", ACCESS_EXCLUSIVE, "data loss: the column's values go with it"),
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
LOCK_MODES = {1: "ACCESS SHARE", 2: "ROW SHARE", 3: "ROW EXCLUSIVE", 4: "SHARE UPDATE EXCLUSIVE", 5: "SHARE",
              6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: ACCESS_EXCLUSIVE}
# locks that make writers (or everyone) wait for as long as the statement runs
BLOCKING = ("SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", ACCESS_EXCLUSIVE)


@dataclass(frozen=True)
class Effect:
    action: str  # created | altered | dropped | changed data | other
    object: str
    what: str
    lock: str
    note: str = ""
    risk: str = ""  # why it needs scheduling or review; empty when it does not

    def as_dict(self) -> dict:
        return asdict(self)


def analyse(statements: list[str] | tuple[str, ...], created: set[str] | None = None) -> list[Effect]:
    """The effects of `statements`; `created` collects the tables they create, shared by the
    caller across the migrations and repeatables of one deployment."""
    effects: list[Effect] = []
    created = set() if created is None else created
    for text in statements:
        try:
            parsed = pglast.parse_sql(text)
        except pglast.parser.ParseError:
            effects.append(_assessed(Effect("other", "?", "a statement pgsuite could not parse", UNKNOWN)))
            continue
        for raw in parsed:
            effects += [_assessed(e) for e in _effects(raw.stmt, created)]
    return effects


def _assessed(effect: Effect) -> Effect:
    """The effect with its risk: what a DBA must schedule around or read before applying it."""
    if effect.note == NEW_TABLE:
        return effect
    risk = ""
    if effect.lock.startswith(UNKNOWN):
        risk = NEEDS_REVIEW
    elif effect.action == "dropped" or "data loss" in effect.note:
        risk = "drops an object" + (" and its data" if "data loss" in effect.note else "")
    elif any(word in effect.note for word in ("rewrites", "scans", "every row", "breaks")):
        risk = effect.note
    elif (mode := effect.lock.split(" (")[0]) in BLOCKING:
        risk = f"holds {mode} on an existing table: " + (
            "reads and writes wait while it runs" if mode == ACCESS_EXCLUSIVE else "writes wait while it runs")
    return Effect(effect.action, effect.object, effect.what, effect.lock, effect.note, risk)


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
        return _drop(stmt, created)
    if isinstance(stmt, ast.RenameStmt):
        kind = enums.ObjectType(stmt.renameType).name.removeprefix("OBJECT_").lower().replace("_", " ")
        target = _rel(stmt.relation) if stmt.relation else ".".join(getattr(p, "sval", str(p)) for p in
                                                                   _parts(stmt.object or ()))
        return [_on_table(created, target, Effect("altered", f"{kind} {target}", f"renames it to {stmt.newname}",
                                                  ACCESS_EXCLUSIVE, "breaks every caller that uses the old name"))]
    if isinstance(stmt, ast.LockStmt):
        mode = LOCK_MODES.get(stmt.mode, UNKNOWN)
        return [_on_table(created, _rel(r), Effect("other", f"table {_rel(r)}", f"LOCK TABLE IN {mode} MODE", mode,
                                                   "held until the migration's transaction ends"))
                for r in stmt.relations]
    if isinstance(stmt, (ast.UpdateStmt, ast.DeleteStmt)):
        table = _rel(stmt.relation)
        verb = "updates" if isinstance(stmt, ast.UpdateStmt) else "deletes"
        note = f"{verb} every row (no WHERE)" if stmt.whereClause is None else f"{verb} the rows its WHERE selects"
        return [_on_table(created, table, Effect("changed data", f"table {table}", f"{verb} rows",
                                                 "ROW EXCLUSIVE (and row locks on every row it changes)", note))]
    if isinstance(stmt, ast.InsertStmt):
        table = _rel(stmt.relation)
        return [Effect("changed data", f"table {table}", "inserts rows", "ROW EXCLUSIVE")]
    if isinstance(stmt, ast.TruncateStmt):
        return [_on_table(created, _rel(r), Effect("changed data", f"table {_rel(r)}", "empties the table",
                                                   ACCESS_EXCLUSIVE, "data loss: every row goes"))
                for r in stmt.relations]
    if isinstance(stmt, ast.CreatePolicyStmt):
        table = _rel(stmt.table)
        return [_on_table(created, table, Effect("created", f"policy {stmt.policy_name} on {table}",
                                                 "creates a policy", ACCESS_EXCLUSIVE))]
    if isinstance(stmt, ast.CreateTrigStmt):
        table = _rel(stmt.relation)
        return [_on_table(created, table, Effect("created", f"trigger {stmt.trigname} on {table}",
                                                 "creates a trigger", "SHARE ROW EXCLUSIVE"))]
    if isinstance(stmt, ast.CreateExtensionStmt):
        return [Effect("created", f"extension {stmt.extname}", "creates the extension (if missing)", NO_TABLE_LOCK)]
    if isinstance(stmt, ast.CreateSchemaStmt):
        return [Effect("created", f"schema {stmt.schemaname}", "creates a schema", NO_TABLE_LOCK)]
    if isinstance(stmt, ast.CreateFunctionStmt):
        name = ".".join(part.sval for part in stmt.funcname)
        return [Effect("created", f"function {name}", "creates or replaces a function", NO_TABLE_LOCK)]
    if isinstance(stmt, ast.DoStmt):
        return [Effect("other", "DO block", "runs procedural code (effects not analysed)", UNKNOWN)]
    if isinstance(stmt, (ast.GrantStmt, ast.CommentStmt)):
        return [Effect("altered", "privileges" if isinstance(stmt, ast.GrantStmt) else "comment",
                       "changes the catalog only", NO_TABLE_LOCK)]
    return [Effect("other", type(stmt).__name__, "not analysed", UNKNOWN)]


def _drop(stmt, created: set[str]) -> list[Effect]:
    kind = enums.ObjectType(stmt.removeType).name.removeprefix("OBJECT_").lower().replace("_", " ")
    if kind in ("function", "procedure", "aggregate", "routine"):
        return [Effect("dropped", f"{kind} {_signature(obj)}", f"drops the {kind}", "none on tables",
                       "breaks every caller that still uses it") for obj in stmt.objects]
    parts = [[getattr(part, "sval", str(part)) for part in _parts(obj)] for obj in stmt.objects]
    if kind in ("policy", "trigger"):  # DROP POLICY p ON t: the name's last part, then its table
        lock = ACCESS_EXCLUSIVE if kind == "policy" else "SHARE ROW EXCLUSIVE"
        tables = [".".join(p[:-1]) if len(p) > 2 else f"public.{p[0]}" for p in parts]
        return [_on_table(created, table, Effect("dropped", f"{kind} {p[-1]} on {table}", f"drops the {kind}", lock))
                for p, table in zip(parts, tables)]
    names = [".".join(p) for p in parts]
    lock = "SHARE UPDATE EXCLUSIVE" if stmt.concurrent else (
        ACCESS_EXCLUSIVE if kind in ("table", "index", "view", "materialized view") else "none on tables")
    return [Effect("dropped", f"{kind} {n}", f"drops the {kind}", lock,
                   "data loss: the rows go with it" if kind == "table" else "") for n in names]


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
    if subtype not in ALTER_TABLE:
        return Effect("altered", f"table {table}", subtype.removeprefix("AT_"), f"{ACCESS_EXCLUSIVE} (at most)")
    what, lock, note = ALTER_TABLE[subtype]
    return Effect("altered", f"table {table}", what.format(name=cmd.name or ""), lock, note)


def _on_table(created: set[str], table: str, effect: Effect) -> Effect:
    if table in created:
        return Effect(effect.action, effect.object, effect.what, effect.lock, NEW_TABLE)
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


def _signature(obj: ast.ObjectWithArgs) -> str:
    name = ".".join(part.sval for part in obj.objname)
    if obj.args_unspecified:
        return name
    types = [".".join(p.sval for p in t.names if p.sval != "pg_catalog") for t in obj.objargs or ()]
    return f"{name}({', '.join(types)})"


def _parts(obj):
    return obj if isinstance(obj, (list, tuple)) else [obj]
