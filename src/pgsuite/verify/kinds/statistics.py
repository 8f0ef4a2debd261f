"""Extended statistics (CREATE STATISTICS): their definition as PostgreSQL prints it (kinds,
columns or expressions, table), statistics target when set, and owner."""

from .. import normalize
from . import INT, STR, Kind, compact

KIND = Kind(
    name="statistics", level="schemas", order=96, title="statistics object",
    attributes={"definition": STR, "target": INT, "owner": STR},
    required=frozenset({"definition"}),
    absent={"target": "the default"},
    compare={"definition": normalize.statement},
    build=lambda r: (r["schema"], None, r["name"], compact({"definition": r["definition"], "target": r["target"],
                                                           "owner": r["owner"]})),
)
