"""Casts the database added (CREATE CAST; PostgreSQL's own and extensions' left out), named
"SOURCE AS TARGET": the function (or WITHOUT FUNCTION, WITH INOUT) and when it applies (explicit,
assignment, implicit)."""

from . import STR, Kind

KIND = Kind(
    name="casts", level="database", order=21,
    attributes={"method": STR, "context": STR},
    build=lambda r: (None, None, r["name"], {"method": r["method"], "context": r["context"]}),
)
