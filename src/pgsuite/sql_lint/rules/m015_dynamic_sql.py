"""Dynamic SQL that pgsuite cannot read.

An EXECUTE whose text is built at run time (concatenation, variables, format() of a variable)
runs statements no rule can see: a DROP or a blocking ALTER inside it goes unjudged. EXECUTE of
a literal, or of format() with a literal template, is read and judged like any statement.
"""

LEVEL = "warning"
FIX = "Prefer static SQL, or format() with a literal template; otherwise review what it runs and suppress with the reason."
FAILING = ("DO $$\nDECLARE t text := 'appointments';\n"
           "BEGIN\n    EXECUTE 'ANALYZE public.' || t;\nEND\n$$;\n")
PASSING = ("DO $$\nDECLARE t text := 'appointments';\n"
           "BEGIN\n    EXECUTE format('ANALYZE public.%I', t);\nEND\n$$;\n")


def check(statement, context):
    if statement.node is None:
        yield f"{statement.text[:100]} {statement.where}: the SQL is built at run time and was not analysed", ""
