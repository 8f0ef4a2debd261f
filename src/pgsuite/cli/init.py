"""`pgsuite init`: a project for a database that already runs."""

from pathlib import Path

import click

from .. import project_init
from ..target import resolve
from ..project import Project
from . import dsn_option, main


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@dsn_option
@click.option("--schema", "schemas", multiple=True, help="Only this schema (repeatable). Default: every schema.")
def init(directory, dsn, schemas):
    """Start a project in DIRECTORY for the database at --dsn: folders, verify/config.yaml, a first
    snapshot (verify/schema.yaml), and a baseline migration from the live schema, recorded as applied."""
    root = Path(directory).resolve()
    if not dsn:
        raise click.UsageError("--dsn is required: init reads a database that already runs")
    target = resolve(dsn, Project(root))
    done = project_init.init(root, target.dsn, list(schemas) or None)
    for path in done.written:
        click.echo(f"wrote {path}")
    click.echo(f"baseline {done.project.migrations_dir.name}/0001_baseline.sql recorded as applied: "
               f"{done.tables} table(s), {done.functions} function(s)")
    click.echo(f"next: pgsuite --project {root} verify --dsn ...")
