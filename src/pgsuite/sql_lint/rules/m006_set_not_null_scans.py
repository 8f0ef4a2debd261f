"""SET NOT NULL on a column of an existing table.

PostgreSQL scans the whole table to prove there is no NULL, holding ACCESS EXCLUSIVE (reads and
writes wait) for the whole scan. Since PostgreSQL 12 the scan is skipped when a validated CHECK
(column IS NOT NULL) constraint already proves it: add that constraint NOT VALID, validate it in
a later migration (SHARE UPDATE EXCLUSIVE: writes go on), then SET NOT NULL.
"""

from pglast import enums

from ... import hazards
from . import altered

HAZARD = hazards.ALTER_TABLE["AT_SetNotNull"]
LEVEL = "error"
FIX = ("ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in the next migration; "
       "then SET NOT NULL, which uses it instead of scanning.")
FAILING = "ALTER TABLE public.customers ALTER COLUMN email SET NOT NULL;\n"
PASSING = ("ALTER TABLE public.customers\n"
           "    ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n")


def check(statement, context):
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_SetNotNull):
        yield (f"SET NOT NULL on {table}.{cmd.name} scans the whole table under {HAZARD.lock.label}: "
               f"{HAZARD.lock.waits} wait"), table
