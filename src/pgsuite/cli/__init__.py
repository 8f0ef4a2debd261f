"""The command line. It parses options, calls the library, prints, and maps errors to exit codes.

One module per command group; this one holds the root group and what they share. A command's
module (and what it needs: psycopg, yoyo, jinja2, pglast ...) is imported only when that command
runs, so `pgsuite --version` or `pgsuite db url` start in a fraction of the time.
"""

import os
import re
import sys
import traceback
from importlib import import_module
from pathlib import Path

import click

from .. import __version__, redact
from ..errors import EXIT_CHECK_FAILED, EXIT_CONNECT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, ConfigError, PgsuiteError
from ..project import Project

# command name -> the module under pgsuite.cli that defines it (and registers it on `main`)
COMMANDS = {"bench": "bench", "db": "db", "deploy": "deploy", "init": "init", "lint": "lint",
            "metrics": "metrics", "migrate": "migrate", "report": "deploy", "verify": "verify"}

dsn_option = click.option(
    "--dsn",
    default=None,
    metavar="DSN",
    help="Target database (a conninfo string or postgresql:// URI). Default: $PGSUITE_DSN, else "
         "$DATABASE_URL, else libpq's environment (PGHOST, PGSERVICE ...), else the embedded server.",
)
output_option = click.option("--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                             help="Write to this file instead of stdout.")


def examples(*lines: str) -> str:
    """A command's epilog: its examples, kept as written by click's help formatter."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
class Duration(click.ParamType):
    """A PostgreSQL duration setting: a number with an optional unit (us, ms, s, min, h, d)."""

    name = "duration"
    PATTERN = re.compile(r"^\s*\d+(\.\d+)?\s*(us|ms|s|min|h|d)?\s*$")

    def convert(self, value, param, ctx):
        if not self.PATTERN.match(str(value)):
            self.fail(f"{value!r} is not a duration: a number with an optional unit us, ms, s, min, h or d "
                      "(e.g. 300ms, 60s, 5min)", param, ctx)
        return str(value).strip()


lock_timeout_option = click.option(
    "--lock-timeout",
    type=Duration(),
    default="60s",
    show_default=True,
    help="How long to wait for the migration lock (and, in a -- transactional: false migration, for each "
         "statement's lock), e.g. 300ms, 60s, 5min.",
)


def lock_retry_options(command):
    """--ddl-lock-timeout and --lock-retries: how a transactional migration waits for its locks."""
    command = click.option("--lock-retries", type=click.IntRange(0, 100), default=5, show_default=True,
                           help="Retries of a migration whose lock wait timed out (waits 1 s, 2 s, 4 s ... "
                                "at most 30 s between).")(command)
    return click.option("--ddl-lock-timeout", type=Duration(), default="5s", show_default=True,
                        help="lock_timeout of each attempt of a transactional migration: the longest that "
                             "queries queue behind its lock.")(command)


class Reason(click.ParamType):
    """A non-empty reason, recorded where it is used."""

    name = "reason"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("a reason is required (say why the unsafe statements are acceptable)", param, ctx)
        return str(value).strip()


allow_unsafe_option = click.option(
    "--allow-unsafe", "allow_unsafe", type=Reason(), default=None, metavar="REASON",
    help="Apply even with error-level findings of the safety gate (pgsuite lint's rules and squawk); "
         "the reason is recorded with what it overrode.")


class Context:
    def __init__(self, project_dir: str, debug: bool):
        self.project_dir = project_dir
        self.debug = debug

    @property
    def project(self) -> Project:
        return Project.at(self.project_dir)

    def target(self, dsn: str | None, fmt: str = "text") -> str:
        """The target's DSN, resolved once per command and announced in the command's first line."""
        return self.resolve_target(dsn, fmt).dsn

    def resolve_target(self, dsn: str | None, fmt: str = "text"):
        from ..target import resolve

        target = resolve(dsn, self.project)
        announce(target, fmt)
        return target


def announce(target, fmt: str = "text") -> None:
    """Which target and why: the first line of the output, on stderr when stdout is a document
    (JSON, JUnit, SARIF ...) that a program reads."""
    click.echo(target.describe(), err=fmt != "text")


def run() -> None:
    """The console script: run the command, then map every outcome to the exit-code contract.

    0 ok, 1 a check failed, 2 bad usage or input, 3 cannot connect, 4 internal error,
    130 interrupted. Errors are one line on stderr (secrets redacted); --debug adds the traceback.
    """
    debug = "--debug" in sys.argv[1:]
    try:
        code = main.main(prog_name="pgsuite", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:  # bad usage: click's own message names the option, in one line
        where = exc.ctx.command_path if getattr(exc, "ctx", None) else "pgsuite"
        click.echo(f"{where}: {exc.format_message()} (see {where} --help)", err=True)
        code = EXIT_USAGE
    except (KeyboardInterrupt, click.Abort):
        _fail("interrupted", debug)
        code = EXIT_INTERRUPTED
    except PgsuiteError as exc:
        _fail(str(exc), debug)
        code = exc.exit_code
    except Exception as exc:
        if _lost_connection(exc):  # the server went away in the middle of a command
            _fail(f"lost the connection to the server: {str(exc).strip()}", debug)
            code = EXIT_CONNECT
        elif _server_refused(exc):  # a deadlock, a cancel, a lock not available: the operation failed
            _fail(f"the server stopped the command: [{exc.sqlstate}] {str(exc).strip()}", debug)
            code = EXIT_CHECK_FAILED
        else:  # a bug: say so in one line, never a bare traceback
            _fail(f"internal error: {type(exc).__name__}: {str(exc).strip() or '(no message)'}"
                  + ("" if debug else " (rerun with --debug for the traceback)"), debug)
            code = EXIT_INTERNAL
    sys.exit(code or 0)


def _lost_connection(exc: Exception) -> bool:
    psycopg = sys.modules.get("psycopg")  # not imported: no connection was ever made
    return psycopg is not None and isinstance(exc, psycopg.OperationalError) and not _server_refused(exc)


def _server_refused(exc: Exception) -> bool:
    """An OperationalError the server raised with a SQLSTATE (40P01 deadlock, 57014 canceled...),
    as opposed to a connection that failed or was lost (no SQLSTATE, class 08, or 57P0x)."""
    psycopg = sys.modules.get("psycopg")
    sqlstate = getattr(exc, "sqlstate", None)
    return (psycopg is not None and isinstance(exc, psycopg.OperationalError) and bool(sqlstate)
            and not sqlstate.startswith(("08", "57P")))  # 57P01: the server terminated the session


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"pgsuite: {redact.secrets(message)}", err=True)


def on_terminal() -> bool:
    """Progress lines go to a terminal only: nothing in CI or when stderr is redirected."""
    return not os.environ.get("CI") and sys.stderr.isatty()


def progress_printer(always: bool = False):
    """The library's progress steps as lines on stderr: on a terminal only (not in CI nor when
    redirected), or always (a fleet's: several targets at once, each line names its own)."""
    from ..progress import quiet

    if not (always or on_terminal()):
        return quiet
    return lambda step: click.echo(f"  {step.line()}", err=True)


class LazyGroup(click.Group):
    """Imports a command's module when the command is asked for (click's documented lazy loading)."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name in COMMANDS and name not in self.commands:
            import_module(f"{__name__}.{COMMANDS[name]}")  # its decorators register it on `main`
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, epilog=examples("pgsuite deploy", "pgsuite --project db verify --dsn \"$DATABASE_URL\"",
                                           "pgsuite COMMAND --help"))
@click.option(
    "--project",
    "project_dir",
    default=".",
    envvar="PGSUITE_PROJECT",
    show_default=True,
    metavar="DIR",
    help="The project folder (holds migrations/, sql/ and .pgsuite/).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(version=__version__, prog_name="pgsuite")
@click.pass_context
def main(ctx, project_dir, debug):
    """pgsuite: deploy, verify and report on a PostgreSQL schema.

    Exit codes: 0 all good; 1 a check failed; 2 bad usage or input; 3 cannot connect;
    4 internal error; 130 interrupted.
    """
    ctx.obj = Context(project_dir, debug)


def show(output, fmt: str, destination: str | None = None, verbose: bool = False, report=None, project=None) -> None:
    """Render a Document or a run's results in `fmt` (the one format registry) and print or write it."""
    from ..render import formats

    emit(formats.render(output, fmt, verbose=verbose, report=report, project=project), destination)


def emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text)
        return
    try:
        Path(output).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output}", err=True)

