"""Operator families (CREATE OPERATOR FAMILY), named "NAME using METHOD": the operators and
support functions added to them (ALTER OPERATOR FAMILY ... ADD) beyond their classes', owner."""

from . import STR, STRS, Kind

KIND = Kind(
    name="operator_families", level="schemas", order=103, title="operator family",
    attributes={"members": STRS, "owner": STR},
    build=lambda r: (r["schema"], None, r["name"], {"members": r["members"], "owner": r["owner"]}),
)
