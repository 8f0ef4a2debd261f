"""User-defined types: enums (their labels, in order), domains (base type, NOT NULL, default,
CHECK constraints by name) and composite types (their attributes), with owner and USAGE grants.
A table's own row type is the table's, not a type of its own."""

from .. import normalize
from . import BOOL, GRANTS, OPTIONAL_STR, STR, STRS, Kind, compact, grants

KIND = Kind(
    name="types", level="schemas", order=47,
    attributes={"kind": STR, "labels": STRS, "base": STR, "not_null": BOOL, "default": OPTIONAL_STR,
                "constraints": {"type": "object", "additionalProperties": STR,
                                "description": "a mapping of constraint name to its definition"},
                "attributes": STRS, "owner": STR, "grants": GRANTS},
    required=frozenset({"kind"}),
    compare={"default": normalize.expression, "base": normalize.type_name,
             "constraints": lambda v: {k: normalize.constraint(d) for k, d in v.items()}},
    build=lambda r: (r["schema"], None, r["name"], compact({
        "kind": r["kind"], "labels": r["labels"], "base": r["base"], "not_null": r["not_null"],
        "default": r["default"], "constraints": r["constraints"], "attributes": r["attributes"],
        "owner": r["owner"]}) | {"grants": grants(r["grants"])}),
)
