"""`pgsuite verify snapshot`: the live catalog written as expectations, to pin an environment."""

import fnmatch

from .. import db
from ..errors import ConfigError
from . import catalog as catalog_lib
from .. import yamlfile
from . import kinds, placeholders
from .expectations import DEFAULT_EXCLUDED_SCHEMAS, DEFAULT_IGNORED_TABLES

HEADER = """\
# Expectations written by `pgsuite verify snapshot` from {database} on PostgreSQL {version}.
# Declaring an object is how you expect it; review changes to this file like code.
# ${{deployer}} is the role that deployed the schema (here {deployer}, from the {source}).
"""


def snapshot(dsn: str, schemas: list[str] | None = None, ignore_tables: list[str] | None = None,
             exclude_schemas: list[str] | None = None, portable: bool = False) -> str:
    """The live catalog as an expectations document; `schemas`: only these (default: every one).
    `portable`: leave out what differs between servers that hold the same schema (extension
    versions), for expectations checked against several environments."""
    ignore = DEFAULT_IGNORED_TABLES + (ignore_tables or [])
    with db.connect(dsn) as conn:
        live = catalog_lib.read(conn, DEFAULT_EXCLUDED_SCHEMAS + (exclude_schemas or []))
        version, database = conn.execute("SELECT current_setting('server_version'), current_database()").fetchone()
    document = placeholders.unbind(live.document, live.deployer)
    unknown = sorted(set(schemas or []) - set(document["schemas"]))
    if unknown:
        raise ConfigError(f"no schema {', '.join(unknown)} in {database} (schemas: {', '.join(document['schemas'])})")
    kept = {name: spec for name, spec in document["schemas"].items() if schemas is None or name in schemas}
    for spec in kept.values():
        spec["tables"] = {n: t for n, t in spec.get("tables", {}).items()
                          if not any(fnmatch.fnmatchcase(n, p) for p in ignore)}
    output = {
        "extensions": {n: ({"schema": e["schema"]} if portable else e) for n, e in document["extensions"].items()},
        "roles": {n: document["roles"][n] for n in sorted(roles_used(kept)) if n in document["roles"]},
        **{k.name: document[k.name] for k in kinds.at_level("database")
           if k.name not in ("roles", "extensions", "schemas") and document.get(k.name)},
        "schemas": kept,
    }
    return HEADER.format(database=database, version=version, deployer=live.deployer,
                         source=live.deployer_source) + yamlfile.dump(output)


def roles_used(schemas: dict) -> set[str]:
    """Roles the schemas grant to, name in policies or let execute, besides PUBLIC and the deployer."""
    used = set()
    for schema in schemas.values():
        used |= set(schema.get("grants", {}))
        for section in schema.values():
            if not isinstance(section, dict):
                continue
            for spec in section.values():
                if not isinstance(spec, dict):
                    continue
                used |= set(spec.get("grants") or {}) | {e.removesuffix(kinds.GRANT_OPTION)
                                                         for e in spec.get("execute") or []}
                for policy in (spec.get("policies") or {}).values():
                    used |= set(policy["roles"])
                columns = spec.get("columns")  # a table's: column-level privileges (a view's is a list)
                for column in columns.values() if isinstance(columns, dict) else []:
                    used |= set(column.get("grants") or {})
    return used - {"PUBLIC", placeholders.DEPLOYER}
