"""An UPDATE or DELETE without WHERE on an existing table.

It locks and rewrites (or deletes) every row in one transaction: concurrent writers of any row
wait until the migration commits, the table bloats by its own size, and replicas lag. Backfills
belong in batches.
"""

from pglast import ast

from ... import hazards
from . import qualified

HAZARD = hazards.write_rows(every_row=True, verb="writes")
LEVEL = "warning"
FIX = "Write the rows in batches (by key ranges), each in its own transaction, or add the WHERE that was meant."
FAILING = "UPDATE public.appointments SET notes = '';\n"
PASSING = "UPDATE public.appointments SET notes = '' WHERE notes IS NULL AND id = '00000000-0000-0000-0000-000000000000';\n"


def check(statement, context):
    node = statement.node
    if isinstance(node, (ast.UpdateStmt, ast.DeleteStmt)) and node.whereClause is None:
        table = qualified(node.relation)
        if context.existing(table):
            verb = "updates" if isinstance(node, ast.UpdateStmt) else "deletes"
            yield f"{verb} every row of {table} in one transaction {statement.where}".rstrip(), table
