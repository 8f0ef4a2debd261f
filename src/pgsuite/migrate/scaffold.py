"""`pgsuite migrate new NAME`: the next numbered migration and its rollback."""

import re
from pathlib import Path

from ..errors import ConfigError
from .files import MIGRATION_NAME

SLUG = re.compile(r"^[a-z0-9_]+$")

MIGRATION_TEMPLATE = """\
-- {title}
-- One statement per change; the rollback file undoes them in the opposite order.
-- Add '-- transactional: false' above for CREATE INDEX CONCURRENTLY (then make it re-runnable).

"""

ROLLBACK_TEMPLATE = """\
-- Undoes {migration_id}: statements in the reverse order of the migration's.

"""


def new(migrations_dir: Path, name: str) -> tuple[Path, Path]:
    slug = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not SLUG.match(slug):
        raise ConfigError(f"migration name {name!r}: use letters, digits and underscores")
    numbers = [int(p.name[:4]) for p in migrations_dir.glob("*.sql") if MIGRATION_NAME.match(p.name.split(".")[0])]
    migration_id = f"{max(numbers, default=0) + 1:04d}_{slug}"
    path = migrations_dir / f"{migration_id}.sql"
    rollback = migrations_dir / f"{migration_id}.rollback.sql"
    path.write_text(MIGRATION_TEMPLATE.format(title=slug.replace("_", " ")), encoding="utf-8")
    rollback.write_text(ROLLBACK_TEMPLATE.format(migration_id=migration_id), encoding="utf-8")
    return path, rollback
