"""`pgsuite migrate trace`: the locks each pending statement really takes, read from pg_locks
after it runs, against what pgsuite predicted (report/impact.py); and the API roles' surface
before and after, for breaking changes.

Where it runs: a clone of the target (CREATE DATABASE ... TEMPLATE), where the migrations are
applied for real and the clone dropped. A database with other sessions cannot be cloned (nor
can one the role does not own): then each migration runs on the target itself inside one
transaction that is always rolled back, under a short lock_timeout. Statements that cannot run
in a transaction (CREATE INDEX CONCURRENTLY, ...) release their locks as they commit: they are
"not traced", said so.
"""

import uuid

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from .. import db
from ..errors import CheckFailed
from ..verify import api_surface
from ..migrate.status import status as migration_status
from ..project import Project
from ..hazards import Lock
from ..report import impact
from ..results import Finding, Result, RunResults, now_iso, run_header
from ..verify import expectations
from . import files as migration_files

CATEGORY = "locks traced"
LOCKS = """
SELECT c.oid::regclass::text AS relation, l.mode
FROM pg_catalog.pg_locks AS l
JOIN pg_catalog.pg_class AS c ON c.oid = l.relation
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.granted AND l.locktype = 'relation'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
"""
IN_PLACE_LOCK_TIMEOUT = "2s"


def trace(project: Project, dsn: str, roles: list[str] | None = None) -> RunResults:
    files = {f.id: f for f in migration_files.discover(project.migrations_dir)}
    pending = [e.name for e in migration_status(project, dsn) if e.kind == "migration" and e.state == "pending"]
    roles = roles if roles is not None else _api_roles(project)
    results = RunResults(run=run_header("migrate trace"))
    before = api_surface.read(dsn, roles) if roles else None
    clone = _clone(dsn)
    try:
        if clone is not None:
            results.run["traced_on"] = "a clone of the target (CREATE DATABASE ... TEMPLATE), dropped afterwards"
            results.checks += _run(clone, [files[m] for m in pending], commit=True)
            after = api_surface.read(clone, roles) if roles else None
        else:
            results.run["traced_on"] = ("the target, inside a transaction rolled back (it could not be cloned: other "
                                        f"sessions use it, or this role does not own it), lock_timeout "
                                        f"{IN_PLACE_LOCK_TIMEOUT}")
            results.checks += _run(dsn, [files[m] for m in pending], commit=False)
            after = None  # the surface after exists only inside the rolled-back transaction
            results.checks.append(api_surface.check(before, after, roles).with_(
                status="skip", detail="not run: the target could not be cloned, so nothing stays applied to compare"))
            return results
    finally:
        if clone is not None:
            _drop(dsn, clone)
    results.checks.append(api_surface.check(before, after, roles))
    results.run["finished_at"] = now_iso()
    return results


def _run(dsn: str, migrations: list, commit: bool) -> list[Result]:
    checks = []
    with db.connect(dsn) as conn:
        if not commit:
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (IN_PLACE_LOCK_TIMEOUT,))
        created: set[str] = set()
        try:
            for migration in migrations:
                checks.append(_migration(conn, migration, created, commit))
        finally:
            conn.rollback()
    return checks


def _migration(conn, migration, created: set[str], commit: bool) -> Result:
    base = Result(f"trace.{migration.id}", CATEGORY, f"locks of {migration.id} as predicted", "pass",
                  object=f"migrations/{migration.id}.sql", expected="the locks pgsuite predicted")
    if not migration.transactional:
        return base.with_(status="skip", detail="not run: it runs outside a transaction (its statements release "
                                                "their locks as they commit), so pg_locks cannot be read after each")
    findings, lines = [], []
    savepoint = f"pgsuite_trace_{migration.id}"
    conn.execute(sql.SQL("SAVEPOINT {}").format(sql.Identifier(savepoint)))
    held = _locks(conn)
    for number, statement in enumerate(migration.statements, 1):
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            conn.execute(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(sql.Identifier(savepoint)))
            raise CheckFailed(f"trace: {migration.id} statement {number} failed: {exc.diag.message_primary} "
                              f"[{exc.sqlstate}]") from exc
        now = _locks(conn)
        taken = {rel: modes - held.get(rel, set()) for rel, modes in now.items() if modes - held.get(rel, set())}
        before, held = held, now
        effects = impact.analyse([statement], created)
        first = " ".join(statement.split())[:90]
        for effect in effects:
            table = _table_of(effect)
            predicted = effect.hazard.lock
            # what this statement took; a mode the transaction already held is not taken again
            strongest = max(taken.get(table, set()), default=None) if table else None
            already = predicted in before.get(table, set())
            if (table and predicted is not None and not effect.on_new_table and strongest != predicted
                    and not (strongest is None and already)):
                took = strongest.label if strongest else "no lock"
                findings.append(Finding("lock_prediction", "warning",
                                        f"statement {number} ({first}): predicted {predicted.label} on {table}, "
                                        f"took {took}", file=f"migrations/{migration.id}.sql",
                                        object=table, statement=statement[:2000]))
        shown = "; ".join(f"{m.label} on {rel}" for rel, modes in sorted(taken.items())
                          for m in sorted(modes)) or "no new table lock"
        lines.append(f"statement {number} ({first}): took {shown}")
    if commit:
        conn.execute(sql.SQL("RELEASE SAVEPOINT {}").format(sql.Identifier(savepoint)))
        conn.commit()  # the clone keeps it: the next migration starts from it
    result = base.with_findings(findings)
    return result.with_(detail="\n".join(filter(None, [result.detail] + lines)))


def _locks(conn) -> dict[str, set[Lock]]:
    """The table locks this session holds (pg_locks also lists predicate locks: not table modes)."""
    held: dict[str, set[Lock]] = {}
    for relation, mode in conn.execute(LOCKS):
        name = relation if "." in relation else f"public.{relation}"
        if (lock := Lock.from_pg_locks(mode)) is not None:
            held.setdefault(name, set()).add(lock)
    return held


def _table_of(effect) -> str | None:
    """The table an effect's lock is on: 'table t', 'index i on t', 'policy p on t'."""
    words = effect.object.split()
    if words[:1] == ["table"]:
        return words[1]
    if "on" in words:
        return words[words.index("on") + 1]
    return None


def _clone(dsn: str) -> str | None:
    """A clone of the target's database, or None when it cannot be made (sessions on it, privileges)."""
    source = db.database_name(dsn)
    name = f"pgsuite_trace_{uuid.uuid4().hex[:8]}"
    admin = db.with_dbname(dsn, "template1" if source == "postgres" else "postgres")
    try:
        with db.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
    except (psycopg.errors.ObjectInUse, psycopg.errors.InsufficientPrivilege):
        return None
    return db.with_dbname(dsn, name)


def _drop(dsn: str, clone: str) -> None:
    admin = db.with_dbname(dsn, "template1" if db.database_name(dsn) == "postgres" else "postgres")
    with db.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(conninfo_to_dict(clone)["dbname"])))


def _api_roles(project: Project) -> list[str]:
    config = project.verify_dir / "config.yaml"
    if not config.exists():
        return []
    return expectations.load_project(config).get("api_roles", [])
