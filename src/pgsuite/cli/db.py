"""`pgsuite db`: the embedded PostgreSQL."""

import sys

import click

from .. import server
from ..errors import EXIT_CHECK_FAILED
from ..render import formats
from ..render.formats import Document
from . import Context, examples, main, show


@main.group(epilog=examples("pgsuite db start", "pgsuite db status --format json"))
def db():
    """The embedded PostgreSQL (data in the project's .pgsuite/ folder)."""


def _server_document(command: str, state: server.ServerStatus, text: str, **extra) -> Document:
    data = {"running": state.running, "pid": state.pid, "data_dir": str(state.data_dir), "url": state.url, **extra}
    return Document(command, data, lambda: text)


@db.command("start", epilog=examples("pgsuite db start", 'psql "$(pgsuite db url)"'))
@formats.option("text", "json")
@click.pass_obj
def db_start(obj: Context, fmt):
    """Start the embedded server (or reuse it) and print its URL."""
    url = server.start(obj.project.state_dir)
    show(_server_document("db start", server.status(obj.project.state_dir), url), fmt)


@db.command("stop", epilog=examples("pgsuite db stop"))
@formats.option("text", "json")
@click.pass_obj
def db_stop(obj: Context, fmt):
    """Stop the embedded server."""
    stopped = server.stop(obj.project.state_dir)
    state = server.status(obj.project.state_dir)
    show(_server_document("db stop", state, "stopped" if stopped else "not running", stopped=stopped), fmt)


@db.command("status", epilog=examples("pgsuite db status", "pgsuite db status --format json"))
@formats.option("text", "json")
@click.pass_obj
def db_status(obj: Context, fmt):
    """Say whether the embedded server runs, with its pid, data folder and URL (exit 1 when it does not)."""
    st = server.status(obj.project.state_dir)
    text = f"running  pid {st.pid}  data {st.data_dir}\n{st.url}" if st.running else f"not running  data {st.data_dir}"
    show(_server_document("db status", st, text), fmt)
    if not st.running:
        sys.exit(EXIT_CHECK_FAILED)


@db.command("url", epilog=examples('psql "$(pgsuite db url)"'))
@formats.option("text", "json")
@click.pass_obj
def db_url(obj: Context, fmt):
    """Print the embedded server's URL (psql accepts it), starting the server if needed."""
    url = server.start(obj.project.state_dir)
    show(_server_document("db url", server.status(obj.project.state_dir), url), fmt)
