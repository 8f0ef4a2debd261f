"""CREATE INDEX without CONCURRENTLY on an existing table.

A plain CREATE INDEX holds a SHARE lock on the table until the index is built: every INSERT,
UPDATE and DELETE waits for as long as the build takes, which grows with the table. CREATE INDEX
CONCURRENTLY builds it without blocking writes; it cannot run inside a transaction, so it goes
alone in a migration marked `-- transactional: false`. A table created earlier in the same
migration (or deployment) is exempt: nobody can be waiting on it.
"""

from pglast import ast

from ... import hazards
from . import qualified

HAZARD = hazards.CREATE_INDEX
LEVEL = "error"
FIX = "Use CREATE INDEX CONCURRENTLY, alone in a migration marked `-- transactional: false`."
FAILING = "CREATE INDEX idx_appointments_notes ON public.appointments (notes);\n"
PASSING = ("-- transactional: false\n"
           "CREATE INDEX CONCURRENTLY idx_appointments_notes ON public.appointments (notes);\n")


def check(statement, context):
    node = statement.node
    if isinstance(node, ast.IndexStmt) and not node.concurrent and context.existing(qualified(node.relation)):
        table = qualified(node.relation)
        yield (f"CREATE INDEX {node.idxname or ''} without CONCURRENTLY holds {HAZARD.lock.label} on {table}: "
               f"{HAZARD.lock.waits} wait until the index is built"), table
