"""`pgsuite deploy` (the main job) and `pgsuite report`."""

import sys
from pathlib import Path

import click

from .. import deploy as deploy_lib
from ..db import redact
from ..errors import EXIT_CHECK_FAILED
from ..migrate import runner
from ..report import render as render_lib
from ..report.baseline import compare as compare_runs
from ..report.runs import RunStore
from ..target import resolve
from . import Context, dsn_option, emit, handles_errors, lock_timeout_option, main, output_option, progress_printer


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
    progress = progress_printer()
    outcome = deploy_lib.deploy(obj.project, target, with_tests=with_tests,
                                tests_junit=Path(tests_junit) if tests_junit else None, progress=progress,
                                lock_timeout=lock_timeout)
    results, comparison = outcome.results, outcome.comparison
    if progress is runner.quiet:  # on a terminal each migration was already shown as it finished
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
@output_option
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
    emit(render_lib.render(obj.project, results, compare_runs(results, base), fmt), output)
