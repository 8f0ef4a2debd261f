"""What in project SQL would defeat pgsuite's reading of it, or reach past its transaction.

pgsuite judges SQL by parsing it with PostgreSQL's own parser (pglast), with the server's
defaults: a statement that changes how the server reads the statements after it
(standard_conforming_strings, backslash_quote: a backslash then ends or escapes a string
differently) makes the server run SQL that the gate and the scenario guard never saw. A
scenario runs in a transaction that verify rolls back: one that ends it, lifts its timeouts or
acts through another session (dblink) escapes that promise. One place names all of them, for the
lint rule (migrations, repeatable files) and the scenario guard.
"""

from pglast import ast, enums

# settings that change how the server splits and reads SQL text
READER_SETTINGS = {"standard_conforming_strings", "backslash_quote"}
# the bounds a scenario runs under
TIMEOUT_SETTINGS = {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "transaction_timeout"}
# what stays inside a transaction: savepoints (and rolling back to one)
INSIDE = {"TRANS_STMT_SAVEPOINT", "TRANS_STMT_RELEASE", "TRANS_STMT_ROLLBACK_TO"}
# functions whose effect a rollback does not undo: another session's transaction, a file of the
# server's, another backend, a session-level lock that outlives the transaction
ESCAPE_FUNCTIONS = {
    "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query", "dblink_open",
    "pg_background_launch", "lo_import", "lo_export", "pg_file_write", "pg_file_rename", "pg_file_unlink",
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
    "pg_switch_wal", "pg_create_restore_point", "pg_advisory_lock", "pg_advisory_lock_shared",
    "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_logical_emit_message",
}
ESCAPE_EXTENSIONS = {"dblink", "pg_background", "adminpack"}
TRUSTED_LANGUAGES = {"sql", "plpgsql"}


def _walk(node):
    """Every AST node under `node` (itself included)."""
    if isinstance(node, ast.Node):
        yield node
        for name in node:
            yield from _walk(getattr(node, name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)


def _function_name(call: ast.FuncCall) -> str:
    return call.funcname[-1].sval


def _set_config_target(call: ast.FuncCall) -> str | None:
    """The setting a set_config() call changes ("?" when it is not a literal)."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.A_Const) and isinstance(first.val, ast.String):
        return first.val.sval.lower()
    return "?"


def settings_changed(node) -> list[str]:
    """The settings a statement sets or resets ("*" for RESET ALL / DISCARD), set_config() included."""
    found = []
    for item in _walk(node):
        if isinstance(item, ast.VariableSetStmt):
            kind = enums.VariableSetKind(item.kind).name
            found.append("*" if kind == "VAR_RESET_ALL" else (item.name or "").lower())
        elif isinstance(item, ast.DiscardStmt):
            found.append("*")
        elif isinstance(item, ast.FuncCall) and _function_name(item) == "set_config":
            found.append(_set_config_target(item))
    return found


def reader_changes(node) -> list[str]:
    """Why the statement changes how the server reads the SQL after it (empty: it does not)."""
    out = []
    for name in settings_changed(node):
        if name in READER_SETTINGS:
            out.append(f"changes {name}, which decides where a string with a backslash ends: the server would "
                       "then read the statements after it otherwise than pgsuite did")
        elif name == "*":
            out.append("resets every setting (RESET ALL or DISCARD), standard_conforming_strings included")
        elif name == "?":
            out.append("calls set_config() with a setting named at run time, which may change how SQL is read")
    return out


def transaction_control(node) -> str | None:
    """The statement's words when it ends or starts a transaction (savepoints stay inside)."""
    if isinstance(node, ast.TransactionStmt) and enums.TransactionStmtKind(node.kind).name not in INSIDE:
        return enums.TransactionStmtKind(node.kind).name.removeprefix("TRANS_STMT_")
    return None


def timeout_changes(node) -> list[str]:
    return [name for name in settings_changed(node) if name in TIMEOUT_SETTINGS or name in ("*", "?")]


def escapes(node) -> list[str]:
    """What in the statement acts beyond its own transaction."""
    out = []
    for item in _walk(node):
        if isinstance(item, ast.FuncCall) and _function_name(item) in ESCAPE_FUNCTIONS:
            out.append(f"calls {_function_name(item)}(), whose effect a rollback does not undo")
        elif isinstance(item, ast.CopyStmt) and (item.is_program or item.filename):
            out.append("COPY to or from a file or program of the server's, which a rollback does not undo")
        elif isinstance(item, ast.CreateExtensionStmt) and item.extname in ESCAPE_EXTENSIONS:
            out.append(f"creates extension {item.extname}, which acts through other sessions or server files")
        elif isinstance(item, ast.CreateFunctionStmt):
            options = {d.defname: d.arg for d in item.options or ()}
            language = getattr(options.get("language"), "sval", "sql")
            if language not in TRUSTED_LANGUAGES:
                out.append(f"creates a function in language {language}, whose code pgsuite cannot read")
    return out


def refuse_reader_changes(path, text: str) -> None:
    """ConfigError naming file and line when a statement of the file, at top level or inside a DO
    block or a function body, changes how the server reads SQL: never applied, whatever
    --allow-unsafe says, since what the server would run was not what was judged."""
    from ..errors import ConfigError
    from . import statements

    sql_file = statements.read(path, str(path), "sql", text)
    for statement in sql_file.statements:
        if statement.node is None:
            continue
        for why in reader_changes(statement.node):
            raise ConfigError(f"{path}:{statement.line}: {why} {statement.where}".rstrip()
                              + "; refused (write E'...' strings for escapes)")
