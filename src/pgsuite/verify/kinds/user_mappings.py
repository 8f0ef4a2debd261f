"""User mappings, named "USER on SERVER" (PUBLIC for the mapping of every role): their options.
Options such as passwords are compared as pg_dump prints them, and shown only as "differ"."""

from . import STRS, Kind

KIND = Kind(
    name="user_mappings", level="database", order=24, title="user mapping",
    attributes={"options": STRS},
    build=lambda r: (None, None, r["name"], {"options": r["options"]}),
    explain=lambda attribute, want, have: "options differ (not shown: they may hold passwords)",
)
