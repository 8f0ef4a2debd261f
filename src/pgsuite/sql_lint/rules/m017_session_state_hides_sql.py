"""A statement changes how the server reads the SQL after it, or ends the migration's transaction.

pgsuite judges a file by parsing it as PostgreSQL does with its defaults. After `SET
standard_conforming_strings = off` (or a change of backslash_quote, a RESET ALL, a DISCARD) a
backslash ends or escapes a string otherwise, so the server runs statements that no rule saw: a
DROP can hide in what pgsuite read as a string. A COMMIT or BEGIN in a migration that yoyo runs in
one transaction breaks it in two: a failure after it leaves half the migration applied.
"""

from ...parse.session_state import reader_changes, transaction_control

LEVEL = "error"
FIX = ("Leave standard_conforming_strings and backslash_quote as they are (write E'...' strings for escapes), "
       "and let pgsuite run each migration in its transaction (`-- transactional: false` for one that needs none).")
FAILING = ("SET LOCAL standard_conforming_strings = off;\n"
           "SELECT 'a\\' AS x, ' ; DROP TABLE public.services; SELECT ''' AS y;\n")
PASSING = "SELECT E'it\\'s' AS x;\nSAVEPOINT before_cleanup;\n"


def check(statement, context):
    if statement.node is None or context.file.role not in ("migration", "repeatable", "sql"):
        return
    for why in reader_changes(statement.node):
        yield f"{statement.text.splitlines()[0][:80] if statement.text else 'a statement'} {statement.where}: {why}", ""
    ends = transaction_control(statement.node)
    if ends and (context.file.transactional or context.file.role == "repeatable"):
        yield (f"{ends} inside a file that runs in one transaction: a failure after it leaves part of the file "
               "applied"), ""
