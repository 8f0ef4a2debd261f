"""`pgsuite verify snapshot`: the live catalog written as expectations, to pin an environment."""

import fnmatch

from .. import db
from . import introspect, yamlfile
from .expectations import DEFAULT_IGNORED_TABLES

HEADER = """\
# Expectations written by `pgsuite verify snapshot` from {database} on PostgreSQL {version}.
# Declaring an object is how you expect it; review changes to this file like code.
"""


def snapshot(dsn: str, schema: str = "public", ignore_tables: list[str] | None = None) -> str:
    ignore = DEFAULT_IGNORED_TABLES + (ignore_tables or [])
    with db.connect(dsn) as conn:
        live, _ = introspect.read(conn, schema)
        version, database = conn.execute("SELECT current_setting('server_version'), current_database()").fetchone()
    tables = {n: t for n, t in live["tables"].items() if not any(fnmatch.fnmatchcase(n, p) for p in ignore)}
    document = {
        "schema": schema,
        # versions differ between servers (btree_gist 1.7 on 15, 1.8 on 18): pin one by hand if wanted
        "extensions": {n: {"schema": e["schema"]} for n, e in live["extensions"].items()},
        "roles": {n: {"login": live["roles"][n]["login"]} for n in sorted(_roles_used(tables, live["functions"]))
                  if n in live["roles"]},
        "tables": tables,
        "functions": live["functions"],
    }
    return HEADER.format(database=database, version=version) + yamlfile.dump(document)


def _roles_used(tables: dict, functions: dict) -> set[str]:
    """Roles the schema grants to or names in policies, besides PUBLIC and owners."""
    used = set()
    for t in tables.values():
        used |= set(t["grants"])
        for p in t["policies"].values():
            used |= set(p["roles"])
    for f in functions.values():
        used |= set(f["execute"])
    return used - {"PUBLIC"}
