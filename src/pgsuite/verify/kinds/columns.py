"""Columns of a table: type, nullability, default, identity, generated expression, collation
(when it is not the type's default), statistics target, storage, compression and attribute
options (when set), column-level privileges (GRANT SELECT (col) ...) and the comment."""

from .. import normalize
from . import BOOL, GRANTS, INT, OPTIONAL_STR, STR, STRS, Kind, compact, grants

KIND = Kind(
    name="columns", level="tables", order=50,
    absent={"collation": "the type's own", "statistics": "the default target", "storage": "the type's own",
            "compression": "the default", "grants": "none (the table's privileges only)"},
    attributes={"type": STR, "nullable": BOOL, "default": OPTIONAL_STR, "identity": OPTIONAL_STR,
                "generated": OPTIONAL_STR, "collation": OPTIONAL_STR, "statistics": INT, "storage": STR,
                "compression": STR, "options": STRS, "grants": GRANTS},
    required=frozenset({"type", "nullable"}),
    compare={"type": normalize.type_name, "default": normalize.expression, "generated": normalize.expression},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({
        "type": r["type"], "nullable": r["nullable"], "default": r["default"], "identity": r["identity"],
        "generated": r["generated"], "collation": r["collation"], "statistics": r["statistics"],
        "storage": r["storage"], "compression": r["compression"], "options": r["options"],
        "grants": grants(r["grants"]) or None})),
)
