"""`pgsuite verify` and `verify snapshot`."""

import sys
from pathlib import Path

import click

from ..errors import EXIT_CHECK_FAILED
from ..render import formats
from ..render.formats import Document
from ..verify import run as verify_run
from . import Context, dsn_option, emit, examples, main, output_option, progress_printer, show


@main.group(invoke_without_command=True, epilog=examples(
    "pgsuite verify", "pgsuite verify --dsn \"$DATABASE_URL\" --format junit --output verify.xml",
    "pgsuite verify --fleet fleet.yaml --against staging"))
@dsn_option
@formats.option("text", "json", "junit", "sarif")
@output_option
@click.option("--expect", "expect_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Expectations file to verify against (default: the project's verify/*.yaml).")
@click.option("--no-scenarios", is_flag=True, help="Skip the behavioural scenarios.")
@click.option("--verbose", "-v", is_flag=True, help="Text format: list passing checks too.")
@click.option("--fleet", "fleet_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Verify every target of this fleet file (several at once).")
@click.option("--against", default=None, metavar="TARGET",
              help="With --fleet: compare every target's catalog with this target's (drift), not with verify/.")
@click.pass_context
def verify(ctx, dsn, fmt, output, expect_file, no_scenarios, verbose, fleet_file, against):
    """Check the live database against verify/: catalog, lints and scenarios (exit 1 on any failure)."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    if fleet_file:
        for flag, given in (("--dsn", dsn), ("--expect", expect_file), (f"--format {fmt}", fmt in ("junit", "sarif"))):
            if given:
                raise click.UsageError(f"{flag} cannot be used with --fleet")
        _verify_fleet(obj, fleet_file, against, not no_scenarios, fmt, output)
        return
    if against:
        raise click.UsageError("--against goes with --fleet")
    verify_dir = obj.project.root / "verify"
    inputs = verify_run.prepare(verify_dir, Path(expect_file) if expect_file else None)  # before any server
    results = verify_run.verify(obj.target(dsn, fmt), verify_dir, with_scenarios=not no_scenarios, inputs=inputs)
    show(results, fmt, output, verbose=verbose, project=obj.project)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


@verify.command("snapshot", epilog=examples("pgsuite verify snapshot --output verify/schema.yaml",
                                            "pgsuite verify snapshot --dsn \"$PROD_URL\" --schema public --portable"))
@dsn_option
@output_option
@click.option("--schema", "schemas", multiple=True, metavar="SCHEMA",
              help="Only this schema (repeatable). Default: every schema.")
@click.option("--portable", is_flag=True,
              help="Leave out what differs between servers with the same schema (extension versions).")
@click.pass_obj
def verify_snapshot(obj: Context, dsn, output, schemas, portable):
    """Write the live catalog as expectations (YAML), to pin an environment or start verify/."""
    from ..verify import snapshot as verify_snapshot_lib

    emit(verify_snapshot_lib.snapshot(obj.target(dsn, "yaml"), list(schemas) or None, portable=portable), output)


@verify.command("reference", epilog=examples("pgsuite verify reference",
                                             "pgsuite verify reference --format json --output "
                                             "docs/expectations.schema.json"))
@formats.option("md", "json")
@output_option
def verify_reference(fmt, output):
    """Print the expectations format's reference (Markdown), or its JSON Schema."""
    from ..verify import reference

    emit(reference.markdown() if fmt == "md" else reference.json_schema(), output)


def _verify_fleet(obj: Context, fleet_file, against, with_scenarios, fmt, output) -> None:
    from ..fleet import file as fleet_file_lib
    from ..fleet import verify as fleet_verify

    fleet = fleet_file_lib.load(fleet_file)  # a bad file: exit 2 before any target is touched

    outcomes = fleet_verify.verify_fleet(obj.project, fleet, against, with_scenarios,
                                          progress_printer(always=True))
    found = fleet_verify.differences(outcomes)
    what = f"the catalog of {against}" if against else "verify/"

    def text() -> str:
        from ..render.table import table

        lines = [table([""] * 4, [(o.name, o.verdict, f"{o.checks} checks" + (f", {len(o.problems)} failing"
                                                                            if o.problems else ""),
                                   o.error.splitlines()[0] if o.error else "") for o in outcomes],
                       header=False, align="llrl")]
        if found:
            lines.append(f"differences from {what}:" if against else "failures:")
            for d in found:
                detail = " | ".join(d["detail"].splitlines())
                lines.append(f"  {d['check']}: {detail}  [on {', '.join(d['targets'])}]")
        failed = [o.name for o in outcomes if o.verdict != "PASS"]
        lines.append(f"{'FAIL' if failed else 'PASS'}: {len(outcomes) - len(failed)} of {len(outcomes)} target(s) "
                     f"match {what}")
        return "\n".join(lines)

    show(Document("verify-fleet", {"against": against, "targets": [o.__dict__ for o in outcomes],
                                   "differences": found}, text), fmt, output)
    if any(o.verdict != "PASS" for o in outcomes):
        sys.exit(EXIT_CHECK_FAILED)
