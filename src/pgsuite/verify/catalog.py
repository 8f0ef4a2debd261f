"""The live catalog, read in a fixed number of queries (one per kind, whatever the size), in one
REPEATABLE READ READ ONLY transaction, and shaped like an expectations document."""

from dataclasses import dataclass

from psycopg.rows import dict_row

from .. import queries
from . import kinds


@dataclass
class Catalog:
    document: dict  # roles, extensions, schemas (with their tables, functions ...)
    sql: dict[str, str]  # kind name -> the query that read it
    deployer: str  # the role ${deployer} stands for
    deployer_source: str  # "migration ledger" or "current user"
    excluded_schemas: list[str]


def read(conn, exclude_schemas: list[str]) -> Catalog:
    rows: dict[str, list[dict]] = {}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # names print the same whatever the session's search_path: qualified, but for pg_catalog's
        conn.execute("SET LOCAL search_path = pg_catalog")
        cur = conn.cursor(row_factory=dict_row)
        schemas = kinds.by_name("schemas")
        rows["schemas"] = [r for r in cur.execute(schemas.sql, {"schemas": []}).fetchall()
                           if r["name"] not in exclude_schemas]
        included = [r["name"] for r in rows["schemas"]]
        for kind in kinds.all_kinds():
            if kind.name != "schemas":
                rows[kind.name] = cur.execute(kind.sql, {"schemas": included}).fetchall()
        ledger = conn.execute(queries.load("deployer_known")).fetchone()[0]
        deployer = conn.execute(queries.load("deployer") if ledger else "SELECT current_user").fetchone()[0]
    return Catalog(build(rows), {k.name: k.sql for k in kinds.all_kinds()}, deployer,
                   "migration ledger" if ledger else "current user", list(exclude_schemas))


def build(rows: dict[str, list[dict]]) -> dict:
    """The rows of every kind's query placed where their objects live in the document."""
    document: dict = {k.name: {} for k in kinds.at_level("database")}
    for kind in kinds.all_kinds():  # in order: a holder before what it holds
        for row in rows[kind.name]:
            schema, table, name, spec = kind.build(row)
            if row.get("comment") is not None:  # every kind that reads one (kinds._commented)
                spec["comment"] = row["comment"]
            holder = _holder(document, kind, schema, table)
            if holder is not None:
                holder[name] = {**spec, **{child.name: {} for child in kinds.children(kind)}}
    return document


def _holder(document: dict, kind: kinds.Kind, schema: str | None, parent: str | None) -> dict | None:
    """The mapping an object of `kind` goes in; None when its holder was not read (an extension's)."""
    if kind.level == "database":
        return document[kind.name]
    holder = document["schemas"].get(schema)
    holding = kinds.by_name(kind.level)
    if holding.level == "schemas":  # inside an object of a schema (a table's columns)
        holder = (holder or {}).get(holding.name, {}).get(parent)
    return None if holder is None else holder.setdefault(kind.name, {})
