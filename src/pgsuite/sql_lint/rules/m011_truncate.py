"""An existing table is truncated.

TRUNCATE removes every row under ACCESS EXCLUSIVE; the rows cannot be brought back by a
rollback file. A table created earlier in the same migration is exempt.
"""

from pglast import ast

from ... import hazards
from . import qualified

HAZARD = hazards.TRUNCATE
LEVEL = "error"
FIX = "Delete what must go with a WHERE, in batches, or keep a copy first; if emptying is the intent, say so with --allow-unsafe."
FAILING = "TRUNCATE public.webhook_delivery_log;\n"
PASSING = "DELETE FROM public.webhook_delivery_log WHERE created_at < now() - interval '90 days';\n"


def check(statement, context):
    node = statement.node
    if isinstance(node, ast.TruncateStmt):
        for relation in node.relations:
            table = qualified(relation)
            if context.existing(table):
                yield f"truncates {table}: every row is lost", table
