"""`pgsuite migrate`: versioned migrations and the repeatable sql/ files."""

import sys
from datetime import timezone
from pathlib import Path

import click

from ..errors import EXIT_CHECK_FAILED
from ..migrate import adopt as adopt_lib
from ..migrate import importer, rehearse, runner, scaffold, sources
from ..migrate import trace as trace_lib
from ..migrate.status import status as migration_status
from ..sql_lint import gate
from ..migrate.retry import LockRetry
from ..render import formats
from ..progress import quiet
from ..render.formats import Document
from . import (Context, allow_unsafe_option, dsn_option, examples, lock_retry_options, lock_timeout_option, main,
               output_option, progress_printer, show)


@main.group(epilog=examples("pgsuite migrate status", "pgsuite migrate apply --dsn \"$DATABASE_URL\"",
                            "pgsuite migrate rollback --count 1"))
def migrate():
    """Versioned migrations (yoyo) and the repeatable sql/ files."""


@migrate.command("status", epilog=examples("pgsuite migrate status", "pgsuite migrate status --format json --dsn "
                                            "\"$DATABASE_URL\""))
@dsn_option
@formats.option("text", "json")
@click.option("--fleet", "fleet_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Every target of this fleet file: its head, pending and edited migrations, one line each.")
@click.pass_obj
def migrate_status(obj: Context, dsn, fmt, fleet_file):
    """List every migration (applied, pending, edited, missing) and repeatable file."""
    if fleet_file:
        if dsn:
            raise click.UsageError("--dsn cannot be used with --fleet")
        _fleet_status(obj, fleet_file, fmt)
        return
    target = obj.resolve_target(dsn, fmt)
    entries = migration_status(obj.project, target.dsn)

    def text() -> str:
        rows = [(e.kind, e.name, e.state, e.applied_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
                 if e.applied_at else "") for e in entries]
        from ..render.table import table

        return table(("kind", "name", "state", "applied at"), rows)

    show(Document("migrate status", {"target": target.as_dict(), "entries": [e.as_dict() for e in entries]}, text),
         fmt)


def _fleet_status(obj: Context, fleet_file, fmt) -> None:
    """Read-only, one target after another; an unreachable target is named, the others listed."""
    from ..fleet import file as fleet_file_lib
    from ..fleet import status as fleet_status

    rows = fleet_status.status(obj.project, fleet_file_lib.load(fleet_file))

    def text() -> str:
        from ..render.table import table

        return table([""] * 4, [(r["target"], "ERROR", r["error"], "") if "error" in r else
                                (r["target"], "head", r["head"] or "none", f"{len(r['pending'])} pending"
                                 + "".join(f", {len(r[k])} {k}" for k in ("edited", "missing") if r[k])
                                 + (f", {len(r['repeatables_changed'])} repeatable(s) changed"
                                    if r["repeatables_changed"] else "")) for r in rows], header=False)

    show(Document("migrate status-fleet", {"fleet": fleet_file, "targets": rows}, text), fmt)
    if fleet_status.behind(rows):
        sys.exit(EXIT_CHECK_FAILED)


@migrate.command("apply", epilog=examples("pgsuite migrate apply", "pgsuite migrate apply --to 0003_appointments "
                                           "--lock-timeout 5s"))
@dsn_option
@click.option("--to", "to", default=None, metavar="MIGRATION", help="Apply up to and including this migration id.")
@formats.option("text", "json")
@lock_timeout_option
@lock_retry_options
@allow_unsafe_option
@click.pass_obj
def migrate_apply(obj: Context, dsn, to, fmt, lock_timeout, ddl_lock_timeout, lock_retries, allow_unsafe):
    """Lint what would be applied (refused on an error-level finding), validate, apply pending
    migrations, then the changed repeatable files."""
    progress = progress_printer()
    target = obj.resolve_target(dsn, fmt)
    safety = gate.Gate(obj.project, target.dsn, allow_unsafe)
    result = runner.apply(obj.project, target.dsn, to=to, progress=progress, lock_timeout=lock_timeout, gate=safety,
                          policy=LockRetry(ddl_lock_timeout, lock_retries))
    overridden = safety.verdict.overridden if safety.verdict else []
    for finding in overridden:
        click.echo(f"unsafe, allowed ({allow_unsafe}): {finding.file}:{finding.line}: {finding.rule}", err=True)
    _show_run("migrate apply", target, result, fmt, live=progress is not quiet,
              allowed_unsafe=[{"rule": f.rule, "file": f.file, "line": f.line, "reason": allow_unsafe}
                              for f in overridden])


@migrate.command("rollback", epilog=examples("pgsuite migrate rollback", "pgsuite migrate rollback --to "
                                              "0005_private_schema"))
@dsn_option
@click.option("--to", "to", default=None, metavar="MIGRATION", help="Roll back every migration applied after this one.")
@click.option("--count", type=int, default=None, metavar="N", help="Roll back the last N migrations (default 1).")
@formats.option("text", "json")
@lock_timeout_option
@lock_retry_options
@click.pass_obj
def migrate_rollback(obj: Context, dsn, to, count, fmt, lock_timeout, ddl_lock_timeout, lock_retries):
    """Roll back applied migrations, newest first, each in its own transaction."""
    progress = progress_printer()
    target = obj.resolve_target(dsn, fmt)
    result = runner.rollback(obj.project, target.dsn, to=to, count=count, progress=progress,
                             lock_timeout=lock_timeout, policy=LockRetry(ddl_lock_timeout, lock_retries))
    _show_run("migrate rollback", target, result, fmt, live=progress is not quiet)


@migrate.command("validate", epilog=examples("pgsuite migrate validate", "pgsuite migrate validate --format json"))
@dsn_option
@formats.option("text", "json")
@lock_timeout_option
@click.pass_obj
def migrate_validate(obj: Context, dsn, fmt, lock_timeout):
    """Check that applied migrations were not edited, renamed or deleted, and rollbacks pair up
    (exit 1 naming each problem)."""
    target = obj.resolve_target(dsn, fmt)
    found = runner.validate(obj.project, target.dsn, lock_timeout=lock_timeout)
    text = "\n".join(f"FAIL {problem}" for problem in found) or "ok: migration files match the applied history"
    show(Document("migrate validate", {"target": target.as_dict(), "valid": not found, "problems": found},
                  lambda: text), fmt)
    if found:
        sys.exit(EXIT_CHECK_FAILED)


@migrate.command("check-rollback", epilog=examples("pgsuite migrate check-rollback",
                                                    "pgsuite migrate check-rollback --format junit --output "
                                                    "rollback.xml"))
@dsn_option
@formats.option("text", "json", "junit")
@output_option
@click.pass_obj
def migrate_check_rollback(obj: Context, dsn, fmt, output):
    """Rehearse every rollback on a scratch database of the target's server: apply, roll back,
    compare the catalog with before, apply again; exit 1 naming what a rollback leaves or loses."""
    results = rehearse.check_rollback(obj.project, obj.target(dsn, fmt), progress=progress_printer())
    _show_results(results, fmt, output)


@migrate.command("trace", epilog=examples("pgsuite migrate trace --dsn \"$DATABASE_URL\"",
                                           "pgsuite migrate trace --format json --output trace.json"))
@dsn_option
@formats.option("text", "json", "junit")
@output_option
@click.pass_obj
def migrate_trace(obj: Context, dsn, fmt, output):
    """Apply the pending migrations on a clone of the target (or in a transaction rolled back) and
    show the locks each statement really took, against pgsuite's prediction; and what changed for
    the API roles' callers (breaking changes exit 1)."""
    results = trace_lib.trace(obj.project, obj.target(dsn, fmt))
    if fmt == "text" and results.run.get("traced_on"):
        click.echo(f"traced on {results.run['traced_on']}")
    _show_results(results, fmt, output)


def _show_results(results, fmt: str, output) -> None:
    show(results, fmt, output, verbose=True)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


@migrate.command("new", epilog=examples("pgsuite migrate new add_customer_phone"))
@click.argument("name", metavar="NAME")
@formats.option("text", "json")
@click.pass_obj
def migrate_new(obj: Context, name, fmt):
    """Create the next NNNN_NAME.sql and NNNN_NAME.rollback.sql."""
    paths = scaffold.new(obj.project.migrations_dir, name)
    show(Document("migrate new", {"created": [str(p) for p in paths]},
                  lambda: "\n".join(f"created {p}" for p in paths)), fmt)


@migrate.command("import", epilog=examples("pgsuite migrate import ../app/migrations",
                                            "pgsuite migrate import ../app/db/migrations --format dbmate"))
@click.argument("source", type=click.Path(path_type=Path), metavar="SOURCE_DIR")
@click.option("--format", "source_format", type=click.Choice(list(sources.formats())), default=None,
              help="The tool the history was written for (default: detected, and named in the output).")
@click.pass_obj
def migrate_import(obj: Context, source, source_format):
    """Import another tool's migrations (diesel, golang-migrate, dbmate, flyway, sqitch) as
    NNNN_name.sql and its rollback; a second import adds only what is new."""
    result = importer.run(Path(obj.project_dir), source, source_format)

    def text() -> str:
        lines = [f"{result.format} history in {source}: {len(result.written)} file(s) written, "
                 f"{result.already} migration(s) imported before and unchanged"]
        lines += [f"wrote {p}" for p in result.written + result.settings]
        lines += [f"warning: imported before, no longer in the source: {v}" for v in result.vanished]
        if result.written:
            lines.append(f"a database {result.format} migrated already: `pgsuite migrate adopt --dsn ...` records "
                         "what it applied, without running it")
        return "\n".join(lines)

    click.echo(text())  # text only: --format names the source tool here


@migrate.command("adopt", epilog=examples("pgsuite migrate adopt --dsn \"$DATABASE_URL\""))
@dsn_option
@formats.option("text", "json")
@lock_timeout_option
@click.pass_obj
def migrate_adopt(obj: Context, dsn, fmt, lock_timeout):
    """Record as applied what the imported migrations' own tool applied on the target (its
    ledger), running nothing."""
    target = obj.resolve_target(dsn, fmt)
    result = adopt_lib.adopt(obj.project, target.dsn, lock_timeout)

    def text() -> str:
        lines = [f"{result.format}'s ledger {result.ledger}: {len(result.recorded)} migration(s) recorded as "
                 f"applied, {len(result.already)} recorded before, {len(result.pending)} pending"]
        lines += [f"recorded {m}" for m in result.recorded]
        lines += [f"recorded repeatable sql/{r}" for r in result.repeatables]
        lines.append(f"{result.ledger} stays: drop it once {result.format} no longer runs against this database")
        return "\n".join(lines)

    show(Document("migrate adopt", {"target": target.as_dict(), "format": result.format, "ledger": result.ledger,
                                    "recorded": result.recorded, "already": result.already,
                                    "repeatables": result.repeatables, "pending": result.pending}, text), fmt)


def _show_run(command: str, target, result: runner.MigrationRun, fmt: str, live: bool = False, **extra) -> None:
    """The outcome; `live`: the terminal already saw one line per step, so the text says only totals."""
    def text() -> str:
        if not (result.applied or result.rolled_back or result.repeatables):
            return "nothing to do: the database is up to date"
        if live:
            return (f"done: {len(result.applied)} applied, {len(result.rolled_back)} rolled back, "
                    f"{len(result.repeatables)} repeatable(s) re-applied")
        lines = [f"{verb} {migration_id} ({seconds:.2f} s)"
                 for verb, items in (("applied", result.applied), ("rolled back", result.rolled_back))
                 for migration_id, seconds in items]
        return "\n".join(lines + [f"applied repeatable sql/{name}" for name in result.repeatables])

    show(Document(command, {"target": target.as_dict(),
                            "applied": [{"id": i, "seconds": round(s, 3)} for i, s in result.applied],
                            "rolled_back": [{"id": i, "seconds": round(s, 3)} for i, s in result.rolled_back],
                            "repeatables": result.repeatables, **extra}, text), fmt)
