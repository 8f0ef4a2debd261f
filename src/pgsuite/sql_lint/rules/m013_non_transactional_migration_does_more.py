"""A migration marked `-- transactional: false` does more than what needs it.

Without a transaction, a failure part-way leaves the statements before it applied: the database
is neither before nor after the migration, and re-running it fails on what already exists. Keep
such a migration to the statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY,
say) and put everything else in ordinary migrations.
"""

from .m012_concurrently_in_transaction import needs_no_transaction

LEVEL = "warning"
FIX = "Move every statement that can run in a transaction into a migration of its own."
FAILING = ("-- transactional: false\n"
           "ALTER TABLE public.appointments ADD COLUMN source text;\n"
           "CREATE INDEX CONCURRENTLY idx_appointments_source ON public.appointments (source);\n")
PASSING = ("-- transactional: false\n"
           "CREATE INDEX CONCURRENTLY idx_appointments_source ON public.appointments (source);\n")


def check(statement, context):
    if context.file.transactional or context.file.role not in ("migration", "sql") or statement.context:
        return
    if not needs_no_transaction(statement.node):
        first = statement.text.splitlines()[0] if statement.text else type(statement.node).__name__
        yield f"runs outside a transaction without needing to ({first[:80]}): a failure after it leaves it applied", ""
