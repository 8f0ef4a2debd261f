"""`pgsuite lint`."""

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_CHECK_FAILED
from ..lint import reference
from ..lint import run as lint_run
from ..render import junit as render_junit
from ..render import sarif as render_sarif
from ..render import text as render_text
from . import Context, emit, main, output_option


@main.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dsn", default=None,
              help="A target: table sizes and activity in the findings, tables it lacks are new, and the "
                   "compilation checks (plpgsql_check). Without it, nothing connects.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "sarif"]), default="text",
              show_default=True)
@output_option
@click.option("--verbose", "-v", is_flag=True, help="Text format: list passing checks too.")
@click.option("--rules", "show_rules", is_flag=True, help="Print the migration rules' reference (Markdown) and exit.")
@click.pass_obj
def lint(obj: Context, paths, dsn, fmt, output, verbose, show_rules):
    """Judge SQL before it runs (default: migrations/, sql/, verify/scenarios/): exit 1 on an error-level finding."""
    if show_rules:
        emit(reference.markdown(), output)
        return
    project = obj.project
    results = lint_run.lint(project, list(paths), obj.target(dsn) if dsn else None)
    rendered = {"text": lambda: render_text.render(results, verbose),
                "json": lambda: json.dumps(results.to_dict(), indent=2),
                "junit": lambda: render_junit.render(results),
                "sarif": lambda: render_sarif.render(results)}[fmt]()
    emit(rendered, output)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)
