"""A column added to an existing table forces a rewrite of the table.

Since PostgreSQL 11 a new column with a constant or stable default (now(), say) is instant. A
volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(): so also serial and
identity columns) or a STORED generated column makes PostgreSQL rewrite every row under ACCESS
EXCLUSIVE while reads and writes wait.
"""

from pglast import ast, enums

from ... import hazards
from . import altered

HAZARD = hazards.ALTER_TABLE["AT_AddColumn"]
LEVEL = "error"
FIX = ("Add the column without a default (or with a constant one), set the volatile default afterwards "
       "(ALTER COLUMN ... SET DEFAULT applies to new rows only), and backfill existing rows in batches.")
FAILING = "ALTER TABLE public.customers ADD COLUMN external_id uuid DEFAULT gen_random_uuid();\n"
PASSING = ("ALTER TABLE public.customers ADD COLUMN external_id uuid;\n"
           "ALTER TABLE public.customers ALTER COLUMN external_id SET DEFAULT gen_random_uuid();\n")
VOLATILE = {"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp", "timeofday",
            "nextval", "uuidv7", "uuidv4", "random_normal"}
SERIAL = {"serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"}


def check(statement, context):
    for table, cmd in altered(statement, context, enums.AlterTableType.AT_AddColumn):
        why = _rewrite(cmd.def_) if isinstance(cmd.def_, ast.ColumnDef) else ""
        if why:
            yield (f"adds column {cmd.def_.colname} to {table} with {why}: every row is rewritten under "
                   f"{HAZARD.lock.label} while {HAZARD.lock.waits} wait"), table


def _rewrite(column) -> str:
    type_name = column.typeName.names[-1].sval if column.typeName else ""
    if type_name in SERIAL:
        return f"type {type_name} (a nextval() default)"
    for constraint in column.constraints or ():
        if constraint.contype == enums.ConstrType.CONSTR_IDENTITY:
            return "an identity"
        if constraint.contype == enums.ConstrType.CONSTR_GENERATED:
            return "a STORED generated expression"
        if constraint.contype == enums.ConstrType.CONSTR_DEFAULT:
            called = sorted(_functions(constraint.raw_expr) & VOLATILE)
            if called:
                return f"a volatile default ({', '.join(called)})"
    return ""


def _functions(node) -> set[str]:
    """Names of the functions an expression calls, however deep."""
    found = set()
    for sub in _descend(node):
        if isinstance(sub, ast.FuncCall):
            found.add(sub.funcname[-1].sval)
    return found


def _descend(node):
    if isinstance(node, ast.Node):
        yield node
        for name in node:
            yield from _descend(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _descend(item)
