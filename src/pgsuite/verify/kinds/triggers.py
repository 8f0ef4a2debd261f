"""Triggers of a table: their definition as PostgreSQL prints it (timing, events, columns,
condition, function and arguments), and whether they fire (enabled: disabled, replica, always;
absent when they fire as usual)."""

from .. import normalize
from . import OPTIONAL_STR, STR, Kind, compact

KIND = Kind(
    name="triggers", level="tables", order=90,
    attributes={"definition": STR, "enabled": OPTIONAL_STR},
    required=frozenset({"definition"}),
    absent={"enabled": "origin (fires as usual)"},
    compare={"definition": normalize.statement},
    build=lambda r: (r["schema"], r["table_name"], r["name"], compact({"definition": r["definition"],
                                                                       "enabled": r["enabled"]})),
)
