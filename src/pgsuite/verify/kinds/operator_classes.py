"""Operator classes (CREATE OPERATOR CLASS), named "NAME using METHOD": the type, DEFAULT, the
family, the storage type, the operators and support functions they hold (by strategy and
support number), owner."""

from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact

KIND = Kind(
    name="operator_classes", level="schemas", order=102, title="operator class",
    attributes={"type": STR, "default": BOOL, "family": STR, "storage": OPTIONAL_STR, "members": STRS, "owner": STR},
    absent={"default": "false", "storage": "the type"},
    build=lambda r: (r["schema"], None, r["name"], compact({
        "type": r["type"], "default": r["default"] or None, "family": r["family"], "storage": r["storage"],
        "members": r["members"], "owner": r["owner"]})),
)
