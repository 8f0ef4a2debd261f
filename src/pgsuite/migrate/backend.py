"""yoyo's psycopg 3 backend, with pgsuite's lock instead of yoyo's lock row.

yoyo serialises runs with a row in yoyo_lock; a process killed while holding it leaves the row
behind and every later run waits for a manual `yoyo break-lock`. pgsuite's lock is a table lock
on pgsuite.migration_lock, held by a connection of its own inside a transaction open for the
whole run: the server releases it when that session ends, however the client died. A table lock,
not an advisory lock: any role may take any advisory key (an API role holding the key would stall
every migration, or pass for a run in progress), but LOCK TABLE needs USAGE on the schema pgsuite
and a privilege on the table, which only the deploying role has. The lock connection runs no
query and holds no snapshot, so CREATE INDEX CONCURRENTLY in the run never waits for it.
client_connection_check_interval makes the server notice a dead client during a long statement
instead of when the statement ends.
"""

import time
from contextlib import contextmanager

import psycopg
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import DatabaseURI

from .. import db, queries
from ..errors import ConfigError, LockTimeout

APPLICATION_NAME = "pgsuite migrate"
LOCK_APPLICATION_NAME = "pgsuite migrate (lock)"
LOCK_STATEMENT = "LOCK TABLE pgsuite.migration_lock IN EXCLUSIVE MODE NOWAIT"
# yoyo's bookkeeping tables (pgsuite's own ledger is its schema `pgsuite`): never part of a schema
BOOKKEEPING_TABLES = ["public._yoyo_*", "public.yoyo_lock"]
POOLER_MESSAGE = ("refusing to migrate: the migration lock cannot be trusted through this connection ({evidence}). "
                  "A transaction pooler (PgBouncer with pool_mode = transaction?) is in the path, and a session "
                  "advisory lock does not hold across its transactions. Give migrations a direct DSN (the server "
                  "itself, or a session-mode pool); verify and metrics work through the pooler. Nothing was applied.")


def bootstrap(conn: psycopg.Connection) -> None:
    """pgsuite's schema and its lock table, made once; two first runs at the same moment both
    succeed (the loser of the race sees the winner's). Refused when the schema belongs to a role
    the deploying one is not a member of: its owner could take or fake the lock."""
    for attempt in range(3):
        try:
            with conn.transaction():
                conn.execute(queries.load("migration_lock_table"))
            break
        except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject, psycopg.errors.DuplicateTable,
                psycopg.errors.DuplicateSchema):
            if attempt == 2:
                raise
    owner, member = conn.execute(
        "SELECT pg_catalog.pg_get_userbyid(nspowner), pg_catalog.pg_has_role(current_user, nspowner, 'USAGE') "
        "FROM pg_catalog.pg_namespace WHERE nspname = 'pgsuite'").fetchone()
    if not member:
        raise ConfigError(f"schema pgsuite belongs to {owner}, a role {conn.info.user} is not a member of: its owner "
                          "could take or fake pgsuite's migration lock; refusing to migrate")


class LockedBackend(PostgresqlPsycopgBackend):
    """A yoyo backend on one psycopg connection that holds pgsuite's migration lock."""

    def __init__(self, dsn: str, lock_timeout: str = "60s", connection: psycopg.Connection | None = None):
        """`connection`: a run's own (autocommit), borrowed as the work connection and left open;
        the settings connect() makes stay on it for the rest of the run."""
        self.dsn = dsn
        self.lock_timeout = lock_timeout
        self._borrowed = connection
        self._lock_depth = 0
        self._lock_connection: psycopg.Connection | None = None
        # yoyo wants a parsed URI; the connection itself is made from the DSN (see connect).
        super().__init__(DatabaseURI("postgresql+psycopg", None, None, None, None, None, {}), "_yoyo_migration")

    def connect(self, dburi):
        conn = self._borrowed or db.connect(self.dsn, autocommit=True, application_name=APPLICATION_NAME)
        conn.execute("SET client_connection_check_interval = '1s'")
        # the server reads the files as pgsuite's parser did, whatever the role's or database's defaults
        conn.execute("SET standard_conforming_strings = on")
        conn.execute("SET backslash_quote = safe_encoding")
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (self.lock_timeout,))
        return conn

    def copy(self):
        return self.__class__(self.dsn, self.lock_timeout)  # a connection of its own

    @contextmanager
    def lock(self, timeout=None):
        """Hold pgsuite's migration lock (re-entrant: yoyo takes it again inside a run)."""
        self.acquire_lock()
        try:
            yield
        finally:
            self.release_lock()

    def acquire_lock(self) -> None:
        """Take the table lock on a connection of its own, polling LOCK ... NOWAIT: a session that
        waited inside LOCK TABLE would queue every later locker behind it, and between two tries
        the lock connection has no statement open."""
        if self._lock_depth:
            self._lock_depth += 1
            return
        lock = db.connect(self.dsn, autocommit=True, application_name=LOCK_APPLICATION_NAME)
        try:
            self._refuse_a_transaction_pooler(lock)  # before anything is created: nothing is left behind a pooler
            bootstrap(self.connection)
            lock.execute("SET idle_in_transaction_session_timeout = 0")  # held idle for the whole run, by design
            budget_ms = self.connection.execute(  # the work connection's, which --lock-timeout set
                "SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'").fetchone()[0]
            deadline = time.monotonic() + budget_ms / 1000 if budget_ms else None  # 0: wait for ever
            pause = 0.02
            while True:
                lock.execute("BEGIN")
                try:
                    lock.execute(LOCK_STATEMENT)
                    break
                except psycopg.errors.LockNotAvailable:
                    lock.execute("ROLLBACK")
                if deadline is not None and time.monotonic() >= deadline:
                    holder = self.connection.execute(queries.load("migration_lock_holder")).fetchone()
                    who = (f"backend pid {holder[0]} ({holder[1] or 'no application_name'})" if holder
                           else "another session")
                    raise LockTimeout(f"the migration lock is held by {who}; gave up after "
                                      f"lock_timeout={self.lock_timeout}")
                time.sleep(pause if deadline is None else max(0.0, min(pause, deadline - time.monotonic())))
                pause = min(pause * 2, 0.5)
        except BaseException:
            lock.close()
            raise
        self._lock_connection = lock
        self._lock_depth = 1

    def _refuse_a_transaction_pooler(self, other: psycopg.Connection) -> None:
        """Behind a transaction pooler (PgBouncer's pool_mode = transaction) each transaction may run
        on another server session: a session setting made in one (lock_timeout, the settings that
        decide how SQL is read) is not in force in the next. Two client connections served by the
        same backend, or one whose backend changes between statements, are that pooler's signature.
        `other` is the lock's connection, asked before it takes the lock."""
        first = self.connection.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        beside = other.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        again = self.connection.execute("SELECT pg_catalog.pg_backend_pid()").fetchone()[0]
        if beside == first or again != first:
            evidence = (f"two client connections were served by the same backend (pid {first})" if beside == first
                        else f"this connection's backend changed between two statements (pid {first}, then {again})")
            raise ConfigError(POOLER_MESSAGE.format(evidence=evidence))

    def release_lock(self) -> None:
        if not self._lock_depth:
            return
        self._lock_depth -= 1
        if not self._lock_depth and self._lock_connection is not None:
            self._lock_connection.close()  # its transaction ends, and the lock with it
            self._lock_connection = None

    def close(self) -> None:
        """End the run: the lock's connection (and the lock), then the work connection."""
        while self._lock_depth:
            self.release_lock()
        if self._borrowed is None:
            self.connection.close()

    def query(self, sql: str, params=None) -> list[tuple]:
        """Run pgsuite's own SQL (psycopg %(name)s parameters) on this backend's connection."""
        cur = self.connection.execute(sql, params)
        return cur.fetchall() if cur.description else []
