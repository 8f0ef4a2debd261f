"""`pgsuite migrate import SOURCE_DIR`: another tool's migration history as pgsuite migrations.

Each source migration becomes `migrations/NNNN_name.sql` and `NNNN_name.rollback.sql`, in the
tool's order, numbered after what the project holds. The first lines say where each came from
and the source file's sha256 (`-- imported-from:`): a second import writes only migrations that
are new, and refuses, naming them, sources edited since they were imported (the pgsuite file may
be applied already: its change is a new migration). A script's own BEGIN ... COMMIT is taken
off, pgsuite's runner gives each migration its transaction; a script with a statement that
cannot run in one (CREATE INDEX CONCURRENTLY, VACUUM, ...) is marked `-- transactional: false`,
as is one its tool runs outside a transaction. A migration without a way back gets a rollback
that fails saying so. Everything is read and parsed before anything is written.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pglast
from pglast import ast, enums

from ..errors import ConfigError
from ..project import Project
from ..sql_lint import settings
from . import files as migration_files
from . import sources
from .files import MIGRATION_NAME, ROLLBACK_SUFFIX

HEADER = re.compile(r"^-- imported-from: (?P<format>\S+) version=(?P<version>\S+) "
                    r"(?:sha256=(?P<sha256>[0-9a-f]{64}) file=(?P<file>.+)|\(no rollback in the source\))$", re.MULTILINE)
DIRECTIVE = re.compile(r"^(\s*--\s*)(transactional|depends)(\s*:)", re.MULTILINE)
NO_ROLLBACK = """\
DO $$
BEGIN
    RAISE EXCEPTION '{id} cannot be rolled back: {why}'
        USING HINT = 'write its rollback in migrations/{id}.rollback.sql';
END
$$;
"""


@dataclass(frozen=True)
class Imported:
    """What a migrations/ file says it was imported from."""
    migration_id: str
    format: str
    version: str
    sha256: str
    rollback_sha256: str | None  # None: the source had no way back


@dataclass
class ImportRun:
    format: str
    source: Path
    written: list[Path] = field(default_factory=list)
    already: int = 0  # source migrations imported before, unchanged
    vanished: list[str] = field(default_factory=list)  # imported before, gone from the source
    settings: list[Path] = field(default_factory=list)


def imported(migrations_dir: Path) -> dict[str, Imported]:
    """The project's imported migrations by source version."""
    found = {}
    for path in sorted(migrations_dir.glob("*.sql")):
        if path.name.endswith(ROLLBACK_SUFFIX):
            continue
        up = HEADER.search(_head(path))
        if up is None:
            continue
        rollback = path.with_name(path.name[:-len(".sql")] + ROLLBACK_SUFFIX)
        down = HEADER.search(_head(rollback)) if rollback.is_file() else None
        found[up["version"]] = Imported(path.name[:-len(".sql")], up["format"], up["version"], up["sha256"],
                                        down["sha256"] if down else None)
    return found


def _head(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readline() for _ in range(5))


def run(root: Path, source: Path, fmt: str | None = None) -> ImportRun:
    """Import into the project at `root` (made when it is none yet: an import may start one)."""
    source = source.resolve()
    fmt = fmt or sources.detect(source)
    found = sources.read(source, fmt)
    project = Project(root.resolve())
    migrations_dir = project.migrations_dir
    before = imported(migrations_dir)
    others = sorted({i.format for i in before.values()} - {fmt})
    if others:
        raise ConfigError(f"{migrations_dir} holds migrations imported from {', '.join(others)}; "
                          f"this source is {fmt}: one project, one history")
    edited = []
    for migration in found:
        done = before.get(migration.version)
        if done is None:
            continue
        if done.sha256 != migration.up.sha256:
            edited.append(f"{_relative(migration.up.path, source)} (imported as migrations/{done.migration_id}.sql)")
        down = migration.down.sha256 if migration.down and _has_statements(migration.down.sql) else None
        if done.sha256 == migration.up.sha256 and down != done.rollback_sha256:
            what = _relative(migration.down.path, source) if migration.down else f"the way back of {migration.version}"
            edited.append(f"{what} (imported as migrations/{done.migration_id}{ROLLBACK_SUFFIX})")
    if edited:
        raise ConfigError("source migrations changed since they were imported; nothing written (an imported "
                          "migration may be applied already: write the change as a new migration):\n  "
                          + "\n  ".join(edited))
    new = [m for m in found if m.version not in before]
    last = max((m for m in found if m.version in before), key=lambda m: m.order, default=None)
    early = [m for m in new if last is not None and m.order < last.order]
    if early:
        raise ConfigError(f"{', '.join(_relative(m.up.path, source) for m in early)}: sorts before "
                          f"{_relative(last.up.path, source)}, imported already; pgsuite applies migrations in "
                          "order: give it a later version in the source")
    number = max((int(p.name[:4]) for p in migrations_dir.glob("*.sql")
                  if MIGRATION_NAME.match(p.name.split(".")[0])), default=0)
    if number + len(new) > 9999:
        raise ConfigError(f"{len(new)} migrations to import after number {number}: pgsuite numbers to 9999")
    pending: list[tuple[Path, str]] = []
    for migration in new:
        number += 1
        migration_id = f"{number:04d}_{_slug(migration.name)}"
        path = migrations_dir / f"{migration_id}.sql"
        pending.append((path, _forward(migration, fmt, source)))
        pending.append((path.with_name(migration_id + ROLLBACK_SUFFIX), _rollback(migration, fmt, source, migration_id)))
    for path, text in pending:  # judged whole before anything is written
        migration_files.parse_statements(path, text.encode("utf-8"))
    if fmt == "flyway":
        pending += _repeatables(project, source)
    result = ImportRun(fmt, source, already=len(found) - len(new),
                       vanished=[f"migrations/{i.migration_id}.sql (version {v})" for v, i in before.items()
                                 if v not in {m.version for m in found}])
    for path, text in pending:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        result.written.append(path)
    result.settings = settings.write_defaults(project.root, None)
    return result


def _forward(migration: sources.SourceMigration, fmt: str, source: Path) -> str:
    body, wrapped, nodes = _unwrapped(migration.up)
    transactional = migration.transactional
    if transactional is None:
        transactional = not _needs_no_transaction(nodes)
    lines = [f"-- Imported by `pgsuite migrate import` from {fmt}: {_relative(migration.up.path, source)}",
             _header(fmt, migration.version, migration.up, source)]
    if not transactional:
        lines.append("-- transactional: false")
        lines.append("-- (its statements commit one by one: it must be safe to run again after a failure)")
    elif wrapped:
        lines.append("-- (the source's own BEGIN and COMMIT are left out: pgsuite runs it in one transaction)")
    return "\n".join(lines) + "\n\n" + _quiet_directives(body).strip("\n") + "\n"


def _rollback(migration: sources.SourceMigration, fmt: str, source: Path, migration_id: str) -> str:
    down = migration.down
    if down is None or not _has_statements(down.sql):
        where = _relative(migration.up.path, source)
        why = (f"its {fmt} source ({where}) has no way back" if down is None
               else f"its {fmt} source's way back ({_relative(down.path, source)}) holds no statement")
        return (f"-- Imported by `pgsuite migrate import`: {why}.\n"
                f"-- imported-from: {fmt} version={migration.version} (no rollback in the source)\n\n"
                + NO_ROLLBACK.format(id=migration_id, why=why.replace("'", "''")))
    body, _, _ = _unwrapped(down)
    return (f"-- Imported by `pgsuite migrate import` from {fmt}: {_relative(down.path, source)}\n"
            + _header(fmt, migration.version, down, source) + "\n\n" + _quiet_directives(body).strip("\n") + "\n")


def _header(fmt: str, version: str, script: sources.Script, source: Path) -> str:
    return f"-- imported-from: {fmt} version={version} sha256={script.sha256} file={_relative(script.path, source)}"


def _unwrapped(script: sources.Script) -> tuple[str, bool, list]:
    """The script without its own BEGIN first and COMMIT last, whether it had them, and its
    statements' nodes (parsed once); refused when it holds other transaction control (two
    transactions in one file, a SAVEPOINT at top level, ...)."""
    text = script.sql
    try:
        raw = pglast.parser.parse_sql(text)
    except pglast.parser.ParseError as exc:
        raise ConfigError(f"{script.path}: SQL syntax error: {exc.args[0]}") from exc
    control = [i for i, r in enumerate(raw) if isinstance(r.stmt, ast.TransactionStmt)]
    nodes = [r.stmt for r in raw if not isinstance(r.stmt, ast.TransactionStmt)]
    if not control:
        return text, False, nodes
    kinds = [enums.TransactionStmtKind(raw[i].stmt.kind).name for i in control]
    if control == [0, len(raw) - 1] and kinds[0] in ("TRANS_STMT_BEGIN", "TRANS_STMT_START") \
            and kinds[1] == "TRANS_STMT_COMMIT":
        first, last = raw[0], raw[-1]
        end_first = _end(text, first)
        head, body, tail = text[:first.stmt_location], text[end_first:last.stmt_location], text[_end(text, last):]
        return "\n\n".join(part for part in (head.strip(), body.strip(), tail.strip()) if part) + "\n", True, nodes
    raise ConfigError(f"{script.path}: transaction control other than one BEGIN first and one COMMIT last "
                      f"({', '.join(k.removeprefix('TRANS_STMT_') for k in kinds)}): split it into migrations, "
                      "each one transaction")


def _end(text: str, raw) -> int:
    """Where a statement ends, its semicolon included."""
    end = raw.stmt_location + raw.stmt_len if raw.stmt_len else len(text)
    while end < len(text) and text[end] in " \t":
        end += 1
    return end + 1 if end < len(text) and text[end] == ";" else end


def _needs_no_transaction(nodes: list) -> bool:
    """A statement PostgreSQL refuses inside a transaction block."""
    for node in nodes:
        if isinstance(node, (ast.IndexStmt, ast.DropStmt)) and node.concurrent:
            return True
        if isinstance(node, ast.ReindexStmt) and any(o.defname == "concurrently" for o in node.params or ()):
            return True
        if isinstance(node, (ast.VacuumStmt, ast.CreatedbStmt, ast.DropdbStmt, ast.AlterSystemStmt,
                             ast.CreateTableSpaceStmt, ast.DropTableSpaceStmt)):
            return True
        if isinstance(node, ast.AlterTableStmt) and any(
                getattr(c, "subtype", None) == enums.AlterTableType.AT_DetachPartition
                and getattr(c.def_, "concurrent", False) for c in node.cmds):
            return True
    return False


def _has_statements(sql: str) -> bool:
    try:
        return bool(pglast.parser.parse_sql(sql))
    except pglast.parser.ParseError:
        return True  # the parse that follows names the error


def _quiet_directives(sql: str) -> str:
    """A source comment yoyo would read as its directive (`-- depends:`) stays a comment."""
    return DIRECTIVE.sub(lambda m: f"{m[1]}{m[2]} (in the source){m[3]}", sql)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60].strip("_")
    return slug or "migration"


def _relative(path: Path, source: Path) -> str:
    try:
        return str(path.relative_to(source))
    except ValueError:
        return str(path)


def _repeatables(project: Project, source: Path) -> list[tuple[Path, str]]:
    """Flyway's R__ scripts as sql/ files (pgsuite's repeatables: re-applied when they change, so
    an edited one is written again); a sql/ file of that name that is not an import is refused."""
    from .sources import flyway

    out = []
    for name, script in flyway.repeatables(source):
        target = project.repeatables_dir / f"{_slug(name)}.sql"
        text = (f"-- Imported by `pgsuite migrate import` from flyway: {_relative(script.path, source)}\n"
                f"{_header('flyway', 'R', script, source)}\n\n{script.sql.strip()}\n")
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        if target.is_file() and HEADER.search(_head(target)) is None:
            raise ConfigError(f"{target} exists and is not an import of {_relative(script.path, source)}; "
                              "nothing written")
        migration_files.syntax_check(target, text.encode("utf-8"))
        out.append((target, text))
    return out
