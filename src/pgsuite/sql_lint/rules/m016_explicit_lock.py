"""LOCK TABLE on an existing table.

An explicit lock is held until the migration's transaction ends; in a strong mode every query on
the table queues behind it (and behind it while it waits). Sometimes that is the point; say so.
"""

from pglast import ast

from ... import hazards
from . import qualified

LEVEL = "warning"
FIX = "Prefer statements that take the lock they need; if the explicit lock is intended, suppress with the reason."
FAILING = "LOCK TABLE public.appointments IN ACCESS EXCLUSIVE MODE;\n"
PASSING = "CREATE TABLE public.scratch (id bigint PRIMARY KEY);\nLOCK TABLE public.scratch IN ACCESS EXCLUSIVE MODE;\n"


def check(statement, context):
    node = statement.node
    if isinstance(node, ast.LockStmt):
        for relation in node.relations:
            table = qualified(relation)
            if context.existing(table):
                yield f"LOCK TABLE {table} IN {hazards.explicit_lock(node.mode).lock_text} MODE, held until the transaction ends", table
