"""`pgsuite db`: the embedded PostgreSQL."""

import sys

import click

from .. import server
from ..errors import EXIT_CHECK_FAILED
from . import Context, main


@main.group()
def db():
    """The embedded PostgreSQL (data in the project's .pgsuite/ folder)."""


@db.command("start")
@click.pass_obj
def db_start(obj: Context):
    """Start the embedded server (or reuse it) and print its URL."""
    click.echo(server.start(obj.project.state_dir))


@db.command("stop")
@click.pass_obj
def db_stop(obj: Context):
    """Stop the embedded server."""
    stopped = server.stop(obj.project.state_dir)
    click.echo("stopped" if stopped else "not running")


@db.command("status")
@click.pass_obj
def db_status(obj: Context):
    """Say whether the embedded server runs, with its pid, data folder and URL."""
    st = server.status(obj.project.state_dir)
    if st.running:
        click.echo(f"running  pid {st.pid}  data {st.data_dir}\n{st.url}")
    else:
        click.echo(f"not running  data {st.data_dir}")
        sys.exit(EXIT_CHECK_FAILED)


@db.command("url")
@click.pass_obj
def db_url(obj: Context):
    """Print the embedded server's URL (psql accepts it), starting the server if needed."""
    click.echo(server.start(obj.project.state_dir))
