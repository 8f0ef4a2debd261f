"""A CHECK or FOREIGN KEY constraint added to an existing table without NOT VALID.

Adding it validates every row at once: a CHECK under ACCESS EXCLUSIVE (reads and writes wait), a
foreign key under SHARE ROW EXCLUSIVE on both tables (writes wait), for a whole scan. Add it NOT
VALID (new rows are checked from then on) and VALIDATE CONSTRAINT in a later migration, which
takes only SHARE UPDATE EXCLUSIVE.
"""

from pglast import enums

from ... import hazards
from . import added_constraints

HAZARD = hazards.CONSTRAINT["CONSTR_CHECK"]
LEVEL = "error"
FIX = "ADD CONSTRAINT ... NOT VALID now; ALTER TABLE ... VALIDATE CONSTRAINT in a later migration."
FAILING = ("ALTER TABLE public.appointments\n"
           "    ADD CONSTRAINT appointments_notes_length CHECK (length(notes) < 10000);\n")
PASSING = ("ALTER TABLE public.appointments\n"
           "    ADD CONSTRAINT appointments_notes_length CHECK (length(notes) < 10000) NOT VALID;\n")
CHECKED = {enums.ConstrType.CONSTR_CHECK: "CHECK", enums.ConstrType.CONSTR_FOREIGN: "FOREIGN KEY"}
HAZARDS = {kind: hazards.CONSTRAINT[kind.name] for kind in CHECKED}


def check(statement, context):
    for table, constraint in added_constraints(statement, context, CHECKED):
        if not constraint.skip_validation:
            hazard = HAZARDS[constraint.contype]
            yield (f"adds {CHECKED[constraint.contype]} {constraint.conname or ''} to {table} without NOT VALID: "
                   f"every row is checked at once under {hazard.lock.label} while {hazard.lock.waits} wait"), table
