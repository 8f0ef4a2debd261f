"""Compare migration files with what the database recorded when it applied them."""

from dataclasses import dataclass
from datetime import datetime

from .files import MigrationFile


@dataclass(frozen=True)
class AppliedMigration:
    id: str
    applied_at: datetime
    checksum: str | None  # None when applied by something other than pgsuite
    rollback_checksum: str | None
    duration_ms: float | None


def problems(files: list[MigrationFile], applied: list[AppliedMigration]) -> list[str]:
    """Every way the files disagree with the applied history, each naming the file."""
    found: list[str] = []
    by_id = {f.id: f for f in files}
    applied_ids = {a.id for a in applied}
    for row in applied:
        f = by_id.get(row.id)
        if f is None:
            found.append(f"migrations/{row.id}.sql is applied but the file is gone (deleted or renamed)")
        elif row.checksum is None:
            found.append(f"{_rel(f.path)} is applied but no checksum was recorded (not applied by pgsuite)")
        elif row.checksum != f.checksum:
            found.append(
                f"{_rel(f.path)} was edited after it was applied: "
                f"recorded sha256 {row.checksum[:12]}, file now {f.checksum[:12]}"
            )
        elif f.rollback_checksum is not None and row.rollback_checksum not in (None, f.rollback_checksum):
            found.append(
                f"{_rel(f.rollback_path)} was edited after its migration was applied: "
                f"recorded sha256 {row.rollback_checksum[:12]}, file now {f.rollback_checksum[:12]}"
            )
    for f in files:
        if f.rollback_checksum is None:
            found.append(f"{_rel(f.rollback_path)} is missing: every migration needs its rollback")
        elif not f.transactional and len(f.rollback_statements) < len(f.statements):
            # Only here does the pairing matter: statements commit one by one, and when one fails
            # yoyo undoes those before it with their own rollback statements. A transactional
            # migration's rollback runs as a whole (yoyo pads a shorter file), in one transaction.
            found.append(
                f"{_rel(f.rollback_path)} has {len(f.rollback_statements)} statement(s), fewer than the "
                f"{len(f.statements)} of {f.path.name}: a '-- transactional: false' migration pairs them one to "
                "one (the i-th statement with the i-th from the end)"
            )
    last_applied = max((f.id for f in files if f.id in applied_ids), default=None)
    for f in files:
        if f.id not in applied_ids and last_applied is not None and f.id < last_applied:
            found.append(f"{_rel(f.path)} is pending but the later {last_applied} is already applied")
    return found


def _rel(path) -> str:
    return f"{path.parent.name}/{path.name}"
