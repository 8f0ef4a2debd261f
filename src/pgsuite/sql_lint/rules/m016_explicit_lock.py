"""LOCK TABLE on an existing table.

An explicit lock is held until the migration's transaction ends; in a strong mode every query on
the table queues behind it (and behind it while it waits). Sometimes that is the point; say so.
"""

from pglast import ast

from . import qualified

LEVEL = "warning"
FIX = "Prefer statements that take the lock they need; if the explicit lock is intended, suppress with the reason."
FAILING = "LOCK TABLE public.appointments IN ACCESS EXCLUSIVE MODE;\n"
PASSING = "CREATE TABLE public.scratch (id bigint PRIMARY KEY);\nLOCK TABLE public.scratch IN ACCESS EXCLUSIVE MODE;\n"
MODES = {1: "ACCESS SHARE", 2: "ROW SHARE", 3: "ROW EXCLUSIVE", 4: "SHARE UPDATE EXCLUSIVE", 5: "SHARE",
         6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: "ACCESS EXCLUSIVE"}


def check(statement, context):
    node = statement.node
    if isinstance(node, ast.LockStmt):
        for relation in node.relations:
            table = qualified(relation)
            if context.existing(table):
                yield f"LOCK TABLE {table} IN {MODES.get(node.mode, '?')} MODE, held until the transaction ends", table
