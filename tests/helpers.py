"""Helpers the tests share: the real CLI in a subprocess, and one-shot queries."""

import os
import subprocess
import sys
from contextlib import contextmanager

import psycopg

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project's own migrations, in order: what a sandbox project starts from.
REAL_MIGRATIONS = sorted(p.name[:-4] for p in (ROOT / "migrations").glob("*.sql") if not p.name.endswith(".rollback.sql"))


# what would choose a target other than the one a test names (libpq's own variables included)
TARGET_VARS = ("PGSUITE_DSN", "DATABASE_URL", "PGSERVICE", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
               "PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE", "PGCONNECT_TIMEOUT")


def pgsuite(*args, env=None, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    """Run the real `pgsuite` command in a subprocess, with no target in its environment but the
    test's own (`env`)."""
    full_env = {k: v for k, v in os.environ.items() if k not in TARGET_VARS}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pgsuite", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        **kwargs,
    )


@contextmanager
def holding_migration_lock(dsn: str, application_name: str = "someone else"):
    """A session holding pgsuite's migration lock, as another run would (pgsuite's own table lock)."""
    from pgsuite.migrate.backend import LOCK_STATEMENT, bootstrap

    with psycopg.connect(dsn, autocommit=True, application_name=application_name) as holder:
        bootstrap(holder)
        holder.execute("BEGIN")
        holder.execute(LOCK_STATEMENT)
        yield holder


def query(dsn: str, sql: str, params=None) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []
