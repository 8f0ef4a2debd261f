"""Rules (CREATE RULE) on tables and views, but for a view's own _RETURN rule: named "RULE on
RELATION", compared by their whole definition as PostgreSQL prints it, and whether they fire."""

from .. import normalize
from . import STR, Kind, compact

KIND = Kind(
    name="rules", level="schemas", order=95,
    attributes={"definition": STR, "enabled": STR},
    required=frozenset({"definition"}),
    absent={"enabled": "origin (fires as usual)"},
    compare={"definition": normalize.statement},
    build=lambda r: (r["schema"], None, r["name"], compact({"definition": r["definition"], "enabled": r["enabled"]})),
)
