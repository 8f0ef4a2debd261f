"""The command line. It parses options, calls the library, prints, and maps errors to exit codes.

One module per command group; this one holds the root group and what they share.
"""

import os
import sys
import traceback
from functools import wraps
from pathlib import Path

import click

from ..errors import ConfigError, PgsuiteError
from ..migrate import runner
from ..project import Project
from ..target import resolve

dsn_option = click.option(
    "--dsn",
    default=None,
    help="Target database. Default: $PGSUITE_DSN, else $DATABASE_URL, else the embedded server.",
)
format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
output_option = click.option("--output", type=click.Path(dir_okay=False), default=None,
                             help="Write to this file instead of stdout.")
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
        return runner.quiet

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


def emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text)
        return
    try:
        Path(output).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output}", err=True)


# the command groups register themselves on `main`
from . import bench, db, deploy, metrics, migrate, verify  # noqa: E402,F401
