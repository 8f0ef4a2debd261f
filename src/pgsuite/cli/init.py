"""`pgsuite init`: a project for a database that already runs."""

from pathlib import Path

import click

from ..project import create as project_init
from ..render import formats
from ..render.formats import Document
from ..target import choose
from . import announce, dsn_option, examples, main, show


@main.command(epilog=examples("pgsuite init myproject --dsn postgresql://app@db.internal/app",
                              "PGSERVICE=prod pgsuite init myproject --schema public"))
@click.argument("directory", default=".", type=click.Path(file_okay=False), metavar="[DIR]")
@dsn_option
@click.option("--schema", "schemas", multiple=True, metavar="SCHEMA",
              help="Only this schema (repeatable). Default: every schema.")
@formats.option("text", "json")
def init(directory, dsn, schemas, fmt):
    """Start a project in DIR for a database that already runs: folders, verify/config.yaml, a first
    snapshot (verify/schema.yaml), and a baseline migration from the live schema, recorded as applied.

    The database is --dsn, else PGSUITE_DSN, else DATABASE_URL, else libpq's environment; never the
    embedded server, which holds no schema of yours."""
    root = Path(directory).resolve()
    target = choose(dsn)
    if target is None:
        raise click.UsageError("init reads a database that already runs: name it with --dsn, PGSUITE_DSN, "
                               "DATABASE_URL or libpq's environment (PGHOST, PGSERVICE ...)")
    announce(target, fmt)
    done = project_init.init(root, target.dsn, list(schemas) or None)
    baseline = f"{done.project.migrations_dir.name}/0001_baseline.sql"
    data = {"target": target.as_dict(), "project": str(root), "written": [str(p) for p in done.written],
            "baseline": baseline, "tables": done.tables, "functions": done.functions,
            "next": f"pgsuite --project {root} verify"}

    def text() -> str:
        return "\n".join([f"wrote {p}" for p in done.written]
                         + [f"baseline {baseline} recorded as applied: {done.tables} table(s), "
                            f"{done.functions} function(s)", f"next: {data['next']} --dsn ..."])

    show(Document("init", data, text), fmt)
