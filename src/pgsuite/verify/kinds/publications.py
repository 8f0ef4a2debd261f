"""Publications (logical replication): all tables or which ones (with column lists and row
filters), which schemas, which operations they publish, whether through the partition root, and
the owner."""

from . import BOOL, STR, STRS, Kind, compact

KIND = Kind(
    name="publications", level="database", order=27,
    attributes={"all_tables": BOOL, "tables": STRS, "schemas": STRS, "operations": STRS,
                "via_partition_root": BOOL, "owner": STR},
    absent={"via_partition_root": "false", "schemas": "none"},
    compare={"tables": sorted, "operations": sorted},
    build=lambda r: (None, None, r["name"], {"all_tables": r["all_tables"], "tables": r["tables"],
                                             "operations": r["operations"], "owner": r["owner"],
                                             **compact({"schemas": r["schemas"] or None,
                                                        "via_partition_root": r["via_partition_root"] or None})}),
)
