"""`pgsuite migrate adopt`: a database another tool migrated, taken over without running anything.

The project's migrations say which tool and version each was imported from (migrate/importer.py);
that tool's ledger on the target says which of those versions it applied. Those migrations are
recorded as applied in pgsuite's ledger, in one transaction under the migration lock, and
nothing is run. Refused, with nothing recorded, when the two disagree: a version the tool
applied that the project lacks (import first), one the tool left half-applied (golang-migrate's
dirty flag, Flyway's failed row), or a gap (a migration applied while an earlier one is not:
pgsuite applies in order). The tool's ledger table stays: drop it once the tool no longer runs.
"""

from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from .. import db, queries
from ..errors import CheckFailed, ConfigError
from ..project import Project
from . import importer, repeatable, runner
from .sources import flyway

# (table, the columns read) of each tool's ledger
LEDGERS = {
    "diesel": ("__diesel_schema_migrations", ["version"]),
    "golang-migrate": ("schema_migrations", ["version", "dirty"]),
    "dbmate": ("schema_migrations", ["version"]),
    "flyway": ("flyway_schema_history", ["installed_rank", "version", "type", "script", "checksum", "success"]),
    "sqitch": ("changes", ["change", "project"]),
}


@dataclass
class Adopted:
    format: str
    ledger: str  # schema.table read
    recorded: list[str]  # migration ids recorded as applied now
    already: list[str]  # recorded by pgsuite before (adopt run again)
    repeatables: list[str]  # sql/ files recorded as applied (Flyway's repeatables it ran as they are)
    pending: list[str]  # imported, not applied by the tool: `migrate apply` runs them


def adopt(project: Project, dsn: str, lock_timeout: str = "60s") -> Adopted:
    found = importer.imported(project.migrations_dir)
    formats = sorted({i.format for i in found.values()})
    if not formats:
        raise ConfigError(f"{project.migrations_dir}: no migration imported by `pgsuite migrate import`: "
                          "adopt takes over a database migrated by the tool they were imported from")
    if len(formats) > 1:
        raise ConfigError(f"{project.migrations_dir}: migrations imported from {', '.join(formats)}: one tool's at a time")
    fmt = formats[0]
    ordered = sorted(found.values(), key=lambda i: i.migration_id)
    with db.connect(dsn, autocommit=True) as conn:
        ledger, applied, scripts = _read_ledger(conn, fmt, [i.version for i in ordered])
    missing = sorted(applied - {i.version for i in ordered})
    if missing:
        raise ConfigError(f"{ledger} records {len(missing)} version(s) applied that migrations/ lacks "
                          f"({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}): import them first")
    first_missing = next((n for n, i in enumerate(ordered) if i.version not in applied), len(ordered))
    later = next((i for i in ordered[first_missing:] if i.version in applied), None)
    if later is not None:
        gap = ordered[first_missing]
        raise CheckFailed(f"{ledger}: version {later.version} is applied but {gap.version} (migrations/"
                          f"{gap.migration_id}.sql), before it, is not; pgsuite applies in order: apply it with "
                          f"{fmt} first, or renumber; nothing recorded")
    wanted = [i.migration_id for i in ordered if i.version in applied]
    kept = _repeatables_as_run(project, scripts) if fmt == "flyway" else []
    recorded = runner.record_applied(project, dsn, wanted, lock_timeout, kept)
    return Adopted(fmt, ledger, recorded, [m for m in wanted if m not in recorded], [r.name for r in kept],
                   [i.migration_id for i in ordered if i.version not in applied])


def _read_ledger(conn, fmt: str, versions: list[str]) -> tuple[str, set[str], dict[str, int]]:
    """(the ledger's name, the versions applied, Flyway's repeatable script -> checksum as run)."""
    table, columns = LEDGERS[fmt]
    schemas = [r[0] for r in conn.execute(queries.load("source_ledger_find"),
                                          {"table": table, "columns": columns}).fetchall()]
    if fmt == "sqitch":
        schemas = [s for s in schemas if s == "sqitch"] or schemas
    if not schemas:
        raise ConfigError(f"no {fmt} ledger in {conn.info.dbname}: no table {table} with columns "
                          f"{', '.join(columns)}; was it migrated by {fmt}?")
    if len(schemas) > 1:
        raise ConfigError(f"{fmt} ledgers in several schemas ({', '.join(f'{s}.{table}' for s in schemas)}): "
                          "adopt one database's history at a time")
    name = f"{schemas[0]}.{table}"
    ident = sql.Identifier(schemas[0], table)
    scripts: dict[str, int] = {}
    if fmt in ("diesel", "dbmate"):
        applied = {str(r[0]) for r in conn.execute(sql.SQL("SELECT version FROM {}").format(ident))}
    elif fmt == "golang-migrate":
        rows = conn.execute(sql.SQL("SELECT version, dirty FROM {}").format(ident)).fetchall()
        if len(rows) > 1:
            raise ConfigError(f"{name} holds {len(rows)} rows; golang-migrate keeps one (is it dbmate's? "
                              "import with --format dbmate)")
        if rows and rows[0][1]:
            raise CheckFailed(f"{name}: version {rows[0][0]} is dirty (it failed halfway): repair the database "
                              "and `migrate force` it with golang-migrate first; nothing recorded")
        top = rows[0][0] if rows else None
        applied = {v for v in versions if top is not None and int(v) <= top}
    elif fmt == "flyway":
        applied, scripts = _flyway(conn, ident, name, versions)
    else:
        rows = conn.execute(sql.SQL("SELECT project, change FROM {}").format(ident)).fetchall()
        ours = {p for p, change in rows if change in set(versions)}
        if len(ours) > 1:
            raise ConfigError(f"{name}: changes of several sqitch projects ({', '.join(sorted(ours))}) match")
        applied = {change for p, change in rows if p in ours}
    return name, applied, scripts


def _flyway(conn, ident, name: str, versions: list[str]) -> tuple[set[str], dict[str, int]]:
    rows = conn.execute(sql.SQL("SELECT version, type, script, checksum, success FROM {} "
                                "ORDER BY installed_rank").format(ident)).fetchall()
    failed = [f"{v or s}" for v, t, s, c, ok in rows if not ok]
    if failed:
        raise CheckFailed(f"{name}: failed migration(s) recorded ({', '.join(failed)}): `flyway repair` after "
                          "fixing the database; nothing recorded")
    applied: set[str] = set()
    scripts: dict[str, int] = {}
    order = {v: flyway.numeric_order(v) for v in versions}
    for version, kind, script, checksum, _ in rows:
        if kind == "BASELINE":
            applied |= {v for v in versions if order[v] <= flyway.numeric_order(version)}
        elif kind == "UNDO_SQL":
            applied.discard(version)
        elif version is None:
            scripts[Path(script).name] = checksum
        elif kind in ("SQL", "JDBC", "SPRING_JDBC", "SCRIPT"):
            applied.add(version)
    return applied, scripts


def _repeatables_as_run(project: Project, scripts: dict[str, int]) -> list[repeatable.RepeatableFile]:
    """The imported sql/ files whose source Flyway last ran with the same content (its checksum)."""
    kept = []
    for file in repeatable.discover(project.repeatables_dir):
        head = importer.HEADER.search(file.text[:2000])
        if head is None or head["file"] is None:
            continue
        body = file.text[file.text.index(head.group(0)) + len(head.group(0)):].strip("\n")
        if scripts.get(Path(head["file"]).name) == flyway.checksum(body):
            kept.append(file)
    return kept
