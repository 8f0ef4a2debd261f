"""`pgsuite verify` and `verify snapshot`."""

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_CHECK_FAILED
from ..render import text as render_text
from ..verify import run as verify_run
from . import Context, dsn_option, emit, main, output_option


@main.group(invoke_without_command=True)
@dsn_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@output_option
@click.option("--expect", "expect_file", type=click.Path(dir_okay=False), default=None,
              help="Expectations file to verify against (default: the project's verify/*.yaml).")
@click.option("--no-scenarios", is_flag=True, help="Skip the behavioural scenarios.")
@click.option("--verbose", "-v", is_flag=True, help="Text format: list passing checks too.")
@click.pass_context
def verify(ctx, dsn, fmt, output, expect_file, no_scenarios, verbose):
    """Check the live database against verify/: catalog, lints and scenarios (exit 1 on any failure)."""
    if ctx.invoked_subcommand is not None:
        return
    obj: Context = ctx.obj
    verify_dir = obj.project.root / "verify"
    inputs = verify_run.prepare(verify_dir, Path(expect_file) if expect_file else None)  # before any server
    results = verify_run.verify(obj.target(dsn), verify_dir, with_scenarios=not no_scenarios, inputs=inputs)
    rendered = {"text": lambda: render_text.render(results, verbose), "json": lambda: json.dumps(results.to_dict(), indent=2),
                "junit": lambda: _junit(results)}[fmt]()
    emit(rendered, output)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)


@verify.command("snapshot")
@dsn_option
@output_option
@click.option("--schema", "schemas", multiple=True, help="Only this schema (repeatable). Default: every schema.")
@click.option("--portable", is_flag=True,
              help="Leave out what differs between servers with the same schema (extension versions).")
@click.pass_obj
def verify_snapshot(obj: Context, dsn, output, schemas, portable):
    """Write the live catalog as expectations (YAML), to pin an environment or start verify/."""
    from ..verify import snapshot as verify_snapshot_lib

    emit(verify_snapshot_lib.snapshot(obj.target(dsn), list(schemas) or None, portable=portable), output)


@verify.command("reference")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@output_option
def verify_reference(fmt, output):
    """Print the expectations format's reference (Markdown), or its JSON Schema."""
    from ..verify import reference

    emit(reference.markdown() if fmt == "md" else reference.json_schema(), output)


def _junit(results) -> str:
    from ..render import junit as render_junit

    return render_junit.render(results)
