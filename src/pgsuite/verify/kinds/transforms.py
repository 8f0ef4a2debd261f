"""Transforms (CREATE TRANSFORM), named "TYPE for LANGUAGE": their FROM SQL and TO SQL functions."""

from . import OPTIONAL_STR, Kind

KIND = Kind(
    name="transforms", level="database", order=19,
    attributes={"from_sql": OPTIONAL_STR, "to_sql": OPTIONAL_STR},
    build=lambda r: (None, None, r["name"], {"from_sql": r["from_sql"], "to_sql": r["to_sql"]}),
)
