"""`pgsuite migrate status --fleet FILE`: each target's migration head, what is pending, edited
or missing, read-only and one target after another; an unreachable target is named, not fatal."""

from ..errors import PgsuiteError
from ..migrate.status import status as migration_status
from .file import Fleet

STATES = ("pending", "edited", "missing")


def status(project, fleet: Fleet) -> list[dict]:
    """One row per target: {target, head, pending, edited, missing, repeatables_changed} or {target, error}."""
    rows = []
    for target in fleet.targets:
        try:
            entries = migration_status(project, target.dsn)
        except PgsuiteError as exc:
            rows.append({"target": target.name, "error": str(exc).strip().splitlines()[0]})
            continue
        applied = [e.name for e in entries if e.kind == "migration" and e.state == "applied"]
        rows.append({"target": target.name, "head": applied[-1] if applied else None,
                     **{state: [e.name for e in entries if e.state == state] for state in STATES},
                     "repeatables_changed": [e.name for e in entries if e.kind == "repeatable" and e.state != "applied"]})
    return rows


def behind(rows: list[dict]) -> bool:
    """True when a target could not be read, or is not at the project's migrations."""
    return any("error" in r or any(r[state] for state in STATES) for r in rows)
