"""An existing table, column, view or function is renamed.

Every query, view, function and client that uses the old name fails from the moment the
migration commits; the old and new releases of an application cannot both run. Add the new name
beside the old one (a view, a generated column, a wrapper function), move the callers, then drop
the old name.
"""

from pglast import ast, enums

from ... import hazards
from . import qualified

HAZARD = hazards.RENAME
LEVEL = "error"
FIX = "Add the new name beside the old (a view or a wrapper), move every caller, then remove the old name."
FAILING = "ALTER TABLE public.customers RENAME COLUMN phone TO phone_number;\n"
PASSING = "CREATE TABLE public.scratch (id bigint PRIMARY KEY);\nALTER TABLE public.scratch RENAME TO scratch_v2;\n"


def check(statement, context):
    node = statement.node
    if not isinstance(node, ast.RenameStmt):
        return
    kind = enums.ObjectType(node.renameType).name.removeprefix("OBJECT_").lower().replace("_", " ")
    if node.relation is not None:
        table = qualified(node.relation)
        if context.existing(table):
            what = f"column {table}.{node.subname}" if node.subname else f"{kind} {table}"
            yield f"renames {what} to {node.newname}: every caller using the old name breaks", table
    else:
        parts = node.object if isinstance(node.object, (list, tuple)) else [node.object]
        name = ".".join(getattr(p, "sval", None) or _signature(p) for p in parts)
        yield f"renames {kind} {name} to {node.newname}: every caller using the old name breaks", name


def _signature(obj) -> str:
    return ".".join(p.sval for p in getattr(obj, "objname", ()) or ())
