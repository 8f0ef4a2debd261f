"""yoyo's psycopg 3 backend, with pgsuite's lock instead of yoyo's lock row.

yoyo serialises runs with a row in yoyo_lock; a process killed while holding it leaves the
row behind and every later run waits for a manual `yoyo break-lock`. A session-level advisory
lock is released by the server when the session ends, however the client died, so pgsuite
holds one for the whole run. client_connection_check_interval makes the server notice a
dead client during a long statement instead of when the statement ends.
"""

import time
from contextlib import contextmanager

from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import DatabaseURI

from .. import db, queries
from ..errors import ConfigError, LockTimeout

# 'pgsuite' + 0x01 as a bigint: the advisory lock key shared by every pgsuite run.
MIGRATION_LOCK_KEY = 0x7067737569746501
APPLICATION_NAME = "pgsuite migrate"
# yoyo's bookkeeping tables (pgsuite's own ledger is its schema `pgsuite`): never part of a schema
BOOKKEEPING_TABLES = ["public._yoyo_*", "public.yoyo_lock"]
POOLER_MESSAGE = ("refusing to migrate: the migration lock cannot be trusted through this connection ({evidence}). "
                  "A transaction pooler (PgBouncer with pool_mode = transaction?) is in the path, and a session "
                  "advisory lock does not hold across its transactions. Give migrations a direct DSN (the server "
                  "itself, or a session-mode pool); verify and metrics work through the pooler. Nothing was applied.")


class LockedBackend(PostgresqlPsycopgBackend):
    """A yoyo backend on one psycopg connection that holds pgsuite's migration lock."""

    def __init__(self, dsn: str, lock_timeout: str = "60s"):
        self.dsn = dsn
        self.lock_timeout = lock_timeout
        self._lock_depth = 0
        # yoyo wants a parsed URI; the connection itself is made from the DSN (see connect).
        super().__init__(DatabaseURI("postgresql+psycopg", None, None, None, None, None, {}), "_yoyo_migration")

    def connect(self, dburi):
        conn = db.connect(self.dsn, autocommit=True, application_name=APPLICATION_NAME)
        conn.execute("SET client_connection_check_interval = '1s'")
        # the server reads the files as pgsuite's parser did, whatever the role's or database's defaults
        conn.execute("SET standard_conforming_strings = on")
        conn.execute("SET backslash_quote = safe_encoding")
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (self.lock_timeout,))
        return conn

    def copy(self):
        return self.__class__(self.dsn, self.lock_timeout)

    @contextmanager
    def lock(self, timeout=None):
        """Hold pgsuite's session advisory lock (re-entrant, as advisory locks are)."""
        self.acquire_lock()
        try:
            yield
        finally:
            self.release_lock()

    def acquire_lock(self) -> None:
        """Wait for the lock by polling pg_try_advisory_lock, never inside pg_advisory_lock(): a
        session blocked there holds a snapshot, which CREATE INDEX CONCURRENTLY in the run that
        holds the lock waits for, while that session waits for the lock: a deadlock. Between two
        tries this session has no statement open, so a concurrent index build never waits on it."""
        if not self._lock_depth:  # re-entered (yoyo's own lock()): already checked and held
            self._refuse_a_transaction_pooler()
        budget_ms = self.connection.execute(
            "SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'").fetchone()[0]
        deadline = time.monotonic() + budget_ms / 1000 if budget_ms else None  # 0: wait for ever
        pause = 0.02
        while not self.connection.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK_KEY,)).fetchone()[0]:
            if deadline is not None and time.monotonic() >= deadline:
                holder = self.connection.execute(
                    queries.load("migration_lock_holder"), {"key": MIGRATION_LOCK_KEY}
                ).fetchone()
                who = f"backend pid {holder[0]} ({holder[1] or 'no application_name'})" if holder else "another session"
                raise LockTimeout(f"the migration lock is held by {who}; gave up after lock_timeout={self.lock_timeout}")
            time.sleep(pause if deadline is None else max(0.0, min(pause, deadline - time.monotonic())))
            pause = min(pause * 2, 0.5)
        if not self.connection.execute(queries.load("migration_lock_held"), {"key": MIGRATION_LOCK_KEY}).fetchone()[0]:
            raise ConfigError(POOLER_MESSAGE.format(
                evidence="the lock this session took is not held by the backend it is talking to now"))
        self._lock_depth += 1

    def _refuse_a_transaction_pooler(self) -> None:
        """Behind a transaction pooler (PgBouncer's pool_mode = transaction) each transaction may run
        on another server session: a session advisory lock taken in one is not held by the next,
        nor released by closing the client connection. Two client connections served by the same
        backend, or one whose backend changes between statements, are that pooler's signature:
        refuse before taking the lock (taken there, it would stay with a pooled session)."""
        first = self.connection.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        with db.connect(self.dsn, autocommit=True) as other:
            beside = other.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        again = self.connection.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        if beside == first or again != first:
            evidence = (f"two client connections were served by the same backend (pid {first})" if beside == first
                        else f"this connection's backend changed between two statements (pid {first}, then {again})")
            raise ConfigError(POOLER_MESSAGE.format(evidence=evidence))

    def release_lock(self) -> None:
        if self._lock_depth and not self.connection.closed:
            self.connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
            self._lock_depth -= 1

    def query(self, sql: str, params=None) -> list[tuple]:
        """Run pgsuite's own SQL (psycopg %(name)s parameters) on this backend's connection."""
        cur = self.connection.execute(sql, params)
        return cur.fetchall() if cur.description else []
