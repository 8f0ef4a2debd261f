"""Indexes of a table: method, keys (with order), included columns, uniqueness, predicate."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact

KIND = Kind(
    name="indexes", level="tables", order=70, title="index",
    attributes={"unique": BOOL, "method": STR, "keys": STRS, "include": STRS, "predicate": OPTIONAL_STR},
    required=frozenset({"method", "keys"}),
    compare={"keys": lambda v: [normalize.index_key(k) for k in v],
             "include": lambda v: [normalize.index_key(k) for k in v], "predicate": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "unique": r["unique"], "method": r["method"], "keys": r["keys"], "include": r["include"] or None,
        "predicate": r["predicate"]})),
)
