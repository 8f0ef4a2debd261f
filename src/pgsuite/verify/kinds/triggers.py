"""Triggers of a table, compared by their definition as PostgreSQL prints it."""

from .. import normalize
from . import STR, Kind

KIND = Kind(
    name="triggers", level="tables", order=90,
    attributes={"definition": STR},
    required=frozenset({"definition"}),
    compare={"definition": normalize.trigger},
    build=lambda r: (r["schema"], r["table_name"], r["name"], {"definition": r["definition"]}),
)
