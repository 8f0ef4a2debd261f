"""SQL files as the statements PostgreSQL will run, each with its file and line, including
the statements inside DO blocks and PL/pgSQL and SQL function bodies, so that DDL found there
is judged like top-level DDL.

Parsed with PostgreSQL's own parsers (pglast: `parse_sql`, `parse_plpgsql`). Dynamic SQL
(`EXECUTE`) is read when its text is a literal, or a `format()` of a literal (placeholders
filled with a dummy name); otherwise it is kept as a statement pgsuite cannot read.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pglast
from pglast import ast

from ..errors import ConfigError

# `-- pgsuite-ignore: RULE reason` in the comment lines right above a statement (or on its line)
IGNORE = re.compile(r"--\s*pgsuite-ignore:\s*(\S+)\s*(.*?)\s*$")
TRANSACTIONAL = re.compile(r"^--\s*transactional\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
FORMAT_PLACEHOLDER = re.compile(r"%(\d+\$)?[-]?[sIL]")
DUMMY = "pgsuite_dynamic"


@dataclass(frozen=True)
class Statement:
    file: str  # as given, relative to the project when under it
    line: int  # of its first token
    text: str
    node: object | None  # pglast AST node; None for dynamic SQL pgsuite cannot read
    context: str = ""  # "" at top level; "DO block", "function public.f(uuid)" inside one
    ignores: tuple[tuple[str, str], ...] = ()  # (rule, reason) from pgsuite-ignore comments

    @property
    def where(self) -> str:
        return f"in the {self.context}" if self.context else ""


@dataclass
class SqlFile:
    path: Path
    name: str  # how findings name it
    role: str  # migration | rollback | repeatable | scenario | sql
    text: str
    transactional: bool = True  # yoyo's `-- transactional:` directive (migrations)
    statements: list[Statement] = field(default_factory=list)
    syntax_error: tuple[int, str] | None = None  # (line, message) when PostgreSQL's parser refuses it


# Files read, by path, name, role and content, for the life of the process (read-only once made):
# the deploy's gate reads every file of the project, once per target of a fleet.
_READ: dict[tuple, SqlFile] = {}


def read(path: Path, name: str, role: str, text: str | None = None) -> SqlFile:
    """The file's statements (`text`: its content, when already read); a syntax error is kept
    (lint reports it), unreadable text is bad input."""
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read it ({exc.strerror})") from exc
    key = (str(path), name, role, text)
    if key not in _READ:
        _READ[key] = _read(path, name, role, text)
    return _READ[key]


def _read(path: Path, name: str, role: str, text: str) -> SqlFile:
    directive = TRANSACTIONAL.search(text)
    sql_file = SqlFile(path, name, role, text,
                       transactional=not (directive and directive.group(1).lower() == "false"))
    try:
        raws = pglast.parse_sql(text)
    except pglast.parser.ParseError as exc:
        message, index = (exc.args + (None,))[:2]
        sql_file.syntax_error = (_line(text, index) if isinstance(index, int) else 1, str(message))
        return sql_file
    for raw in raws:
        start = _first_token(text, raw.stmt_location or 0)
        chunk = text[start:(raw.stmt_location or 0) + (raw.stmt_len or len(text))]
        line = _line(text, start)
        top = Statement(name, line, chunk.strip(), raw.stmt, ignores=_ignores(text, line))
        sql_file.statements.append(top)
        sql_file.statements += nested(top)
    return sql_file


def nested(statement: Statement) -> list[Statement]:
    """The statements inside a DO block or a function's body, with their lines in the file."""
    node = statement.node
    if isinstance(node, ast.DoStmt):
        options = {d.defname: d.arg for d in node.args or ()}
        language = getattr(options.get("language"), "sval", "plpgsql")
        body = getattr(options.get("as"), "sval", "")
        if language != "plpgsql":
            return []
        wrapper = f"CREATE FUNCTION pg_temp.pgsuite_do() RETURNS void LANGUAGE plpgsql AS {_quoted(body)}"
        return _plpgsql(statement, wrapper, body, "DO block")
    if isinstance(node, ast.CreateFunctionStmt):
        options = {d.defname: d.arg for d in node.options or ()}
        language = getattr(options.get("language"), "sval", "sql")
        name = ".".join(p.sval for p in node.funcname)
        context = f"{'procedure' if node.is_procedure else 'function'} {name}"
        if node.sql_body is not None:  # BEGIN ATOMIC ... END or RETURN ...
            parts = node.sql_body if isinstance(node.sql_body, tuple) else (node.sql_body,)
            flat = [s for p in parts for s in (p if isinstance(p, tuple) else (p,)) if s is not None]
            return [Statement(statement.file, statement.line, "", s, context, statement.ignores) for s in flat]
        body_parts = options.get("as")
        body = body_parts[0].sval if isinstance(body_parts, tuple) and body_parts else ""
        if language == "plpgsql":
            return _plpgsql(statement, statement.text, body, context)
        if language == "sql" and body:
            return _parsed(statement, body, body_line(statement, body), context)
    return []


def _plpgsql(statement: Statement, function_text: str, body: str, context: str) -> list[Statement]:
    try:
        tree = pglast.parse_plpgsql(function_text)
    except pglast.parser.ParseError:
        return []  # the server reports a broken body when it compiles it; compilation checks say so
    first = body_line(statement, body)
    found = []
    for kind, item in _walk(tree):
        lineno = first + max(item.get("lineno", 1), 1) - 1
        if kind == "PLpgSQL_stmt_execsql":
            query = item["sqlstmt"]["PLpgSQL_expr"]["query"]
            found += _parsed(statement, query, lineno, context)
        elif kind == "PLpgSQL_stmt_dynexecute":
            expression = item["query"]["PLpgSQL_expr"]["query"]
            literal = _literal_sql(expression)
            if literal is None:
                found.append(Statement(statement.file, lineno, f"EXECUTE {expression}", None, context,
                                       statement.ignores))
            else:
                found += _parsed(statement, literal, lineno, context)
    for lineno, query in _expressions(tree):  # PERFORM, assignments, conditions: their function calls
        found += _parsed(statement, query, first + max(lineno, 1) - 1, context)
    return found


# parse modes of PL/pgSQL expressions (parse_plpgsql): a whole SELECT, an expression, an assignment
_SELECT, _EXPRESSION, _ASSIGNMENT = 0, 2, 3


def _expressions(tree, lineno: int = 1):
    """(line, a SELECT the expression is) of every PL/pgSQL expression but the SQL statements and
    EXECUTEs, which _plpgsql reads as such."""
    if isinstance(tree, list):
        for item in tree:
            yield from _expressions(item, lineno)
        return
    if not isinstance(tree, dict):
        return
    for key, value in tree.items():
        if key in ("PLpgSQL_stmt_execsql", "PLpgSQL_stmt_dynexecute"):
            continue
        if key == "PLpgSQL_expr" and isinstance(value, dict):
            query, mode = value.get("query", ""), value.get("parseMode", _SELECT)
            if mode == _SELECT:
                yield lineno, query
            elif mode == _EXPRESSION:
                yield lineno, f"SELECT {query}"
            elif mode == _ASSIGNMENT and ":=" in query:
                yield lineno, f"SELECT {query.split(':=', 1)[1]}"
            continue
        here = value.get("lineno", lineno) if isinstance(value, dict) else lineno
        yield from _expressions(value, here)


def _parsed(statement: Statement, query: str, line: int, context: str) -> list[Statement]:
    """Each statement of a query found in a body (dynamic SQL may hold several), at its own line."""
    try:
        raws = pglast.parse_sql(query)
    except pglast.parser.ParseError:
        return []
    found = []
    for raw in raws:
        start = _first_token(query, raw.stmt_location or 0)
        end = (raw.stmt_location or 0) + (raw.stmt_len or len(query))
        found.append(Statement(statement.file, line + _line(query, start) - 1, query[start:end].strip(), raw.stmt,
                               context, statement.ignores))
    return found


def _literal_sql(expression: str) -> str | None:
    """The SQL an EXECUTE runs when pgsuite can read it: a string literal, or format() of one."""
    try:
        value = pglast.parse_sql(f"SELECT {expression}")[0].stmt.targetList[0].val
    except (pglast.parser.ParseError, AttributeError, IndexError):
        return None
    if isinstance(value, ast.A_Const) and isinstance(value.val, ast.String):
        return value.val.sval
    if (isinstance(value, ast.FuncCall) and [p.sval for p in value.funcname][-1] == "format" and value.args
            and isinstance(value.args[0], ast.A_Const) and isinstance(value.args[0].val, ast.String)):
        return FORMAT_PLACEHOLDER.sub(DUMMY, value.args[0].val.sval)
    return None


def _walk(tree):
    """(node kind, its fields) for every node of a parse_plpgsql tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key.startswith("PLpgSQL_stmt") and isinstance(value, dict):
                yield key, value
            yield from _walk(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _walk(item)


def _ignores(text: str, line: int) -> tuple[tuple[str, str], ...]:
    """pgsuite-ignore comments on the statement's first line and in the comment lines right above."""
    lines = text.splitlines()
    found = []
    index = line - 1
    candidates = [lines[index]] if index < len(lines) else []
    index -= 1
    while index >= 0 and lines[index].strip().startswith("--"):
        candidates.append(lines[index])
        index -= 1
    for candidate in candidates:
        match = IGNORE.search(candidate)
        if match:
            found.append((match.group(1), match.group(2)))
    return tuple(found)


def body_line(statement: Statement, body: str) -> int:
    """The file line of a body's first line: where the body's text starts in the statement."""
    at = statement.text.find(body) if body else -1
    return statement.line + (statement.text.count("\n", 0, at) if at >= 0 else 0)


def _quoted(body: str) -> str:
    tag = "$pgsuite$"
    return f"{tag}{body}{tag}"


def _first_token(text: str, start: int) -> int:
    """Past the blank lines and comments pglast counts as part of a statement."""
    pattern = re.compile(r"\s*(--[^\n]*\n?|/\*.*?\*/)?", re.DOTALL)
    position = start
    while True:
        match = pattern.match(text, position)
        if not match or match.end() == position:
            return position
        position = match.end()


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def dotted(names) -> str:
    """schema.name of a name as the parser splits it (a list of String nodes; unqualified: public)."""
    parts = [getattr(n, "sval", "") for n in (names if isinstance(names, (list, tuple)) else [names]) or ()]
    return ".".join(parts if len(parts) > 1 else ["public", *parts])


def created_name(node) -> str | None:
    """schema.name of what a CREATE statement makes (a table, view, index, function, type ...), as
    it names it (unqualified: public); None for any other statement."""
    def relation(rv) -> str:
        return f"{rv.schemaname or 'public'}.{rv.relname}"

    if isinstance(node, (ast.CreateStmt, ast.CreateForeignTableStmt)):
        return relation(node.relation if isinstance(node, ast.CreateStmt) else node.base.relation)
    if isinstance(node, ast.ViewStmt):
        return relation(node.view)
    if isinstance(node, ast.CreateTableAsStmt) and node.into is not None:
        return relation(node.into.rel)
    if isinstance(node, ast.IndexStmt) and node.idxname:
        return f"{node.relation.schemaname or 'public'}.{node.idxname}"
    if isinstance(node, ast.CreateFunctionStmt):
        return dotted(node.funcname)
    if isinstance(node, (ast.CompositeTypeStmt,)):
        return relation(node.typevar)
    if isinstance(node, (ast.CreateEnumStmt, ast.CreateDomainStmt)):
        return dotted(node.typeName if isinstance(node, ast.CreateEnumStmt) else node.domainname)
    if isinstance(node, ast.CreateSeqStmt):
        return relation(node.sequence)
    if isinstance(node, ast.CreatePolicyStmt):
        return f"{relation(node.table)}.{node.policy_name}"
    if isinstance(node, ast.CreateTrigStmt):
        return f"{relation(node.relation)}.{node.trigname}"
    return None
