"""`pgsuite deploy` (the main job) and `pgsuite report`."""

import getpass
import sys
from pathlib import Path

import click

from .. import deploy as deploy_lib
from ..errors import EXIT_CHECK_FAILED
from ..progress import quiet
from ..render import formats
from ..render.formats import Document
from ..render.table import table
from ..render import report as render_lib
from ..report import verdict
from ..report.runs import RunStore
from ..target import resolve
from ..migrate.retry import LockRetry
from . import (Context, allow_unsafe_option, announce, dsn_option, emit, examples, lock_retry_options,
               lock_timeout_option, main, output_option, progress_printer, show)

junit_option = click.option("--junit", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                            help="Also write the run as JUnit XML to this file (for CI).")


@main.command(epilog=examples("pgsuite deploy", "pgsuite deploy --dsn \"$DATABASE_URL\" --junit deploy.xml",
                              "pgsuite deploy --fleet fleet.yaml"))
@dsn_option
@formats.option("text", "json")
@click.option("--fleet", "fleet_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Deploy every target of this fleet file, in its waves (see the README); one fleet report.")
@click.option("--continue-on-failure", is_flag=True,
              help="With --fleet: run the later waves even after a target failed.")
@click.option("--dry-run", is_flag=True, help="Show what would be applied, with its locks; change nothing.")
@click.option("--with-tests", is_flag=True, help="Also run the project's pytest suite and report it.")
@click.option("--tests-junit", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
              help="Report the tests from this pytest JUnit XML (already run) instead of running them.")
@junit_option
@lock_timeout_option
@lock_retry_options
@allow_unsafe_option
@click.pass_obj
def deploy(obj: Context, dsn, fmt, fleet_file, continue_on_failure, dry_run, with_tests, tests_junit, junit,
           lock_timeout, ddl_lock_timeout, lock_retries, allow_unsafe):
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
        _deploy_fleet(obj, fleet_file, continue_on_failure, junit, lock_timeout, allow_unsafe, policy, fmt)
        return
    if continue_on_failure:
        raise click.UsageError("--continue-on-failure goes with --fleet")
    target = resolve(dsn, obj.project)
    announce(target, fmt)
    if dry_run:
        show(_plan_document(target, deploy_lib.plan(obj.project, target)), fmt)
        return
    progress = progress_printer()
    outcome = deploy_lib.deploy(obj.project, target, with_tests=with_tests,
                                tests_junit=Path(tests_junit) if tests_junit else None, progress=progress,
                                lock_timeout=lock_timeout, junit=Path(junit) if junit else None,
                                allow_unsafe=allow_unsafe, policy=policy)
    show(_deploy_document(target, outcome, live=progress is not quiet), fmt)
    if not outcome.results.passed:
        sys.exit(EXIT_CHECK_FAILED)


def _deploy_document(target, outcome, live: bool) -> Document:
    """The verdict, its reasons and the report's paths; the whole run is in results.json beside them."""
    results, comparison = outcome.results, outcome.comparison
    failures = verdict.failure_lines(results, comparison)
    caveats = verdict.caveats(results, comparison)
    data = {
        "target": target.as_dict(),
        "verdict": results.verdict,
        "sentence": verdict.sentence(results, comparison),
        "run": results.run,
        "applied": [{"id": m["id"], "seconds": m["seconds"]} for m in results.deployment.get("applied", [])],
        "categories": results.categories(),
        "baseline": {"run": comparison.baseline_id, "kind": comparison.baseline_kind or None},
        "fixed": [c.id for c in comparison.fixed],
        "failures": failures,
        "caveats": caveats,
        "reports": {kind: str(path) for kind, path in outcome.report_paths.items()},
        "results": str(outcome.report_paths["md"].parent / "results.json"),
    }

    def text() -> str:
        lines = []
        if not live:  # on a terminal each migration was already shown as it finished
            lines += [f"applied {m['id']} ({m['seconds']:.2f} s)" for m in data["applied"]]
        lines.append(table([""] * 6, [(c["name"], f"{c['pass']} passed", f"{c['fail'] + c['error']} failed",
                                        f"{c['warn']} warned", f"{c['skip']} not run", c["status"].upper())
                                       for c in data["categories"]], header=False, align="lrrrrl", indent="  "))
        lines.append(f"baseline: {comparison.baseline_kind} run {comparison.baseline_id}" if comparison.made else
                     "baseline: none (no passing or approved run against this target): regressions not assessed")
        if data["fixed"]:
            lines.append(f"fixed since the previous run: {', '.join(data['fixed'])}")
        lines.append(f"{results.verdict}: {data['sentence']} ({len(results.checks)} checks in "
                     f"{results.run['duration_s']} s)")
        lines += [f"  {f['status'].upper()} {f['id']}: {f['reason']} [{f['origin']}]" for f in failures]
        lines += [f"  caveat: {note}" for note in caveats]
        paths = [outcome.report_paths["md"], outcome.report_paths["html"]] + (
            [outcome.report_paths["junit"]] if "junit" in outcome.report_paths else [])
        lines += [("report: " if i == 0 else "        ") + str(p) for i, p in enumerate(paths)]
        return "\n".join(lines)

    return Document("deploy", data, text)


def _deploy_fleet(obj: Context, fleet_file, continue_on_failure, junit, lock_timeout, allow_unsafe, policy,
                  fmt) -> None:
    from ..fleet import file as fleet_file_lib
    from ..fleet.run import deploy_file

    fleet = fleet_file_lib.load(fleet_file)  # a bad file: exit 2 before any target is touched
    click.echo(f"fleet: {len(fleet.targets)} target(s) in {len(fleet.waves)} wave(s) from {fleet.path}",
               err=fmt != "text")
    done = deploy_file(obj.project, fleet, continue_on_failure, Path(junit) if junit else None, lock_timeout,
                       allow_unsafe, policy, progress_printer(always=True))
    run, waves, outcomes, doc, paths = done.run, done.waves, done.outcomes, done.document, done.paths

    def text() -> str:
        lines = [f"wave {w.name}: {w.state.upper()}" + (f" in {w.seconds} s" if w.seconds is not None else "")
                 for w in waves]
        rows = []
        for o in outcomes:
            rows.append((o.name, o.verdict, f"head {o.migration_head or '-'}",
                         "  ".join(filter(None, [o.error.splitlines()[0] if o.error else "", o.report or ""]))))
            for s in o.standbys:
                replayed = f"replayed after {s['replayed_after_s']} s" if s["replayed_after_s"] is not None else ""
                rows.append((f"  {o.name}/{s['name']} (standby)", s["verdict"], replayed, "  ".join(filter(None, [
                    s["error"].splitlines()[0] if s["error"] else "", s["report"] or ""]))))
        lines.append(table([""] * 4, rows, header=False, indent="  "))
        lines.append(f"{doc['verdict']}: {doc['counts']['PASS']} of {len(outcomes)} target(s) passed "
                     f"({run['duration_s']} s)")
        lines += [f"fleet report: {paths['md']}", f"              {paths['html']}"]
        return "\n".join(lines)

    show(Document("deploy-fleet", {"verdict": doc["verdict"], "counts": doc["counts"], "run": run,
                                   "reports": {k: str(v) for k, v in paths.items()},
                                   "targets": [{"name": o.name, "verdict": o.verdict, "head": o.migration_head,
                                                "error": o.error, "report": o.report} for o in outcomes]}, text), fmt)
    if not done.passed:
        sys.exit(EXIT_CHECK_FAILED)


def _plan_document(target, plan) -> Document:
    def text() -> str:
        if not plan.pending and not plan.repeatables:
            return "dry run: nothing to apply; the database is up to date"
        lines = []
        for migration in plan.pending:
            lines.append(f"would apply {migration['id']}:")
            for e in migration["effects"]:
                note = f"; {e['note']}" if e["note"] else ""
                lines.append(f"    {e['action']:<8} {e['object']}: {e['what']} [lock: {e['lock']}{note}]")
        lines += [f"would apply repeatable sql/{name}" for name in plan.repeatables]
        return "\n".join(lines + ["dry run: nothing was changed"])

    return Document("deploy-dry-run", {"target": target.as_dict(), "pending": plan.pending,
                                       "repeatables": plan.repeatables}, text)


class _RunOrCommand(click.Group):
    """`pgsuite report [RUN] [options]` renders a run; `pgsuite report approve RUN` is a command."""

    def parse_args(self, ctx, args):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.meta["report_run"] = args[0]
            args = args[1:]
        return super().parse_args(ctx, args)


@main.group(cls=_RunOrCommand, invoke_without_command=True, epilog=examples(
    "pgsuite report", "pgsuite report 20261207T031500.000000Z-1a2b3c --format html --output report.html"))
@click.option("--baseline", default=None, metavar="RUN",
              help="Run id or results.json to compare with (default: the latest passing or approved run against "
                   "the same target; 'none' for no comparison).")
@formats.option("md", "html", "json", "junit")
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


@report.command("approve", epilog=examples('pgsuite report approve 20261207T031500.000000Z-1a2b3c --reason "known: ticket 42"'))
@click.argument("run", metavar="RUN")
@click.option("--reason", required=True, metavar="REASON", help="Why its failures are accepted (recorded with the approval).")
@formats.option("text", "json")
@click.pass_obj
def report_approve(obj: Context, run, reason, fmt):
    """Accept RUN as the baseline of the runs after it: its failures are known, new ones are regressions."""
    approval = RunStore(obj.project.runs_dir).approve(run, reason, getpass.getuser())
    show(Document("report approve", approval, lambda: f"approved {approval['run']} ({approval['verdict']}) as a "
                                                      f"baseline: {approval['reason']}"), fmt)
