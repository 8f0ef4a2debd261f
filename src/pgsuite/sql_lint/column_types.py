"""Which ALTER COLUMN ... TYPE changes PostgreSQL makes without touching a row: the binary-
coercible widenings ATColumnChangeRequiresRewrite lets through (a longer varchar, varchar to
text, more precision at the same scale, cidr to inet, a wider varbit or timestamp precision).
A column's old type comes from the history (the CREATE TABLE or ADD COLUMN that made it, or the
last type change) or from the target; unknown, the change is taken to rewrite."""

import re

from pglast import ast

ALIASES = {"character varying": "varchar", "character": "bpchar", "char": "bpchar", "decimal": "numeric",
           "bit varying": "varbit", "integer": "int4", "int": "int4", "bigint": "int8", "smallint": "int2",
           "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
           "time without time zone": "time", "double precision": "float8", "real": "float4", "boolean": "bool"}
WIDENS = {  # old -> new types whose values stay as they are on disk: no rewrite, no scan
    ("varchar", "varchar"), ("varchar", "text"), ("text", "varchar"), ("numeric", "numeric"), ("varbit", "varbit"),
    ("cidr", "inet"), ("timestamp", "timestamp"), ("timestamptz", "timestamptz"),
}
FORMATTED = re.compile(r"^(?P<name>[a-z][a-z0-9_ ]*?)(\((?P<mods>[0-9, ]+)\))?(?P<rest> with(out)? time zone)?$")

Type = tuple[str, tuple[int, ...]]  # ("varchar", (100,)): the canonical name and the type modifiers


def of_type_name(type_name: ast.TypeName) -> Type | None:
    """A column type as a statement writes it (`varchar(100)`, `pg_catalog.numeric(10, 2)`)."""
    if type_name is None or type_name.arrayBounds:
        return None
    name = type_name.names[-1].sval
    mods = []
    for mod in type_name.typmods or ():
        value = getattr(getattr(mod, "val", None), "ival", None)
        if value is None:
            return None
        mods.append(value)
    return ALIASES.get(name, name), tuple(mods)


def of_formatted(text: str) -> Type | None:
    """A column type as format_type() prints it (`character varying(100)`, `numeric(10,2)`)."""
    match = FORMATTED.match(text.strip())
    if not match:
        return None
    name = match["name"] + (match["rest"] or "")
    mods = tuple(int(m) for m in match["mods"].split(",")) if match["mods"] else ()
    return ALIASES.get(name, name), mods


def rewrites(old: Type | None, new: Type | None, using: bool) -> bool:
    """False only for a change PostgreSQL makes in the catalog alone (unknown: True)."""
    if old is None or new is None or using:
        return True
    if old == new:
        return False
    if (old[0], new[0]) not in WIDENS:
        return True
    if not new[1]:
        return False  # the new type is unconstrained: every old value fits as it is
    if not old[1] or old[0] != new[0]:
        return True  # constrained now (text to varchar(n)): every value is checked
    if old[0] == "numeric":  # numeric(p) is numeric(p, 0): more precision at the same scale fits
        (p, s), (p2, s2) = (old[1] + (0,))[:2], (new[1] + (0,))[:2]
        return s2 != s or p2 < p
    return new[1][0] < old[1][0]
