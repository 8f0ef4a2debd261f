"""The type of an existing table's column changes.

ALTER COLUMN ... TYPE holds ACCESS EXCLUSIVE and, unless the old and new types are
binary-compatible, rewrites the table and rebuilds its indexes while reads and writes wait.
Callers that rely on the old type may break. A widening PostgreSQL makes without a rewrite or a
scan (varchar(n) to a longer varchar or to text, numeric(p,s) to more precision at the same
scale, cidr to inet, a wider varbit or timestamp precision) is not flagged when the column's
old type is known: from the CREATE TABLE, ADD COLUMN or type change earlier in the history, or
from the target with --dsn. A USING clause is taken to rewrite.
"""

from pglast import enums

from ... import hazards
from ..column_types import of_type_name, rewrites
from . import altered

HAZARD = hazards.ALTER_TABLE["AT_AlterColumnType"]
LEVEL = "error"
FIX = ("Add a column of the new type, backfill it in batches, switch the callers, then drop the old one; "
       "or, for a binary-compatible change, suppress this with the reason.")
FAILING = "ALTER TABLE public.customers ALTER COLUMN phone TYPE varchar(20);\n"
PASSING = "ALTER TABLE public.customers ADD COLUMN phone_e164 varchar(20);\n"


def check(statement, context):
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_AlterColumnType):
        new = of_type_name(cmd.def_.typeName) if cmd.def_ is not None else None
        if not rewrites(context.column_type(table, cmd.name), new, using=getattr(cmd.def_, "raw_default", None) is not None):
            continue  # a widening PostgreSQL makes in the catalog alone (varchar(n) to a longer one, to text ...)
        yield (f"changes the type of column {cmd.name} of {table}: {HAZARD.lock.label}, and a rewrite of the "
               "table and its indexes unless the types are binary-compatible"), table
