"""An existing table is dropped.

Its rows are gone (a rollback recreates it empty) and every caller that uses it breaks. A table
created earlier in the same migration is exempt.
"""

from pglast import ast, enums

from ... import hazards

HAZARD = hazards.DROP_TABLE
LEVEL = "error"
FIX = "Stop using the table in a release first; drop it later, with --allow-unsafe and the reason (and a backup)."
FAILING = "DROP TABLE public.appointment_audit_log;\n"
PASSING = "CREATE TABLE public.scratch (id bigint PRIMARY KEY);\nDROP TABLE public.scratch;\n"


def check(statement, context):
    node = statement.node
    if isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_TABLE:
        for obj in node.objects:
            parts = [p.sval for p in (obj if isinstance(obj, (list, tuple)) else [obj])]
            table = ".".join(parts if len(parts) > 1 else ["public", *parts])
            if context.existing(table):
                yield f"drops table {table}: its rows are lost and every caller using it breaks", table
