"""`pgsuite metrics`: the webhook delivery metrics as tables or JSON."""

import click

from .. import metrics as metrics_lib
from ..render import formats
from ..render.formats import Document
from . import Context, dsn_option, examples, main, show


org_option = click.option("--org", default=None, metavar="UUID", help="Only this org. Default: every org.")


@main.group(epilog=examples("pgsuite metrics queue-health", "pgsuite metrics dead-letter --format json"))
def metrics():
    """Webhook delivery metrics (the schema's SQL functions), as tables or JSON."""


def _metric_command(name: str, doc: str, *options, example: str = ""):
    def command(obj: Context, dsn, fmt, **params):
        target = obj.resolve_target(dsn, fmt)
        table = metrics_lib.fetch(target.dsn, name, **params)
        show(Document(f"metrics {name}", {"target": target.as_dict(), "columns": table.columns,
                                          "rows": table.as_dicts()}, lambda: _table_text(table)), fmt)

    command.__doc__ = doc
    command.__name__ = name.replace("-", "_")
    for option in (*options, formats.option("text", "json"), dsn_option):
        command = option(command)
    metrics.command(name, epilog=examples(example or f"pgsuite metrics {name}",
                                          f"pgsuite metrics {name} --format json --dsn \"$DATABASE_URL\""))(
        click.pass_obj(command))


_metric_command(
    "queue-health",
    "Deliveries per status, with processing rows whose lease expired.",
    org_option,
    click.option("--lease", default=None, metavar="INTERVAL",
                 help="The lease to judge stuck deliveries by (default: the one claims use, app_private.webhook_settings)."),
    example="pgsuite metrics queue-health --org 6f1c0a4e-0000-4000-8000-000000000001",
)
_metric_command(
    "delivery-stats",
    "Per event type: totals, success rate, mean attempts, latency percentiles.",
    org_option,
    click.option("--since", default="24 hours", show_default=True, metavar="INTERVAL", help="Window."),
    example="pgsuite metrics delivery-stats --since '1 hour'",
)
_metric_command(
    "recent-failures",
    "The latest failed and dead-lettered deliveries.",
    org_option,
    click.option("--limit", default=50, show_default=True, type=int, metavar="N", help="At most N rows."),
)
_metric_command(
    "dead-letter",
    "The dead-letter queue: deliveries that gave up.",
    org_option,
    click.option("--limit", default=100, show_default=True, type=int, metavar="N", help="At most N rows."),
)
_metric_command("retry", "Put a job's failed or dead-lettered deliveries back to pending.",
                click.argument("job_id", metavar="JOB_ID"), example="pgsuite metrics retry job-42")


def _table_text(table: metrics_lib.Table) -> str:
    from ..render.table import table as text_table

    return text_table(table.columns, table.rows) + f"\n({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})"

