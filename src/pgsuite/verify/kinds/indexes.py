"""Indexes of a table, by their whole definition as PostgreSQL prints it (method, keys with
operator classes, collations and order, INCLUDE columns, predicate, expressions, UNIQUE and
NULLS NOT DISTINCT), and whether they are valid (a failed concurrent build leaves an invalid
one). The parts (unique, method, keys, include, predicate) may be declared instead of the
definition: only what an expectation declares is compared."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact

KIND = Kind(
    name="indexes", level="tables", order=70, title="index", declared_only=True,
    attributes={"definition": STR, "valid": BOOL, "unique": BOOL, "method": STR, "keys": STRS, "include": STRS,
                "predicate": OPTIONAL_STR},
    compare={"definition": normalize.statement, "keys": lambda v: [normalize.index_key(k) for k in v],
             "include": lambda v: [normalize.index_key(k) for k in v], "predicate": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "definition": r["definition"], "valid": r["valid"], "unique": r["unique"], "method": r["method"],
        "keys": r["keys"], "include": r["include"] or None, "predicate": r["predicate"]})),
)
