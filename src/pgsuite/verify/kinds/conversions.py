"""Encoding conversions (CREATE CONVERSION): from and to which encoding, the function, DEFAULT,
owner."""

from . import BOOL, STR, Kind

KIND = Kind(
    name="conversions", level="schemas", order=107,
    attributes={"source": STR, "destination": STR, "function": STR, "default": BOOL, "owner": STR},
    build=lambda r: (r["schema"], None, r["name"], {
        "source": r["source"], "destination": r["destination"], "function": r["function"], "default": r["default"],
        "owner": r["owner"]}),
)
