"""A run's context: the target resolved once, the project's inputs (migrations, repeatables,
verify/'s expectations, config and scenarios) read and checked once, and one work connection
that every step of the run borrows. A deploy opens three connections in all: this one, the
migration lock's (held only while migrating) and the scenarios' (they run beside the catalog read).
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from . import db
from .migrate import files as migration_files
from .migrate import repeatable
from .project import Project
from .target import Target
from .verify.run import Inputs as VerifyInputs
from .verify.run import prepare as read_verify_inputs

APPLICATION_NAME = "pgsuite"


@dataclass
class RunContext:
    project: Project
    target: Target
    migrations: list[migration_files.MigrationFile]
    repeatables: list[repeatable.RepeatableFile]
    verify: VerifyInputs
    conn: psycopg.Connection | None = field(default=None, repr=False)

    @classmethod
    def read(cls, project: Project, target: Target) -> "RunContext":
        """Every input read and checked before any connection: a bad file is ConfigError (exit 2)
        with nothing changed."""
        return cls(project, target, migration_files.discover(project.migrations_dir),
                   repeatable.discover(project.repeatables_dir), read_verify_inputs(project.verify_dir))

    @property
    def migration_by_id(self) -> dict[str, migration_files.MigrationFile]:
        return {f.id: f for f in self.migrations}

    @property
    def repeatable_by_name(self) -> dict[str, repeatable.RepeatableFile]:
        return {f.name: f for f in self.repeatables}

    @contextmanager
    def connected(self):
        """The work connection (autocommit: each step makes its own transactions), for the run."""
        with db.connect(self.target.dsn, autocommit=True, application_name=APPLICATION_NAME) as conn:
            self.conn = conn
            try:
                yield self
            finally:
                self.conn = None
