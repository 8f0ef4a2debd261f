"""A column of an existing table is dropped.

Its data is gone (a rollback brings the column back empty), and every query, view, function
and client that still names it fails from the moment the migration commits. Stop using the
column in a release first, deploy that, then drop it.
"""

from pglast import enums

from ... import hazards
from . import altered

HAZARD = hazards.ALTER_TABLE["AT_DropColumn"]
LEVEL = "error"
FIX = ("Stop reading and writing the column in a release of its own first; drop it once nothing uses it, "
       "with --allow-unsafe and the reason.")
FAILING = "ALTER TABLE public.customers DROP COLUMN phone;\n"
PASSING = "ALTER TABLE public.customers ADD COLUMN nickname text;\n"


def check(statement, context):
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_DropColumn):
        yield f"drops column {cmd.name} of {table}: its data is lost and every caller using it breaks", table
