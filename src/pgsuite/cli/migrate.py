"""`pgsuite migrate`: versioned migrations and the repeatable sql/ files."""

import json
import sys
from datetime import timezone

import click

from ..errors import EXIT_CHECK_FAILED
from ..migrate import rehearse, runner, scaffold
from ..migrate import trace as trace_lib
from ..render import junit as render_junit
from ..render import text as render_text
from ..migrate.status import status as migration_status
from ..lint import gate
from ..migrate.retry import LockRetry
from . import (Context, allow_unsafe_option, dsn_option, emit, format_option, lock_retry_options,
               lock_timeout_option, main, output_option, progress_printer)


@main.group()
def migrate():
    """Versioned migrations (yoyo) and the repeatable sql/ files."""


@migrate.command("status")
@dsn_option
@format_option
@click.option("--fleet", "fleet_file", type=click.Path(dir_okay=False), default=None,
              help="Every target of this fleet file: its head, pending and edited migrations, one line each.")
@click.pass_obj
def migrate_status(obj: Context, dsn, fmt, fleet_file):
    """List every migration (applied, pending, edited, missing) and repeatable file."""
    if fleet_file:
        if dsn:
            raise click.UsageError("--dsn cannot be used with --fleet")
        _fleet_status(obj, fleet_file, fmt)
        return
    entries = migration_status(obj.project, obj.target(dsn))
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2))
        return
    width = max((len(e.name) for e in entries), default=10)
    for e in entries:
        when = e.applied_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if e.applied_at else ""
        click.echo(f"{e.kind:<10}  {e.name:<{width}}  {e.state:<8}  {when}".rstrip())


def _fleet_status(obj: Context, fleet_file, fmt) -> None:
    """Read-only, one target after another; an unreachable target is named, the others listed."""
    from ..errors import PgsuiteError
    from ..fleet import file as fleet_file_lib

    rows = []
    for target in fleet_file_lib.load(fleet_file).targets:
        try:
            entries = migration_status(obj.project, target.dsn)
        except PgsuiteError as exc:
            rows.append({"target": target.name, "error": str(exc).strip().splitlines()[0]})
            continue
        migrations = [e for e in entries if e.kind == "migration"]
        applied = [e.name for e in migrations if e.state == "applied"]
        rows.append({"target": target.name, "head": applied[-1] if applied else None,
                     **{state: [e.name for e in entries if e.state == state] for state in ("pending", "edited", "missing")},
                     "repeatables_changed": [e.name for e in entries if e.kind == "repeatable" and e.state != "applied"]})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in rows:
            click.echo(f"{r['target']:<20} " + (f"ERROR  {r['error']}" if "error" in r else
                       f"head {r['head'] or 'none':<32} {len(r['pending'])} pending"
                       + "".join(f", {len(r[k])} {k}" for k in ("edited", "missing") if r[k])
                       + (f", {len(r['repeatables_changed'])} repeatable(s) changed" if r["repeatables_changed"] else "")))
    if any("error" in r or r["pending"] or r["edited"] or r["missing"] for r in rows):
        sys.exit(EXIT_CHECK_FAILED)


@migrate.command("apply")
@dsn_option
@click.option("--to", "to", default=None, help="Apply up to and including this migration id.")
@format_option
@lock_timeout_option
@lock_retry_options
@allow_unsafe_option
@click.pass_obj
def migrate_apply(obj: Context, dsn, to, fmt, lock_timeout, ddl_lock_timeout, lock_retries, allow_unsafe):
    """Lint what would be applied (refused on an error-level finding), validate, apply pending
    migrations, then the changed repeatable files."""
    progress = progress_printer()
    target = obj.target(dsn)
    safety = gate.Gate(obj.project, target, allow_unsafe)
    result = runner.apply(obj.project, target, to=to, progress=progress, lock_timeout=lock_timeout, gate=safety,
                          policy=LockRetry(ddl_lock_timeout, lock_retries))
    for finding in safety.verdict.overridden if safety.verdict else ():
        click.echo(f"unsafe, allowed ({allow_unsafe}): {finding.file}:{finding.line}: {finding.rule}", err=True)
    _print_run(result, fmt, live=progress is not runner.quiet)


@migrate.command("rollback")
@dsn_option
@click.option("--to", "to", default=None, help="Roll back every migration applied after this one.")
@click.option("--count", type=int, default=None, help="Roll back the last N migrations (default 1).")
@format_option
@lock_timeout_option
@lock_retry_options
@click.pass_obj
def migrate_rollback(obj: Context, dsn, to, count, fmt, lock_timeout, ddl_lock_timeout, lock_retries):
    """Roll back applied migrations, newest first, each in its own transaction."""
    progress = progress_printer()
    result = runner.rollback(obj.project, obj.target(dsn), to=to, count=count, progress=progress,
                             lock_timeout=lock_timeout, policy=LockRetry(ddl_lock_timeout, lock_retries))
    _print_run(result, fmt, live=progress is not runner.quiet)


@migrate.command("validate")
@dsn_option
@lock_timeout_option
@click.pass_obj
def migrate_validate(obj: Context, dsn, lock_timeout):
    """Check that applied migrations were not edited, renamed or deleted, and rollbacks pair up."""
    found = runner.validate(obj.project, obj.target(dsn), lock_timeout=lock_timeout)
    for problem in found:
        click.echo(f"FAIL {problem}")
    if found:
        sys.exit(EXIT_CHECK_FAILED)
    click.echo("ok: migration files match the applied history")


@migrate.command("check-rollback")
@dsn_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@output_option
@click.pass_obj
def migrate_check_rollback(obj: Context, dsn, fmt, output):
    """Rehearse every rollback on a scratch database of the target's server: apply, roll back,
    compare the catalog with before, apply again; exit 1 naming what a rollback leaves or loses."""
    results = rehearse.check_rollback(obj.project, obj.target(dsn), progress=progress_printer())
    _emit_results(results, fmt, output)


@migrate.command("trace")
@dsn_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@output_option
@click.pass_obj
def migrate_trace(obj: Context, dsn, fmt, output):
    """Apply the pending migrations on a clone of the target (or in a transaction rolled back) and
    show the locks each statement really took, against pgsuite's prediction; and what changed for
    the API roles' callers (breaking changes exit 1)."""
    results = trace_lib.trace(obj.project, obj.target(dsn))
    _emit_results(results, fmt, output, heading=f"traced on {results.run['traced_on']}\n"
                  if results.run.get("traced_on") else "")


def _emit_results(results, fmt: str, output, heading: str = "") -> None:
    rendered = {"text": lambda: heading + render_text.render(results, verbose=True),
                "json": lambda: json.dumps(results.to_dict(), indent=2),
                "junit": lambda: render_junit.render(results)}[fmt]()
    emit(rendered, output)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


@migrate.command("new")
@click.argument("name")
@click.pass_obj
def migrate_new(obj: Context, name):
    """Create the next NNNN_NAME.sql and NNNN_NAME.rollback.sql."""
    for path in scaffold.new(obj.project.migrations_dir, name):
        click.echo(f"created {path}")


def _print_run(result: runner.RunResult, fmt: str, live: bool = False) -> None:
    """The outcome on stdout; `live`: the terminal already saw one line per step, so only totals."""
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
    if not (result.applied or result.rolled_back or result.repeatables):
        click.echo("nothing to do: the database is up to date")
        return
    if live:
        click.echo(f"done: {len(result.applied)} applied, {len(result.rolled_back)} rolled back, "
                   f"{len(result.repeatables)} repeatable(s) re-applied")
        return
    for verb, items in (("applied", result.applied), ("rolled back", result.rolled_back)):
        for migration_id, seconds in items:
            click.echo(f"{verb} {migration_id} ({seconds:.2f} s)")
    for name in result.repeatables:
        click.echo(f"applied repeatable sql/{name}")
