"""`pgsuite bench`: benchmarks as ratios against a baseline measured in the same run."""

import json

import click

from .. import bench as bench_lib
from . import Context, dsn_option, format_option, main


@main.group()
def bench():
    """Benchmarks, reported as ratios against a baseline measured in the same run."""


@bench.command("verify")
@dsn_option
@click.option("--tables", default=1000, show_default=True, type=click.IntRange(1, 20000),
              help="Generated tables added to the schema.")
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(1, 50), help="Runs per case (median).")
@format_option
@click.pass_obj
def bench_verify(obj: Context, dsn, tables, repeat, fmt):
    """Time `pgsuite verify` on the schema, then on the schema plus N generated tables (scratch database)."""
    _show(bench_lib.bench_verify(obj.project, obj.target(dsn), tables=tables, repeat=repeat), fmt, "checks")


@bench.command("lint")
@click.option("--migrations", default=200, show_default=True, type=click.IntRange(1, 5000),
              help="Generated migrations added to a copy of the project.")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 50), help="Runs per case (median).")
@format_option
@click.pass_obj
def bench_lint(obj: Context, migrations, repeat, fmt):
    """Time `pgsuite lint` on the project, then with N generated migrations: cold and with sqlfluff cached."""
    _show(bench_lib.bench_lint(obj.project, migrations=migrations, repeat=repeat), fmt, "checks")


def _show(measurements, fmt: str, unit: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([{**m.__dict__, "per_object_ms": round(m.per_object_ms, 3)} for m in measurements],
                              indent=2))
        return
    click.echo(f"{'case':<34} {unit:>7} {'median ms':>10} {'ms/check':>9} {'ratio':>6}  runs (ms)")
    for m in measurements:
        click.echo(f"{m.case:<34} {m.objects:>7} {m.median_ms:>10.1f} {m.per_object_ms:>9.3f} {m.ratio:>6.2f}  "
                   f"{', '.join(f'{r:.0f}' for r in m.runs)}")
