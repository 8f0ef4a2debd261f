"""What is applied, pending or changed: read-only, it creates nothing in the database."""

from dataclasses import asdict, dataclass
from datetime import datetime

from .. import db, queries
from ..project import Project
from . import files as migration_files
from . import repeatable
from .validate import AppliedMigration


@dataclass(frozen=True)
class Entry:
    kind: str  # "migration" or "repeatable"
    name: str
    state: str  # applied | pending | edited | missing (migrations); applied | changed | new (repeatables)
    applied_at: datetime | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["applied_at"] = self.applied_at.isoformat() if self.applied_at else None
        return d


def status(project: Project, database: db.Database, files: list[migration_files.MigrationFile] | None = None,
           repeatables: list[repeatable.RepeatableFile] | None = None) -> list[Entry]:
    """Every migration and repeatable file with its state; `files` and `repeatables` as a run
    already read them (read from the project otherwise)."""
    files = migration_files.discover(project.migrations_dir) if files is None else files
    with db.using(database, autocommit=True) as conn:
        has_yoyo, has_ledger, has_repeatables = conn.execute(queries.load("ledger_tables_exist")).fetchone()
        applied: list[AppliedMigration] = []
        if has_yoyo:
            sql = queries.load("ledger_applied" if has_ledger else "ledger_applied_yoyo_only")
            applied = [AppliedMigration(*row) for row in conn.execute(sql)]
        recorded = {}
        if has_repeatables:
            recorded = {name: (checksum, at) for name, checksum, at in conn.execute(queries.load("ledger_repeatables"))}
    by_id = {a.id: a for a in applied}
    entries = []
    for f in files:
        row = by_id.pop(f.id, None)
        if row is None:
            entries.append(Entry("migration", f.id, "pending", None))
        else:
            state = "applied" if row.checksum in (None, f.checksum) else "edited"
            entries.append(Entry("migration", f.id, state, row.applied_at))
    for row in by_id.values():
        entries.append(Entry("migration", row.id, "missing", row.applied_at))
    for f in repeatable.discover(project.repeatables_dir) if repeatables is None else repeatables:
        checksum, at = recorded.get(f.name, (None, None))
        state = "new" if checksum is None else ("applied" if checksum == f.checksum else "changed")
        entries.append(Entry("repeatable", f.name, state, at))
    return entries
