"""apply and rollback: yoyo runs the migrations; pgsuite adds the lock, the ledger and atomicity.

A transactional migration, yoyo's record of it and pgsuite's checksum are written in one
transaction on one connection, so a crash at any point leaves the migration either fully
applied and recorded, or not applied at all. (yoyo alone runs the migration on a second
connection and records it afterwards: a crash in between leaves it applied but unrecorded.)
"""

import contextlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from yoyo import read_migrations

from .. import queries
from ..errors import ConfigError, MigrationFailed, ValidationFailed
from ..progress import Progress, Step, quiet
from ..project import Project
from . import files as migration_files
from . import repeatable
from .backend import LockedBackend
from .retry import LOCK_NOT_AVAILABLE, LockRetry, holders, run_with_retries
from .validate import AppliedMigration, problems



@dataclass
class MigrationRun:
    """What one `migrate apply` or `rollback` did (a deploy's results are results.RunResults)."""
    applied: list[tuple[str, float]] = field(default_factory=list)  # (migration id, seconds)
    rolled_back: list[tuple[str, float]] = field(default_factory=list)
    repeatables: list[str] = field(default_factory=list)




@contextlib.contextmanager
def locked_backend(dsn: str, lock_timeout: str, connection=None):
    """A backend holding the migration lock, with yoyo's and pgsuite's tables in place; on
    `connection` (a run's own, left open) when given."""
    backend = LockedBackend(dsn, lock_timeout, connection)
    try:
        backend.acquire_lock()
        backend.init_database()
        backend.ensure_internal_schema_updated()
        backend.query(queries.load("ledger_schema"))
        yield backend
    finally:
        backend.close()  # the lock's session ends with it


def applied_migrations(backend) -> list[AppliedMigration]:
    rows = backend.query(queries.load("ledger_applied"))
    return [AppliedMigration(*row) for row in rows]


def validate(project: Project, dsn: str, lock_timeout: str = "60s") -> list[str]:
    """Every disagreement between migrations/ and the database's applied history."""
    files = migration_files.discover(project.migrations_dir)
    with locked_backend(dsn, lock_timeout) as backend:
        return problems(files, applied_migrations(backend))


def apply(
    project: Project,
    dsn: str,
    to: str | None = None,
    progress: Progress = quiet,
    lock_timeout: str = "60s",
    gate: Callable[[list[migration_files.MigrationFile], list[repeatable.RepeatableFile]], None] | None = None,
    policy: LockRetry = LockRetry(),
    connection=None,
    files: list[migration_files.MigrationFile] | None = None,
    repeatables: list[repeatable.RepeatableFile] | None = None,
) -> MigrationRun:
    """Validate, apply pending migrations (up to and including `to`), then changed repeatables.
    `connection`, `files` and `repeatables`: a run's own, when it has them (a deploy's context).

    Repeatables run only when applying to the head: they may use any table of the schema.
    `gate(pending migration files, changed repeatable files)` is called under the lock before
    anything is applied; it refuses by raising.
    """
    files = migration_files.discover(project.migrations_dir) if files is None else files
    by_id = {f.id: f for f in files}
    if to is not None and to not in by_id:
        raise ConfigError(f"unknown migration {to!r}: no migrations/{to}.sql")
    result = MigrationRun()
    with locked_backend(dsn, lock_timeout, connection) as backend:
        found = problems(files, applied_migrations(backend))
        if found:
            raise ValidationFailed(found)
        pending = list(backend.to_apply(read_migrations(str(project.migrations_dir))))
        if to is not None:
            pending = [m for m in pending if m.id <= to]
        todo: list[repeatable.RepeatableFile] = []
        if to is None:
            recorded = dict((name, checksum) for name, checksum, _ in backend.query(queries.load("ledger_repeatables")))
            found = repeatable.discover(project.repeatables_dir) if repeatables is None else repeatables
            todo = repeatable.changed(found, recorded)
        if gate is not None:
            gate([by_id[m.id] for m in pending], todo)
        for migration in pending:
            seconds = _run(backend, migration, by_id[migration.id], "apply", policy, progress)
            result.applied.append((migration.id, seconds))
            progress(Step("applied", migration.id, seconds))
        if todo:
            started = time.perf_counter()
            run_with_retries(policy, lambda: repeatable.apply(backend, todo, policy.timeout),
                             lambda n, wait: progress(Step(f"lock timeout (attempt {n} of {policy.retries + 1}), "
                                                           f"retrying in {wait:.1f} s:", "the repeatables", 0.0)))
            result.repeatables = [f.name for f in todo]
            progress(Step("applied repeatables", ", ".join(result.repeatables), time.perf_counter() - started))
    return result


def record_applied(project: Project, dsn: str, migration_ids: list[str], lock_timeout: str = "60s",
                   repeatables: list[repeatable.RepeatableFile] = ()) -> list[str]:
    """Record migrations (and repeatable files) as applied without running them, in one
    transaction: the database already is what they make (the baseline `pgsuite init` takes, a
    history another tool applied). Validated like an apply first; those recorded already are
    left as they are. Returns the ids recorded now."""
    files = migration_files.discover(project.migrations_dir)
    by_id = {f.id: f for f in files}
    with locked_backend(dsn, lock_timeout) as backend:
        history = applied_migrations(backend)
        found = problems(files, history)
        if found:
            raise ValidationFailed(found)
        wanted = set(migration_ids) - {a.id for a in history}
        migrations = [m for m in read_migrations(str(project.migrations_dir)) if m.id in wanted]
        with backend.transaction():
            for migration in migrations:
                migration.load()
                _record(backend, migration, by_id[migration.id], "apply", 0.0)
            for file in repeatables:
                backend.query(queries.load("ledger_record_repeatable"), {"name": file.name, "checksum": file.checksum})
    return [m.id for m in migrations]


def rollback(
    project: Project,
    dsn: str,
    to: str | None = None,
    count: int | None = None,
    progress: Progress = quiet,
    lock_timeout: str = "60s",
    policy: LockRetry = LockRetry(),
) -> MigrationRun:
    """Roll back the last `count` applied migrations, or every one applied after `to`.

    A rollback forgets the repeatables' checksums: the objects they made may have gone with
    the tables, so the next apply re-applies every repeatable.
    """
    if to is not None and count is not None:
        raise ConfigError("give --to or --count, not both")
    if count is not None and count < 1:
        raise ConfigError(f"--count must be at least 1, got {count}")
    files = migration_files.discover(project.migrations_dir)
    by_id = {f.id: f for f in files}
    result = MigrationRun()
    with locked_backend(dsn, lock_timeout) as backend:
        history = applied_migrations(backend)
        found = problems(files, history)
        if found:
            raise ValidationFailed(found)
        applied_ids = sorted(a.id for a in history)
        if to is not None:
            if to not in by_id:
                raise ConfigError(f"unknown migration {to!r}: no migrations/{to}.sql")
            if to not in applied_ids:
                raise ConfigError(f"migration {to} is not applied: nothing to roll back to")
            targets = [i for i in applied_ids if i > to]
        else:
            wanted = 1 if count is None else count
            if wanted > len(applied_ids):
                raise ConfigError(f"--count {wanted}: only {len(applied_ids)} migration(s) are applied")
            targets = applied_ids[len(applied_ids) - wanted :]
        migrations = read_migrations(str(project.migrations_dir))
        for migration in backend.to_rollback(migrations.filter(lambda m: m.id in targets)):
            seconds = _run(backend, migration, by_id[migration.id], "rollback", policy, progress)
            result.rolled_back.append((migration.id, seconds))
            progress(Step("rolled back", migration.id, seconds))
    return result


def _run(backend, migration, file: migration_files.MigrationFile, direction: str, policy: LockRetry,
         progress: Progress) -> float:
    """Run one migration's steps and record it, atomically when the migration is transactional
    (then under a short lock_timeout, retried: migrate/retry.py)."""
    started = time.perf_counter()
    migration.load()
    if migration.use_transactions:
        def attempt():
            with backend.transaction():
                backend.query("SELECT set_config('lock_timeout', %s, true)", (policy.timeout,))
                _run_steps(backend, migration, direction)
                _record(backend, migration, file, direction, time.perf_counter() - started)

        def waiting(number: int, wait: float) -> None:
            progress(Step(f"lock timeout (attempt {number} of {policy.retries + 1}), retrying in {wait:.1f} s:",
                          migration.id, time.perf_counter() - started))

        try:
            run_with_retries(policy, attempt, waiting)
        except MigrationFailed as exc:
            if exc.sqlstate == LOCK_NOT_AVAILABLE:
                raise exc.explain(f"gave up after {policy.retries + 1} attempt(s), each with lock_timeout "
                                  f"{policy.timeout} (--ddl-lock-timeout, --lock-retries)",
                                  holders(backend.connection, exc.statement))
            raise
    else:
        # CREATE INDEX CONCURRENTLY and friends: each statement commits on its own, so a
        # non-transactional migration must be safe to run again (IF NOT EXISTS, ...).
        with backend.disable_transactions():
            _run_steps(backend, migration, direction)
        with backend.transaction():
            _record(backend, migration, file, direction, time.perf_counter() - started)
    return time.perf_counter() - started


def _run_steps(backend, migration, direction: str) -> None:
    steps = migration.steps if direction == "apply" else list(reversed(migration.steps))
    for step in steps:
        try:
            # yoyo prints the rows of any statement that returns some; keep stdout for our output.
            with _quiet_stdout():
                getattr(step, direction)(backend)
        except backend.DatabaseError as exc:
            raise MigrationFailed(f"{migration.id} ({direction})", _statement(step, direction), exc) from exc


_QUIET = threading.local()
_INSTALLING = threading.Lock()


class _ThreadQuietStdout:
    """sys.stdout, except for what a thread inside _quiet_stdout() writes. Not redirect_stdout:
    it swaps the one process-wide sys.stdout, and two deploys in threads (a fleet) restoring in
    the wrong order left the process writing into a discarded buffer."""

    def __init__(self, real):
        self._real = real

    def write(self, text):
        return len(text) if getattr(_QUIET, "on", False) else self._real.write(text)

    def __getattr__(self, name):
        return getattr(self._real, name)


@contextlib.contextmanager
def _quiet_stdout():
    with _INSTALLING:
        if not isinstance(sys.stdout, _ThreadQuietStdout):
            sys.stdout = _ThreadQuietStdout(sys.stdout)
    _QUIET.on = True
    try:
        yield
    finally:
        _QUIET.on = False


def _statement(step, direction: str) -> str:
    """The SQL of one yoyo step (a MigrationStep, maybe inside a TransactionWrapper)."""
    inner = getattr(step, "step", step)
    return getattr(inner, "_apply" if direction == "apply" else "_rollback", None) or "(unknown statement)"


def _record(backend, migration, file, direction: str, seconds: float) -> None:
    backend.log_migration(migration, direction)
    if direction == "apply":
        backend.mark_one(migration, log=False)
        backend.query(
            queries.load("ledger_record_migration"),
            {
                "migration_id": file.id,
                "checksum": file.checksum,
                "rollback_checksum": file.rollback_checksum,
                "statements": len(file.statements),
                "duration_ms": round(seconds * 1000, 3),
            },
        )
    else:
        backend.unmark_one(migration, log=False)
        backend.query(queries.load("ledger_forget_migration"), {"migration_id": file.id})
        backend.query(queries.load("ledger_forget_repeatables"))
