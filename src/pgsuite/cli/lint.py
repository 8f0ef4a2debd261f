"""`pgsuite lint`."""

import sys
from pathlib import Path

import click

from ..errors import EXIT_CHECK_FAILED, ConfigError
from ..sql_lint import reference
from ..sql_lint import run as lint_run
from ..render import formats
from . import Context, emit, examples, main, output_option, show


@main.command("lint", epilog=examples("pgsuite lint", "pgsuite lint migrations/0008_add_phone.sql --dsn \"$DATABASE_URL\"",
                                      "pgsuite lint --format sarif --output pgsuite.sarif"))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("--dsn", default=None, metavar="DSN",
              help="A target: table sizes and activity in the findings, tables it lacks are new, and the "
                   "compilation checks (plpgsql_check). Without it, nothing connects.")
@click.option("--since", default=None, metavar="GIT_REF",
              help="Judge the migrations added or changed since this git ref; the others are accepted.")
@click.option("--all", "whole", is_flag=True,
              help="Judge the whole history (by default what is accepted is left out: migrations applied on --dsn, "
                   "else those imported or the baseline of init).")
@formats.option("text", "json", "junit", "sarif")
@output_option
@click.option("--verbose", "-v", is_flag=True, help="Text format: list passing checks too.")
@click.option("--rules", "show_rules", is_flag=True, help="Print the migration rules' reference (Markdown) and exit.")
@click.pass_obj
def lint(obj: Context, paths, dsn, since, whole, fmt, output, verbose, show_rules):
    """Judge SQL before it runs (default: what is new in migrations/, and sql/, verify/scenarios/): exit 1 on an
    error-level finding."""
    if show_rules:
        emit(reference.markdown(), output)
        return
    if whole and since:
        raise ConfigError("give --since or --all, not both")
    project = obj.project
    results = lint_run.lint(project, list(paths), obj.target(dsn, fmt) if dsn else None, since, whole)
    show(results, fmt, output, verbose=verbose, project=obj.project)
    if not results.passed:
        sys.exit(EXIT_CHECK_FAILED)
