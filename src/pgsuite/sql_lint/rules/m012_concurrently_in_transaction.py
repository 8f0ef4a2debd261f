"""A statement that cannot run inside a transaction, in a migration that runs in one.

yoyo runs each migration in one transaction unless it says `-- transactional: false`, and a
function or DO block always runs inside one. CREATE/DROP INDEX CONCURRENTLY, REINDEX
CONCURRENTLY, DETACH PARTITION CONCURRENTLY, VACUUM, CREATE DATABASE and ALTER SYSTEM fail
there ("cannot run inside a transaction block"), so the migration fails when it is applied.
"""

from pglast import ast, enums

LEVEL = "error"
FIX = "Put the statement alone in a migration whose first lines say `-- transactional: false`."
FAILING = "CREATE INDEX CONCURRENTLY idx_appointments_notes ON public.appointments (notes);\n"
PASSING = ("-- transactional: false\n"
           "CREATE INDEX CONCURRENTLY idx_appointments_notes ON public.appointments (notes);\n")


def needs_no_transaction(node) -> str:
    """What the statement is, when PostgreSQL refuses to run it inside a transaction block."""
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt) and any(p.defname == "concurrently" for p in node.params or ()):
        return "REINDEX CONCURRENTLY"
    if isinstance(node, ast.AlterTableStmt) and any(
            cmd.subtype == enums.AlterTableType.AT_DetachPartition and getattr(cmd.def_, "concurrent", False)
            for cmd in node.cmds or ()):
        return "DETACH PARTITION CONCURRENTLY"
    if isinstance(node, ast.VacuumStmt) and node.is_vacuumcmd:
        return "VACUUM"
    if isinstance(node, (ast.CreatedbStmt, ast.DropdbStmt, ast.AlterSystemStmt, ast.CreateTableSpaceStmt)):
        return type(node).__name__.removesuffix("Stmt")
    return ""


def check(statement, context):
    what = needs_no_transaction(statement.node)
    if what and (context.file.transactional or statement.context):
        where = statement.where or "this migration's transaction"
        yield f"{what} cannot run inside a transaction block, and it would run {where}", ""
