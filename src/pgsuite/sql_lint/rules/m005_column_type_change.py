"""The type of an existing table's column changes.

ALTER COLUMN ... TYPE holds ACCESS EXCLUSIVE and, unless the old and new types are
binary-compatible (varchar(n) to a longer varchar or to text, say), rewrites the table and
rebuilds its indexes while reads and writes wait. Callers that rely on the old type may break.
"""

from pglast import enums

from ... import hazards
from . import altered

HAZARD = hazards.ALTER_TABLE["AT_AlterColumnType"]
LEVEL = "error"
FIX = ("Add a column of the new type, backfill it in batches, switch the callers, then drop the old one; "
       "or, for a binary-compatible change, suppress this with the reason.")
FAILING = "ALTER TABLE public.customers ALTER COLUMN phone TYPE varchar(20);\n"
PASSING = "ALTER TABLE public.customers ADD COLUMN phone_e164 varchar(20);\n"


def check(statement, context):
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_AlterColumnType):
        yield (f"changes the type of column {cmd.name} of {table}: {HAZARD.lock.label}, and a rewrite of the "
               "table and its indexes unless the types are binary-compatible"), table
