"""The command line. It parses options, calls the library, prints, and maps errors to exit codes."""

import json
import os
import sys
import traceback
from datetime import timezone
from functools import wraps
from pathlib import Path

import click

from . import bench as bench_lib
from . import deploy as deploy_lib
from . import metrics as metrics_lib
from . import server
from .db import redact
from .errors import EXIT_CHECK_FAILED, ConfigError, PgsuiteError
from .migrate import runner, scaffold
from .migrate.status import status as migration_status
from .project import Project
from .render import junit as render_junit
from .report import render as render_lib
from .report.baseline import compare as compare_runs
from .report.runs import RunStore
from .render import text as render_text
from .verify import run as verify_run
from .verify import snapshot as verify_snapshot_lib
from .target import resolve

dsn_option = click.option(
    "--dsn",
    default=None,
    help="Target database. Default: $PGSUITE_DSN, else $DATABASE_URL, else the embedded server.",
)
format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
lock_timeout_option = click.option(
    "--lock-timeout",
    default="60s",
    show_default=True,
    help="How long to wait for the migration lock and for each DDL lock (PostgreSQL interval).",
)


class Context:
    def __init__(self, project_dir: str, debug: bool):
        self.project_dir = project_dir
        self.debug = debug

    @property
    def project(self) -> Project:
        return Project.at(self.project_dir)

    def target(self, dsn: str | None) -> str:
        return resolve(dsn, self.project).dsn


def handles_errors(command):
    """Turn a PgsuiteError into its message on stderr and its exit code; --debug shows the traceback."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        ctx: Context = click.get_current_context().find_object(Context)
        try:
            return command(*args, **kwargs)
        except PgsuiteError as exc:
            if ctx is not None and ctx.debug:
                traceback.print_exc()
            click.echo(f"pgsuite: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def progress_printer():
    """One line per step on a terminal; nothing in CI or when stderr is redirected."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        return runner._quiet

    def show(verb: str, name: str, seconds: float) -> None:
        click.echo(f"  {verb} {name} ({seconds:.2f} s)", err=True)

    return show


@click.group()
@click.option(
    "--project",
    "project_dir",
    default=".",
    envvar="PGSUITE_PROJECT",
    show_default=True,
    help="The project folder (holds migrations/, sql/ and .pgsuite/).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(package_name="pgsuite")
@click.pass_context
def main(ctx, project_dir, debug):
    """pgsuite: deploy, verify and report on a PostgreSQL schema.

    Exit codes: 0 all good; 1 a check failed; 2 bad usage or configuration; 3 cannot connect.
    """
    ctx.obj = Context(project_dir, debug)


# --- db -------------------------------------------------------------------------------------


@main.group()
def db():
    """The embedded PostgreSQL (data in the project's .pgsuite/ folder)."""


@db.command("start")
@click.pass_obj
@handles_errors
def db_start(obj: Context):
    """Start the embedded server (or reuse it) and print its URL."""
    click.echo(server.start(obj.project.state_dir))


@db.command("stop")
@click.pass_obj
@handles_errors
def db_stop(obj: Context):
    """Stop the embedded server."""
    stopped = server.stop(obj.project.state_dir)
    click.echo("stopped" if stopped else "not running")


@db.command("status")
@click.pass_obj
@handles_errors
def db_status(obj: Context):
    """Say whether the embedded server runs, with its pid, data folder and URL."""
    st = server.status(obj.project.state_dir)
    if st.running:
        click.echo(f"running  pid {st.pid}  data {st.data_dir}\n{st.url}")
    else:
        click.echo(f"not running  data {st.data_dir}")
        sys.exit(EXIT_CHECK_FAILED)


@db.command("url")
@click.pass_obj
@handles_errors
def db_url(obj: Context):
    """Print the embedded server's URL (psql accepts it), starting the server if needed."""
    click.echo(server.start(obj.project.state_dir))


# --- migrate --------------------------------------------------------------------------------


@main.group()
def migrate():
    """Versioned migrations (yoyo) and the repeatable sql/ files."""


@migrate.command("status")
@dsn_option
@format_option
@click.pass_obj
@handles_errors
def migrate_status(obj: Context, dsn, fmt):
    """List every migration (applied, pending, edited, missing) and repeatable file."""
    entries = migration_status(obj.project, obj.target(dsn))
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2))
        return
    width = max((len(e.name) for e in entries), default=10)
    for e in entries:
        when = e.applied_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if e.applied_at else ""
        click.echo(f"{e.kind:<10}  {e.name:<{width}}  {e.state:<8}  {when}".rstrip())


@migrate.command("apply")
@dsn_option
@click.option("--to", "to", default=None, help="Apply up to and including this migration id.")
@format_option
@lock_timeout_option
@click.pass_obj
@handles_errors
def migrate_apply(obj: Context, dsn, to, fmt, lock_timeout):
    """Validate, apply pending migrations, then the changed repeatable files."""
    result = runner.apply(obj.project, obj.target(dsn), to=to, progress=progress_printer(), lock_timeout=lock_timeout)
    _print_run(result, fmt)


@migrate.command("rollback")
@dsn_option
@click.option("--to", "to", default=None, help="Roll back every migration applied after this one.")
@click.option("--count", type=int, default=None, help="Roll back the last N migrations (default 1).")
@format_option
@lock_timeout_option
@click.pass_obj
@handles_errors
def migrate_rollback(obj: Context, dsn, to, count, fmt, lock_timeout):
    """Roll back applied migrations, newest first, each in its own transaction."""
    result = runner.rollback(
        obj.project, obj.target(dsn), to=to, count=count, progress=progress_printer(), lock_timeout=lock_timeout
    )
    _print_run(result, fmt)


@migrate.command("validate")
@dsn_option
@lock_timeout_option
@click.pass_obj
@handles_errors
def migrate_validate(obj: Context, dsn, lock_timeout):
    """Check that applied migrations were not edited, renamed or deleted, and rollbacks pair up."""
    found = runner.validate(obj.project, obj.target(dsn), lock_timeout=lock_timeout)
    for problem in found:
        click.echo(f"FAIL {problem}")
    if found:
        sys.exit(EXIT_CHECK_FAILED)
    click.echo("ok: migration files match the applied history")


@migrate.command("new")
@click.argument("name")
@click.pass_obj
@handles_errors
def migrate_new(obj: Context, name):
    """Create the next NNNN_NAME.sql and NNNN_NAME.rollback.sql."""
    for path in scaffold.new(obj.project.migrations_dir, name):
        click.echo(f"created {path}")


def _print_run(result: runner.RunResult, fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "applied": [{"id": i, "seconds": round(s, 3)} for i, s in result.applied],
                    "rolled_back": [{"id": i, "seconds": round(s, 3)} for i, s in result.rolled_back],
                    "repeatables": result.repeatables,
                },
                indent=2,
            )
        )
        return
    for verb, items in (("applied", result.applied), ("rolled back", result.rolled_back)):
        for migration_id, seconds in items:
            click.echo(f"{verb} {migration_id} ({seconds:.2f} s)")
    for name in result.repeatables:
        click.echo(f"applied repeatable sql/{name}")
    if not (result.applied or result.rolled_back or result.repeatables):
        click.echo("nothing to do: the database is up to date")


# --- verify ---------------------------------------------------------------------------------


@main.group(invoke_without_command=True)
@dsn_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to this file instead of stdout.")
@click.option("--expect", "expect_file", type=click.Path(dir_okay=False), default=None,
              help="Expectations file to verify against (default: the project's verify/*.yaml).")
@click.option("--no-scenarios", is_flag=True, help="Skip the behavioural scenarios.")
@click.option("--verbose", "-v", is_flag=True, help="Text format: list passing checks too.")
@click.pass_context
@handles_errors
def verify(ctx, dsn, fmt, output, expect_file, no_scenarios, verbose):
    """Check the live database against verify/: catalog, lints and scenarios (exit 1 on any failure)."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    results = verify_run.verify(
        obj.target(dsn),
        obj.project.root / "verify",
        Path(expect_file) if expect_file else None,
        with_scenarios=not no_scenarios,
    )
    rendered = {"text": lambda: render_text.render(results, verbose), "json": lambda: json.dumps(results.to_dict(), indent=2),
                "junit": lambda: render_junit.render(results)}[fmt]()
    _emit(rendered, output)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


@verify.command("snapshot")
@dsn_option
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to this file instead of stdout.")
@click.option("--schema", default="public", show_default=True)
@click.pass_obj
@handles_errors
def verify_snapshot(obj: Context, dsn, output, schema):
    """Write the live catalog as expectations (YAML), to pin an environment or start verify/."""
    _emit(verify_snapshot_lib.snapshot(obj.target(dsn), schema), output)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text)
        return
    try:
        Path(output).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output}", err=True)


# --- metrics --------------------------------------------------------------------------------

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
    metrics.command(name)(click.pass_obj(handles_errors(command)))


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


# --- bench ----------------------------------------------------------------------------------


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
@handles_errors
def bench_verify(obj: Context, dsn, tables, repeat, fmt):
    """Time `pgsuite verify` on the schema, then on the schema plus N generated tables (scratch database)."""
    measurements = bench_lib.bench_verify(obj.project, obj.target(dsn), tables=tables, repeat=repeat)
    if fmt == "json":
        click.echo(json.dumps([{**m.__dict__, "per_object_ms": round(m.per_object_ms, 3)} for m in measurements],
                              indent=2))
        return
    click.echo(f"{'case':<24} {'checks':>7} {'median ms':>10} {'ms/check':>9} {'ratio':>6}  runs (ms)")
    for m in measurements:
        click.echo(f"{m.case:<24} {m.objects:>7} {m.median_ms:>10.1f} {m.per_object_ms:>9.3f} {m.ratio:>6.2f}  "
                   f"{', '.join(f'{r:.0f}' for r in m.runs)}")


# --- deploy ---------------------------------------------------------------------------------


@main.command()
@dsn_option
@click.option("--dry-run", is_flag=True, help="Show what would be applied, with its locks; change nothing.")
@click.option("--with-tests", is_flag=True, help="Also run the project's pytest suite and report it.")
@click.option("--tests-junit", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Report the tests from this pytest JUnit XML (already run) instead of running them.")
@lock_timeout_option
@click.pass_obj
@handles_errors
def deploy(obj: Context, dsn, dry_run, with_tests, tests_junit, lock_timeout):
    """The main job: apply migrations and repeatables, verify, save the run, write the report.

    Exit 0 when the verdict is PASS, 1 when anything failed.
    """
    target = resolve(dsn, obj.project)
    click.echo(f"target: {target.source} ({redact(target.dsn)})")
    if dry_run:
        _print_plan(deploy_lib.plan(obj.project, target))
        return
    outcome = deploy_lib.deploy(obj.project, target, with_tests=with_tests,
                                tests_junit=Path(tests_junit) if tests_junit else None, progress=progress_printer(),
                                lock_timeout=lock_timeout)
    results, comparison = outcome.results, outcome.comparison
    for migration in results.deployment.get("applied", []):
        click.echo(f"applied {migration['id']} ({migration['seconds']:.2f} s)")
    for cat in results.categories():
        click.echo(f"  {cat['name']:<11} {cat['pass'] + cat['warn']:>4} passed {cat['fail'] + cat['error']:>4} failed "
                   f"{cat['skip']:>4} not run   {cat['status'].upper()}")
    if not comparison.made:
        click.echo("regressions: not assessed (no earlier run against this target)")
    else:
        names = ", ".join(c.id for c in comparison.regressions) or "none"
        click.echo(f"regressions against {comparison.baseline_id}: {names}")
        if comparison.fixed:
            click.echo(f"fixed since then: {', '.join(c.id for c in comparison.fixed)}")
    for check in results.checks:
        if check.status in ("fail", "error"):
            click.echo(f"  FAIL {check.id}: {(check.detail.splitlines() or [''])[0]}")
    click.echo(f"{results.verdict}: {len(results.checks)} checks in {results.run['duration_s']} s")
    click.echo(f"report: {outcome.report_paths['md']}")
    click.echo(f"        {outcome.report_paths['html']}")
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


def _print_plan(plan) -> None:
    if not plan.pending and not plan.repeatables:
        click.echo("dry run: nothing to apply; the database is up to date")
        return
    for migration in plan.pending:
        click.echo(f"would apply {migration['id']}:")
        for e in migration["effects"]:
            note = f"; {e['note']}" if e["note"] else ""
            click.echo(f"    {e['action']:<8} {e['object']}: {e['what']} [lock: {e['lock']}{note}]")
    for name in plan.repeatables:
        click.echo(f"would apply repeatable sql/{name}")
    click.echo("dry run: nothing was changed")


@main.command()
@click.argument("run", required=False)
@click.option("--baseline", default=None,
              help="Run id or results.json to compare with (default: the previous run against the same target; "
                   "'none' for no comparison).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to this file instead of stdout.")
@click.pass_obj
@handles_errors
def report(obj: Context, run, baseline, fmt, output):
    """Render the regression report of a saved run (default: the latest)."""
    store = RunStore(obj.project.runs_dir)
    results = store.load(run or store.latest())
    if baseline == "none":
        base = None
    elif baseline:
        base = store.load(baseline)
    else:
        base = store.previous(results)
    _emit(render_lib.render(obj.project, results, compare_runs(results, base), fmt), output)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
