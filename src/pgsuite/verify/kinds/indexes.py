"""Indexes of a table, by their whole definition as PostgreSQL prints it (method, keys with
operator classes, collations and order, INCLUDE columns, predicate, expressions, UNIQUE and
NULLS NOT DISTINCT), and whether they are valid (a failed concurrent build leaves an invalid
one). The parts (unique, method, keys, include, predicate) may be declared instead of the
definition: only what an expectation declares is compared, but for the tablespace and the
comment (absent: none), which pg_dump prints beside the definition."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact

KIND = Kind(
    name="indexes", level="tables", order=70, title="index", declared_only=True,
    always=frozenset({"tablespace"}), absent={"tablespace": "the table's"},
    attributes={"definition": STR, "valid": BOOL, "unique": BOOL, "method": STR, "keys": STRS, "include": STRS,
                "predicate": OPTIONAL_STR, "tablespace": STR},
    compare={"definition": normalize.statement, "keys": lambda v: [normalize.index_key(k) for k in v],
             "include": lambda v: [normalize.index_key(k) for k in v], "predicate": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "definition": r["definition"], "valid": r["valid"], "unique": r["unique"], "method": r["method"],
        "keys": r["keys"], "include": r["include"] or None, "predicate": r["predicate"],
        "tablespace": r["tablespace"]})),
)
