"""A PRIMARY KEY, UNIQUE or EXCLUDE constraint added to an existing table builds its index in place.

The index is built under ACCESS EXCLUSIVE: reads and writes wait for the whole build. Build a
unique index CONCURRENTLY first (a migration marked `-- transactional: false`), then add the
constraint USING INDEX, which only takes the lock for a moment.
"""

from pglast import enums

from ... import hazards
from . import added_constraints, altered

HAZARD = hazards.CONSTRAINT["CONSTR_UNIQUE"]
LEVEL = "error"
FIX = ("CREATE UNIQUE INDEX CONCURRENTLY first; then ALTER TABLE ... ADD CONSTRAINT name "
       "PRIMARY KEY/UNIQUE USING INDEX index_name.")
FAILING = "ALTER TABLE public.customers ADD CONSTRAINT customers_email_key UNIQUE (org_id, email);\n"
PASSING = ("ALTER TABLE public.customers\n"
           "    ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_idx;\n")
BUILDS = {enums.ConstrType.CONSTR_PRIMARY: "PRIMARY KEY", enums.ConstrType.CONSTR_UNIQUE: "UNIQUE",
          enums.ConstrType.CONSTR_EXCLUSION: "EXCLUDE"}


def check(statement, context):
    for table, constraint in added_constraints(statement, context, BUILDS):
        if not constraint.indexname:
            yield (f"adds {BUILDS[constraint.contype]} {constraint.conname or ''} to {table}: its index is built "
                   f"under {HAZARD.lock.label} while {HAZARD.lock.waits} wait"), table
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_AddColumn):  # ADD COLUMN c t UNIQUE
        for constraint in (c for c in getattr(cmd.def_, "constraints", None) or () if c.contype in BUILDS):
            name = f" {constraint.conname}" if constraint.conname else ""
            yield (f"adds column {cmd.def_.colname} to {table} with {BUILDS[constraint.contype]}{name}: its index is "
                   f"built under {HAZARD.lock.label} while {HAZARD.lock.waits} wait"), table
