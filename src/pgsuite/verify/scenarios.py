"""Behavioural scenarios: verify/scenarios/NNNN_slug.sql, each run in a transaction that is
always rolled back, so that running them against production changes nothing.

verify/scenarios/_setup.sql (optional) runs first inside each scenario's transaction, for
shared helpers (temporary functions). A scenario fails by raising; its error is the detail.
Sequences advanced by a scenario stay advanced: sequences are not transactional.

"Always rolled back" holds because a scenario cannot reach past its transaction: every file is
parsed by PostgreSQL's own parser (pglast) before anything runs, DO blocks and function bodies
too, and one that ends the transaction (COMMIT, END, ROLLBACK to no savepoint, BEGIN, PREPARE
TRANSACTION), lifts its timeouts, changes how the server reads SQL (standard_conforming_strings,
backslash_quote, RESET ALL), acts through another session or a server file (dblink, COPY TO
PROGRAM, lo_export, session advisory locks ...) or runs SQL the guard cannot read is refused as
bad input (session_state names them all); after each scenario the transaction must still be
open, or verify stops; a scenario running past its bound is cancelled from outside. A file
found clean is remembered by its content (.pgsuite/cache/scenarios, each entry signed with the
user's key: a planted one is ignored), so an unchanged one is not parsed again.
"""

import importlib.util
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.pq import TransactionStatus

from ..content_cache import ContentCache
from ..project.files import sql_files
from ..errors import CheckFailed, ConfigError
from ..results import Result

SCENARIO_FILE = re.compile(r"^(\d{4}_[a-z0-9_]+)\.sql$")
TITLE = re.compile(r"^--\s*title:\s*(.+?)\s*$", re.MULTILINE)
BOUND_S = 30  # a scenario's statement_timeout; past it (and a grace), verify cancels it from outside
GUARDS = (f"SET LOCAL statement_timeout = '{BOUND_S}s'; SET LOCAL lock_timeout = '5s'; "
          "SET LOCAL plpgsql.check_asserts = on; SET LOCAL standard_conforming_strings = on; "
          "SET LOCAL backslash_quote = safe_encoding;")


@dataclass(frozen=True)
class Scenarios:
    """The scenario files of a folder, read and checked: (path, text) each, and the setup."""

    folder: Path
    files: tuple[tuple[Path, str], ...]
    setup: str


def discover(folder: Path, cache_dir: Path | None = None) -> Scenarios:
    """Read and check every scenario before anything runs (ConfigError names file and line)."""
    if not folder.is_dir():
        return Scenarios(folder, (), "")
    paths = [p for p in sql_files(folder, folder.parent.parent) if not p.name.startswith("_")]
    for p in paths:
        if not SCENARIO_FILE.match(p.name):
            raise ConfigError(f"{p}: scenario files are named NNNN_lowercase_name.sql (or _name.sql for helpers)")
    cache = _clean_files(cache_dir) if cache_dir else None
    setup_path = folder / "_setup.sql"
    setup = _checked(setup_path, cache) if setup_path.exists() else ""
    found = Scenarios(folder, tuple((p, _checked(p, cache)) for p in paths), setup)
    if cache is not None:
        cache.prune()
    return found


def _clean_files(folder: Path) -> ContentCache:
    """Files found clean, by content, this module's rules and pglast's version (its source)."""
    pglast_source = Path(importlib.util.find_spec("pglast").origin).read_bytes()
    return ContentCache(folder, Path(__file__).read_bytes() + pglast_source)


def _checked(path: Path, cache: ContentCache | None = None) -> str:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    if cache is not None and cache.get(raw) is True:
        return text
    _check(path, text)
    if cache is not None:
        cache.put(raw, True)
    return text


def _check(path: Path, text: str) -> None:
    """Refuse, naming file and line, what would let a scenario act beyond its transaction: end it,
    lift its timeouts, change how the server reads the SQL after it, act through another session
    or a server file, or run SQL the guard cannot read (EXECUTE of a text built at run time, a
    function in an untrusted language). DO blocks and function bodies are read too."""
    import pglast

    from ..parse import session_state, statements

    try:
        pglast.parse_sql(text)
    except pglast.parser.ParseError as exc:
        message, index = (exc.args + (None,))[:2]
        raise ConfigError(f"{path}:{_line(text, index)}: SQL syntax error: {message}") from exc
    for statement in statements.read(path, str(path), "scenario").statements:
        where = f"{path}:{statement.line}"
        if statement.node is None:
            raise ConfigError(f"{where}: {statement.text[:80]} {statement.where}: SQL built at run time, which the "
                              "scenario guard cannot read, is not allowed in a scenario")
        ends = session_state.transaction_control(statement.node)
        if ends:
            words = " ".join(statement.text.split()).rstrip(";")
            raise ConfigError(f"{where}: transaction control ({words or ends}) is not allowed in a scenario: "
                              "scenarios run in a transaction that verify rolls back")
        problems = session_state.reader_changes(statement.node) + session_state.escapes(statement.node)
        problems += [f"changes {name}, the bound verify runs scenarios under"
                     for name in session_state.timeout_changes(statement.node) if name not in ("*", "?")]
        if problems:
            raise ConfigError(f"{where}: {problems[0]} {statement.where}".rstrip()
                              + ": not allowed in a scenario, which runs in a transaction verify rolls back")


def _line(text: str, index) -> int | str:
    return text.count("\n", 0, index) + 1 if isinstance(index, int) else "?"


def run(conn: psycopg.Connection, scenarios: Scenarios) -> list[Result]:
    """Run every scenario, each after the folder's _setup.sql, each rolled back."""
    return [_run_one(conn, path, text, scenarios.setup) for path, text in scenarios.files]


def _run_one(conn, path: Path, text: str, setup: str) -> Result:
    scenario_id = path.name[:-4]
    title_match = TITLE.search(text)
    title = title_match.group(1) if title_match else scenario_id.split("_", 1)[1].replace("_", " ")
    started = time.perf_counter()
    status, detail = "pass", ""
    # the bound holds even if something lifted statement_timeout: cancelled from another thread
    watchdog = threading.Timer(BOUND_S + 5, conn.cancel_safe)
    watchdog.daemon = True
    try:
        watchdog.start()
        with conn.transaction(force_rollback=True):
            conn.execute(GUARDS)
            if setup:
                conn.execute(setup)
            conn.execute(text)
            if conn.info.transaction_status not in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                raise CheckFailed(f"scenario {path}: its transaction ended inside the scenario; "
                                  "its changes may have been committed: stopping verify")
    except psycopg.Error as exc:
        if conn.broken:  # the connection is gone: that is not the scenario failing (exit 3)
            raise
        status = "fail"
        diag = exc.diag
        detail = f"[{exc.sqlstate}] {diag.message_primary or str(exc).strip()}"
        if diag.message_detail:
            detail += f"\n{diag.message_detail}"
        if diag.context:
            detail += f"\ncontext: {diag.context.strip()}"
    finally:
        watchdog.cancel()
    return Result(
        id=f"scenario.{scenario_id}",
        category="scenarios",
        title=title,
        status=status,
        object=f"verify/scenarios/{path.name}",
        expected="completes without error",
        actual="completed" if status == "pass" else "raised",
        detail=detail,
        sql=text,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
