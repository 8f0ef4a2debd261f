"""Publications (logical replication): all tables or which ones, and which operations they publish."""

from . import BOOL, STRS, Kind

KIND = Kind(
    name="publications", level="database", order=27,
    attributes={"all_tables": BOOL, "tables": STRS, "operations": STRS},
    compare={"tables": sorted, "operations": sorted},
    build=lambda r: (None, None, r["name"], {"all_tables": r["all_tables"], "tables": r["tables"],
                                             "operations": r["operations"]}),
)
