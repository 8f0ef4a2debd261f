"""`pgsuite metrics`: the webhook delivery metrics as tables or JSON."""

import json

import click

from .. import metrics as metrics_lib
from . import Context, dsn_option, format_option, main


org_option = click.option("--org", default=None, help="Only this org (uuid). Default: every org.")


@main.group()
def metrics():
    """Webhook delivery metrics (the schema's SQL functions), as tables or JSON."""


def _metric_command(name: str, doc: str, *options):
    def command(obj: Context, dsn, fmt, **params):
        _print_table(metrics_lib.fetch(obj.target(dsn), name, **params), fmt)

    command.__doc__ = doc
    command.__name__ = name.replace("-", "_")
    for option in (*options, format_option, dsn_option):
        command = option(command)
    metrics.command(name)(click.pass_obj(command))


_metric_command(
    "queue-health",
    "Deliveries per status, with processing rows whose lease expired.",
    org_option,
    click.option("--lease", default="5 minutes", show_default=True, help="Processing lease (interval)."),
)
_metric_command(
    "delivery-stats",
    "Per event type: totals, success rate, mean attempts, latency percentiles.",
    org_option,
    click.option("--since", default="24 hours", show_default=True, help="Window (interval)."),
)
_metric_command(
    "recent-failures",
    "The latest failed and dead-lettered deliveries.",
    org_option,
    click.option("--limit", default=50, show_default=True, type=int),
)
_metric_command(
    "dead-letter",
    "The dead-letter queue: deliveries that gave up.",
    org_option,
    click.option("--limit", default=100, show_default=True, type=int),
)
_metric_command("retry", "Put a job's failed or dead-lettered deliveries back to pending.", click.argument("job_id"))


def _print_table(table: metrics_lib.Table, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(table.as_dicts(), indent=2, default=str))
        return
    cells = [[("" if v is None else str(v)) for v in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    click.echo(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
