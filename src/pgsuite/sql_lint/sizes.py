"""What the target says about the tables a migration touches: which exist, how big they are
(pg_class.relpages and reltuples: as of the last VACUUM or ANALYZE, read without taking any
lock on them) and how many other sessions hold a lock on them right now."""

from dataclasses import dataclass

from .. import db

TABLES = """
SELECT n.nspname || '.' || c.relname AS name,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint
            ELSE -1 - coalesce(pg_catalog.pg_stat_get_live_tuples(c.oid), 0) END AS rows,
       c.relpages::bigint * current_setting('block_size')::bigint AS bytes,
       (SELECT coalesce(sum(i.relpages), 0)::bigint * current_setting('block_size')::bigint
        FROM pg_catalog.pg_index AS x JOIN pg_catalog.pg_class AS i ON i.oid = x.indexrelid
        WHERE x.indrelid = c.oid) AS index_bytes,
       (SELECT count(DISTINCT l.pid) FROM pg_catalog.pg_locks AS l
        WHERE l.relation = c.oid AND l.pid <> pg_catalog.pg_backend_pid()) AS sessions
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""


@dataclass(frozen=True)
class TableSize:
    rows: int  # never analysed: -1 - the live rows the statistics counted
    bytes: int  # 0 until a VACUUM or ANALYZE measured it
    index_bytes: int
    sessions: int

    def describe(self, work: str | None = None) -> str:
        """Its size and activity; with the rule's `work` ("scan", "rewrite"), how much of it that is."""
        if self.rows >= 0:
            size = f"{_rows(self.rows)}, {_bytes(self.bytes)}, indexes {_bytes(self.index_bytes)}"
            if work == "scan":
                size += f"; reads all {_bytes(self.bytes)}"
            elif work == "rewrite":
                size += f"; a rewrite writes {_bytes(self.bytes)} anew and rebuilds {_bytes(self.index_bytes)} of indexes"
        else:
            size = f"about {_rows(-1 - self.rows)} by the statistics, never analysed"
        busy = f"; {self.sessions} other session(s) hold a lock on it now" if self.sessions else ""
        return size + busy


COLUMNS = """
SELECT n.nspname || '.' || c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute AS a
JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""


def column_types(database: db.Database) -> dict:
    """(table, column) -> its type on the target (column_types.Type), for the type-change rule."""
    from .column_types import of_formatted

    with db.using(database, autocommit=True) as conn:
        return {(table, column): of_formatted(shown) for table, column, shown in conn.execute(COLUMNS)}


def empty(database: db.Database, tables: set[str], live: dict[str, "TableSize"]) -> set[str]:
    """Those of `tables` the target holds empty: the statistics say no row and a look at the
    table finds none (under a 100 ms lock_timeout: a table someone holds is not looked at)."""
    import psycopg
    from psycopg import sql

    candidates = sorted(t for t in tables if t in live and live[t].rows in (0, -1))
    found = set()
    with db.using(database, autocommit=True) as conn:
        for table in candidates:
            schema, _, name = table.partition(".")
            try:
                with conn.transaction():
                    conn.execute("SET LOCAL lock_timeout = '100ms'")
                    conn.execute("SET LOCAL statement_timeout = '1s'")
                    query = sql.SQL("SELECT NOT EXISTS (SELECT FROM {})").format(sql.Identifier(schema, name))
                    if conn.execute(query).fetchone()[0]:
                        found.add(table)
            except psycopg.Error:
                continue  # locked, too slow, or not readable by this role: not known to be empty
    return found


def read(database: db.Database) -> dict[str, TableSize]:
    with db.using(database, autocommit=True) as conn:
        return {row[0]: TableSize(*row[1:]) for row in conn.execute(TABLES)}


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{_count(n)} rows"


def _count(n: int) -> str:
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            return f"{n / size:.0f} {unit}" if n >= 100 * size else f"{n / size:.1f} {unit}"
    return str(n)


def _bytes(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.0f} {unit}" if n >= 10 * size else f"{n / size:.1f} {unit}"
    return f"{n} bytes"
