"""DROP INDEX without CONCURRENTLY.

A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes wait,
and while it waits for a running query, every query queued behind it waits too. DROP INDEX
CONCURRENTLY waits for running queries without blocking new ones (outside a transaction: a
migration marked `-- transactional: false`). An index created earlier in the same migration is
exempt.
"""

from pglast import ast, enums

from ... import hazards

HAZARD = hazards.DROP_RELATION
LEVEL = "error"
FIX = "Use DROP INDEX CONCURRENTLY, alone in a migration marked `-- transactional: false`."
FAILING = "DROP INDEX public.idx_appointments_service;\n"
PASSING = "-- transactional: false\nDROP INDEX CONCURRENTLY public.idx_appointments_service;\n"


def check(statement, context):
    node = statement.node
    if (isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_INDEX
            and not node.concurrent):
        for obj in node.objects:
            parts = [p.sval for p in (obj if isinstance(obj, (list, tuple)) else [obj])]
            name = ".".join(parts if len(parts) > 1 else ["public", *parts])
            if name not in context.new_indexes:
                yield (f"DROP INDEX {name} without CONCURRENTLY holds {HAZARD.lock.label} on its table: "
                       f"{HAZARD.lock.waits} wait"), name
