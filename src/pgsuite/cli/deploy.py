"""`pgsuite deploy` (the main job) and `pgsuite report`."""

import getpass
import sys
from pathlib import Path

import click

from .. import deploy as deploy_lib
from ..db import redact
from ..errors import EXIT_CHECK_FAILED
from ..migrate import runner
from ..report import render as render_lib
from ..report import verdict
from ..report.runs import RunStore
from ..target import resolve
from ..migrate.retry import LockRetry
from . import (Context, allow_unsafe_option, dsn_option, emit, fleet_progress, lock_retry_options,
               lock_timeout_option, main, output_option, progress_printer)

junit_option = click.option("--junit", type=click.Path(dir_okay=False), default=None,
                            help="Also write the run as JUnit XML to this file (for CI).")


@main.command()
@dsn_option
@click.option("--fleet", "fleet_file", type=click.Path(dir_okay=False), default=None,
              help="Deploy every target of this fleet file, in its waves (see the README); one fleet report.")
@click.option("--continue-on-failure", is_flag=True,
              help="With --fleet: run the later waves even after a target failed.")
@click.option("--dry-run", is_flag=True, help="Show what would be applied, with its locks; change nothing.")
@click.option("--with-tests", is_flag=True, help="Also run the project's pytest suite and report it.")
@click.option("--tests-junit", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Report the tests from this pytest JUnit XML (already run) instead of running them.")
@junit_option
@lock_timeout_option
@lock_retry_options
@allow_unsafe_option
@click.pass_obj
def deploy(obj: Context, dsn, fleet_file, continue_on_failure, dry_run, with_tests, tests_junit, junit, lock_timeout,
           ddl_lock_timeout, lock_retries, allow_unsafe):
    """The main job: apply migrations and repeatables, verify, save the run, write the report.

    Exit 0 when the verdict is PASS, 1 when anything failed (with --fleet: on any target).
    """
    policy = LockRetry(ddl_lock_timeout, lock_retries)
    if fleet_file:
        for flag, given in (("--dsn", dsn), ("--dry-run", dry_run), ("--with-tests", with_tests),
                            ("--tests-junit", tests_junit)):
            if given:
                raise click.UsageError(f"{flag} cannot be used with --fleet (each target is deployed as by "
                                       "`pgsuite deploy --dsn`)")
        _deploy_fleet(obj, fleet_file, continue_on_failure, junit, lock_timeout, allow_unsafe, policy)
        return
    if continue_on_failure:
        raise click.UsageError("--continue-on-failure goes with --fleet")
    target = resolve(dsn, obj.project)
    click.echo(f"target: {target.source} ({redact(target.dsn)})")
    if dry_run:
        _print_plan(deploy_lib.plan(obj.project, target))
        return
    progress = progress_printer()
    outcome = deploy_lib.deploy(obj.project, target, with_tests=with_tests,
                                tests_junit=Path(tests_junit) if tests_junit else None, progress=progress,
                                lock_timeout=lock_timeout, junit=Path(junit) if junit else None,
                                allow_unsafe=allow_unsafe, policy=policy)
    results, comparison = outcome.results, outcome.comparison
    if progress is runner.quiet:  # on a terminal each migration was already shown as it finished
        for migration in results.deployment.get("applied", []):
            click.echo(f"applied {migration['id']} ({migration['seconds']:.2f} s)")
    for cat in results.categories():
        click.echo(f"  {cat['name']:<16} {cat['pass']:>4} passed {cat['fail'] + cat['error']:>4} failed "
                   f"{cat['warn']:>3} warned {cat['skip']:>3} not run   {cat['status'].upper()}")
    if comparison.made:
        click.echo(f"baseline: {comparison.baseline_kind} run {comparison.baseline_id}")
    else:
        click.echo("baseline: none (no passing or approved run against this target): regressions not assessed")
    if comparison.fixed:
        click.echo(f"fixed since the previous run: {', '.join(c.id for c in comparison.fixed)}")
    click.echo(f"{results.verdict}: {verdict.sentence(results, comparison)} ({len(results.checks)} checks in "
               f"{results.run['duration_s']} s)")
    for line in verdict.failure_lines(results, comparison):
        click.echo(f"  {line['status'].upper()} {line['id']}: {line['reason']} [{line['origin']}]")
    for note in verdict.caveats(results, comparison):
        click.echo(f"  caveat: {note}")
    click.echo(f"report: {outcome.report_paths['md']}")
    click.echo(f"        {outcome.report_paths['html']}")
    if "junit" in outcome.report_paths:
        click.echo(f"        {outcome.report_paths['junit']}")
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


def _deploy_fleet(obj: Context, fleet_file, continue_on_failure, junit, lock_timeout, allow_unsafe, policy) -> None:
    import shutil
    import time

    from ..fleet import file as fleet_file_lib
    from ..fleet import report as fleet_report
    from ..fleet.run import deploy_fleet
    from ..report.runs import new_run_id
    from ..results import now_iso
    from .. import __version__

    fleet = fleet_file_lib.load(fleet_file)  # a bad file: exit 2 before any target is touched

    def deploy_one(project, target):
        return deploy_lib.deploy(project, target, lock_timeout=lock_timeout, allow_unsafe=allow_unsafe, policy=policy)

    run = {"id": new_run_id(), "started_at": now_iso(), "tool": f"pgsuite {__version__}",
           "fleet_file": str(fleet.path)}
    click.echo(f"fleet: {len(fleet.targets)} target(s) in {len(fleet.waves)} wave(s) from {fleet.path}")
    started = time.perf_counter()
    waves, outcomes = deploy_fleet(obj.project, fleet, deploy_one, continue_on_failure, fleet_progress)
    run["finished_at"], run["duration_s"] = now_iso(), round(time.perf_counter() - started, 2)
    doc = fleet_report.document(run, waves, outcomes)
    paths = fleet_report.write(obj.project, doc, obj.project.fleets_dir / run["id"])
    if junit:
        shutil.copyfile(paths["junit"], junit)
    for w in waves:
        click.echo(f"wave {w.name}: {w.state.upper()}" + (f" in {w.seconds} s" if w.seconds is not None else ""))
    for o in outcomes:
        click.echo(f"  {o.name:<20} {o.verdict:<8} head {o.migration_head or '-'}"
                   + (f"  {o.error.splitlines()[0]}" if o.error else "") + (f"  {o.report}" if o.report else ""))
        for s in o.standbys:
            replayed = f"replayed after {s['replayed_after_s']} s" if s["replayed_after_s"] is not None else ""
            click.echo(f"    {o.name}/{s['name']} (standby) {s['verdict']}  {replayed}"
                       + (f"  {s['error'].splitlines()[0]}" if s["error"] else "") + (f"  {s['report']}" if s["report"] else ""))
    click.echo(f"{doc['verdict']}: {doc['counts']['PASS']} of {len(outcomes)} target(s) passed "
               f"({run['duration_s']} s)")
    click.echo(f"fleet report: {paths['md']}")
    click.echo(f"              {paths['html']}")
    if doc["verdict"] != "PASS":
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


class _RunOrCommand(click.Group):
    """`pgsuite report [RUN] [options]` renders a run; `pgsuite report approve RUN` is a command."""

    def parse_args(self, ctx, args):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.meta["report_run"] = args[0]
            args = args[1:]
        return super().parse_args(ctx, args)


@main.group(cls=_RunOrCommand, invoke_without_command=True)
@click.option("--baseline", default=None,
              help="Run id or results.json to compare with (default: the latest passing or approved run against "
                   "the same target; 'none' for no comparison).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "junit"]), default="md", show_default=True)
@output_option
@click.pass_context
def report(ctx, baseline, fmt, output):
    """Render the regression report of a saved run: pgsuite report [RUN] (default: the latest)."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    store = RunStore(obj.project.runs_dir)
    results = store.load(ctx.meta.get("report_run") or store.latest())
    base = "auto" if baseline is None else (None if baseline == "none" else store.load(baseline))
    emit(render_lib.render(obj.project, results, store.compare(results, base), fmt), output)


@report.command("approve")
@click.argument("run")
@click.option("--reason", required=True, help="Why its failures are accepted (recorded with the approval).")
@click.pass_obj
def report_approve(obj: Context, run, reason):
    """Accept RUN as the baseline of the runs after it: its failures are known, new ones are regressions."""
    approval = RunStore(obj.project.runs_dir).approve(run, reason, getpass.getuser())
    click.echo(f"approved {approval['run']} ({approval['verdict']}) as a baseline: {approval['reason']}")
