"""Lock waits that cannot pile up (GitLab's with_lock_retries, for plain SQL migrations).

A DDL statement waiting for its lock makes every later query on the table queue behind it. So
each transactional migration (and the repeatables' transaction) runs with a short
`lock_timeout`; when it runs out, the whole transaction is rolled back, pgsuite waits (1 s,
then doubling, at most 30 s, with a little jitter) and tries again, up to `retries` times. The
queries queued behind it then wait at most one lock_timeout at a time. When it gives up, it names
the sessions holding locks on the tables the statement needed.

Migrations marked `-- transactional: false` (CREATE INDEX CONCURRENTLY ...) are not retried: a
statement half done outside a transaction is not safe to run twice; they wait as long as the
session's lock timeout (--lock-timeout).
"""

import random
import time
from dataclasses import dataclass

import pglast
from pglast import ast

LOCK_NOT_AVAILABLE = "55P03"
MAX_WAIT_S = 30.0
HOLDERS = """
SELECT n.nspname || '.' || c.relname, l.mode, a.pid,
       coalesce(nullif(a.application_name, ''), 'no application_name'), a.state,
       to_char(coalesce(a.xact_start, a.backend_start), 'HH24:MI:SS')
FROM pg_catalog.pg_locks AS l
JOIN pg_catalog.pg_class AS c ON c.oid = l.relation
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
WHERE l.granted AND l.relation = ANY(%(relations)s::regclass[]) AND l.pid <> pg_catalog.pg_backend_pid()
ORDER BY 3, 1
"""


@dataclass(frozen=True)
class LockRetry:
    timeout: str = "5s"  # each attempt's lock_timeout
    retries: int = 5  # attempts after the first
    first_wait_s: float = 1.0

    def waits(self) -> list[float]:
        return [min(self.first_wait_s * 2 ** i, MAX_WAIT_S) for i in range(self.retries)]


def run_with_retries(policy: LockRetry, attempt, on_retry=lambda number, wait: None):
    """Call attempt() until it does not fail on a lock timeout, or the retries are spent."""
    waits = policy.waits()
    for number in range(1, len(waits) + 2):
        try:
            return attempt()
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != LOCK_NOT_AVAILABLE or number > len(waits):
                raise
            wait = waits[number - 1] * (1 + random.random() / 4)
            on_retry(number, wait)
            time.sleep(wait)


def holders(connection, statement: str) -> str:
    """Who holds a lock on the tables `statement` names (for the message when pgsuite gives up)."""
    relations = sorted(_relations(statement))
    if not relations:
        return ""
    try:
        rows = connection.execute(HOLDERS, {"relations": relations}).fetchall()
    except Exception:  # a name that does not resolve (yet): say nothing rather than fail again
        return ""
    return "; ".join(f"{rel}: {mode} held by pid {pid} ({app}, {state} since {since})"
                     for rel, mode, pid, app, state, since in rows)


def _relations(statement: str) -> set[str]:
    try:
        tree = pglast.parse_sql(statement)
    except pglast.parser.ParseError:
        return set()
    found = set()

    def visit(node):
        if isinstance(node, ast.RangeVar):
            found.add(f"{node.schemaname or 'public'}.{node.relname}")
        if isinstance(node, ast.Node):
            for name in node:
                visit(getattr(node, name))
        elif isinstance(node, (list, tuple)):
            for item in node:
                visit(item)

    visit(tree)
    return found
