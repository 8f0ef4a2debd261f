"""The webhook delivery metrics, read through the schema's own SQL functions."""

from dataclasses import dataclass

import psycopg

from . import db, queries
from .errors import CheckFailed, ConfigError

# metric name (the CLI's) -> the query file that calls its SQL function
QUERIES = {
    "queue-health": "metrics_queue_health",
    "delivery-stats": "metrics_delivery_stats",
    "recent-failures": "metrics_recent_failures",
    "dead-letter": "metrics_dead_letter",
    "retry": "metrics_retry",
}


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple]

    def as_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def fetch(dsn: str, metric: str, **params) -> Table:
    """Run one metric with its parameters (org, lease, since, limit, job_id)."""
    defaults = {"org": None, "lease": None, "since": "24 hours", "limit": 50, "job_id": None}
    with db.connect(dsn, autocommit=False) as conn:
        try:
            cur = conn.execute(queries.load(QUERIES[metric]), {**defaults, **params})
            table = Table([c.name for c in cur.description], cur.fetchall())
            conn.commit()  # retry changes state; the read-only metrics commit nothing
        except psycopg.DatabaseError as exc:
            message = f"{metric}: {exc.diag.message_primary} [{exc.sqlstate}]"
            if (exc.sqlstate or "").startswith("22"):  # data exception: a bad argument
                raise ConfigError(message) from exc
            raise CheckFailed(message) from exc
    return table
