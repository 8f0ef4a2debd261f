"""What a migration's statements do to a live database: objects created, altered, dropped,
the table lock each takes, whether it rewrites or scans the table, and what needs attention.

Parsed with PostgreSQL's own parser (pglast). Locks follow PostgreSQL's documentation of each
command; a statement on a table created earlier in the same migration contends with nobody.
Conservative: a statement pgsuite does not analyse has an unknown lock and "needs review"; it
is never counted as safe.
"""

from dataclasses import dataclass

import pglast
from pglast import ast, enums

from .. import hazards
from ..hazards import NEW_TABLE_NOTE as NEW_TABLE, Hazard

# what each ALTER TABLE subcommand and added constraint does, in words (its hazard: hazards.py)
ALTER_WHAT = {
    "AT_AddColumn": "adds column {name}", "AT_DropColumn": "drops column {name}",
    "AT_AlterColumnType": "changes the type of column {name}", "AT_ColumnDefault": "changes the default of column {name}",
    "AT_SetNotNull": "sets column {name} NOT NULL", "AT_DropNotNull": "drops NOT NULL on column {name}",
    "AT_DropConstraint": "drops constraint {name}", "AT_ValidateConstraint": "validates constraint {name}",
    "AT_EnableRowSecurity": "enables row-level security", "AT_DisableRowSecurity": "disables row-level security",
    "AT_ForceRowSecurity": "forces row-level security", "AT_NoForceRowSecurity": "stops forcing row-level security",
}
CONSTRAINT_WHAT = {
    "CONSTR_CHECK": "adds check constraint {name}", "CONSTR_FOREIGN": "adds foreign key {name}",
    "CONSTR_PRIMARY": "adds primary key {name}", "CONSTR_UNIQUE": "adds unique constraint {name}",
    "CONSTR_EXCLUSION": "adds exclusion constraint {name}",
}


@dataclass(frozen=True)
class Effect:
    action: str  # created | altered | dropped | changed data | other
    object: str
    what: str
    hazard: Hazard
    on_new_table: bool = False  # created earlier in this deployment: nobody can be waiting on it

    @property
    def lock(self) -> str:
        return self.hazard.lock_text

    @property
    def note(self) -> str:
        return NEW_TABLE if self.on_new_table else self.hazard.note

    @property
    def risk(self) -> str:
        """What a DBA must schedule around or read before applying it; empty when nothing."""
        return "" if self.on_new_table else self.hazard.risk(dropped=self.action == "dropped")

    def as_dict(self) -> dict:
        return {"action": self.action, "object": self.object, "what": self.what, "lock": self.lock,
                "note": self.note, "risk": self.risk}


def analyse(statements: list[str] | tuple[str, ...], created: set[str] | None = None) -> list[Effect]:
    """The effects of `statements`; `created` collects the tables they create, shared by the
    caller across the migrations and repeatables of one deployment."""
    effects: list[Effect] = []
    created = set() if created is None else created
    for text in statements:
        try:
            parsed = pglast.parse_sql(text)
        except pglast.parser.ParseError:
            effects.append(Effect("other", "?", "a statement pgsuite could not parse", hazards.NOT_ANALYSED))
            continue
        for raw in parsed:
            effects += _effects(raw.stmt, created)
    return effects


def _effects(stmt, created: set[str]) -> list[Effect]:
    if isinstance(stmt, ast.CreateStmt):
        name = _rel(stmt.relation)
        created.add(name)
        references = sorted({_rel(c.pktable) for c in _constraints(stmt) if c.pktable is not None} - {name})
        note = (f"its foreign keys take {hazards.FOREIGN_KEY_REFERENCED.label} on {', '.join(references)}"
                if references else "")
        return [Effect("created", f"table {name}", "creates the table", Hazard(None, note=note))]
    if isinstance(stmt, ast.IndexStmt):
        table = _rel(stmt.relation)
        hazard = hazards.CREATE_INDEX_CONCURRENTLY if stmt.concurrent else hazards.CREATE_INDEX
        return [_on(created, table, "created", f"index {stmt.idxname} on {table}",
                    "builds an index" + (" concurrently" if stmt.concurrent else ""), hazard)]
    if isinstance(stmt, ast.AlterTableStmt):
        table = _rel(stmt.relation)
        return [_on(created, table, "altered", f"table {table}", *_alter(cmd)) for cmd in stmt.cmds or ()]
    if isinstance(stmt, ast.DropStmt):
        return _drop(stmt, created)
    if isinstance(stmt, ast.RenameStmt):
        kind = enums.ObjectType(stmt.renameType).name.removeprefix("OBJECT_").lower().replace("_", " ")
        target = _rel(stmt.relation) if stmt.relation else ".".join(getattr(p, "sval", str(p)) for p in
                                                                   _parts(stmt.object or ()))
        return [_on(created, target, "altered", f"{kind} {target}", f"renames it to {stmt.newname}", hazards.RENAME)]
    if isinstance(stmt, ast.LockStmt):
        hazard = hazards.explicit_lock(stmt.mode)
        return [_on(created, _rel(r), "other", f"table {_rel(r)}", f"LOCK TABLE IN {hazard.lock_text} MODE", hazard)
                for r in stmt.relations]
    if isinstance(stmt, (ast.UpdateStmt, ast.DeleteStmt)):
        table = _rel(stmt.relation)
        verb = "updates" if isinstance(stmt, ast.UpdateStmt) else "deletes"
        return [_on(created, table, "changed data", f"table {table}", f"{verb} rows",
                    hazards.write_rows(stmt.whereClause is None, verb))]
    if isinstance(stmt, ast.InsertStmt):
        table = _rel(stmt.relation)
        return [Effect("changed data", f"table {table}", "inserts rows", hazards.INSERT)]
    if isinstance(stmt, ast.TruncateStmt):
        return [_on(created, _rel(r), "changed data", f"table {_rel(r)}", "empties the table", hazards.TRUNCATE)
                for r in stmt.relations]
    if isinstance(stmt, ast.CreatePolicyStmt):
        table = _rel(stmt.table)
        return [_on(created, table, "created", f"policy {stmt.policy_name} on {table}", "creates a policy",
                    hazards.POLICY)]
    if isinstance(stmt, ast.CreateTrigStmt):
        table = _rel(stmt.relation)
        return [_on(created, table, "created", f"trigger {stmt.trigname} on {table}", "creates a trigger",
                    hazards.TRIGGER)]
    if isinstance(stmt, ast.CreateExtensionStmt):
        return [Effect("created", f"extension {stmt.extname}", "creates the extension (if missing)", hazards.NO_LOCK)]
    if isinstance(stmt, ast.CreateSchemaStmt):
        return [Effect("created", f"schema {stmt.schemaname}", "creates a schema", hazards.NO_LOCK)]
    if isinstance(stmt, ast.CreateFunctionStmt):
        name = ".".join(part.sval for part in stmt.funcname)
        return [Effect("created", f"function {name}", "creates or replaces a function", hazards.NO_LOCK)]
    if isinstance(stmt, ast.DoStmt):
        return [Effect("other", "DO block", "runs procedural code (effects not analysed)", hazards.NOT_ANALYSED)]
    if isinstance(stmt, (ast.GrantStmt, ast.CommentStmt)):
        return [Effect("altered", "privileges" if isinstance(stmt, ast.GrantStmt) else "comment",
                       "changes the catalog only", hazards.NO_LOCK)]
    return [Effect("other", type(stmt).__name__, "not analysed", hazards.NOT_ANALYSED)]


def _drop(stmt, created: set[str]) -> list[Effect]:
    kind = enums.ObjectType(stmt.removeType).name.removeprefix("OBJECT_").lower().replace("_", " ")
    if kind in ("function", "procedure", "aggregate", "routine"):
        return [Effect("dropped", f"{kind} {_signature(obj)}", f"drops the {kind}", hazards.DROP_ROUTINE)
                for obj in stmt.objects]
    parts = [[getattr(part, "sval", str(part)) for part in _parts(obj)] for obj in stmt.objects]
    if kind in ("policy", "trigger"):  # DROP POLICY p ON t: the name's last part, then its table
        hazard = hazards.POLICY if kind == "policy" else hazards.TRIGGER
        tables = [".".join(p[:-1]) if len(p) > 2 else f"public.{p[0]}" for p in parts]
        return [_on(created, table, "dropped", f"{kind} {p[-1]} on {table}", f"drops the {kind}", hazard)
                for p, table in zip(parts, tables)]
    if stmt.concurrent:
        hazard = hazards.DROP_INDEX_CONCURRENTLY
    elif kind == "table":
        hazard = hazards.DROP_TABLE
    else:
        hazard = hazards.DROP_RELATION if kind in ("index", "view", "materialized view") else hazards.NO_LOCK
    return [Effect("dropped", f"{kind} {'.'.join(p)}", f"drops the {kind}", hazard) for p in parts]


def _alter(cmd) -> tuple[str, Hazard]:
    """(what it does, its hazard) for one ALTER TABLE subcommand."""
    subtype = enums.AlterTableType(cmd.subtype).name
    if subtype == "AT_AddConstraint" and isinstance(cmd.def_, ast.Constraint):
        constr = enums.ConstrType(cmd.def_.contype).name
        hazard = hazards.CONSTRAINT.get(constr, hazards.CONSTRAINT_OTHER)
        if getattr(cmd.def_, "skip_validation", False):
            hazard = Hazard(hazard.lock, lock_note=hazard.lock_note, note=hazards.NOT_VALID_NOTE)
        return CONSTRAINT_WHAT.get(constr, "adds a constraint {name}").format(name=cmd.def_.conname or ""), hazard
    if subtype == "AT_AddColumn" and isinstance(cmd.def_, ast.ColumnDef):
        return ALTER_WHAT[subtype].format(name=cmd.def_.colname), hazards.ALTER_TABLE[subtype]
    if subtype not in hazards.ALTER_TABLE:
        return subtype.removeprefix("AT_"), hazards.ALTER_TABLE_OTHER
    return ALTER_WHAT[subtype].format(name=cmd.name or ""), hazards.ALTER_TABLE[subtype]


def _on(created: set[str], table: str, action: str, obj: str, what: str, hazard: Hazard) -> Effect:
    return Effect(action, obj, what, hazard, on_new_table=table in created)


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
