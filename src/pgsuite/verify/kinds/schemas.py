"""Schemas: owner and privileges (USAGE, CREATE). The objects inside are the other kinds'."""

from . import GRANTS, STR, Kind, grants

KIND = Kind(
    name="schemas", level="database", order=30, declared_only=True,
    attributes={"owner": STR, "grants": GRANTS},
    build=lambda r: (None, None, r["name"], {"owner": r["owner"], "grants": grants(r["grants"])}),
)
