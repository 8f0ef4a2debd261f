"""Columns of a table: type, nullability, default, identity, generated expression, collation
(when it is not the type's default)."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, Kind, compact

KIND = Kind(
    name="columns", level="tables", order=50,
    absent={"collation": "the type's own"},
    attributes={"type": STR, "nullable": BOOL, "default": OPTIONAL_STR, "identity": OPTIONAL_STR,
                "generated": OPTIONAL_STR, "collation": OPTIONAL_STR},
    required=frozenset({"type", "nullable"}),
    compare={"type": normalize.type_name, "default": normalize.expression, "generated": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "type": r["type"], "nullable": r["nullable"], "default": r["default"], "identity": r["identity"],
        "generated": r["generated"], "collation": r["collation"]})),
)
