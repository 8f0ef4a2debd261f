"""Procedural languages created outside an extension (CREATE LANGUAGE): handler, inline
handler, validator, TRUSTED, owner, USAGE grants."""

from . import BOOL, GRANTS, OPTIONAL_STR, STR, Kind, grants

KIND = Kind(
    name="languages", level="database", order=28,
    attributes={"handler": OPTIONAL_STR, "inline": OPTIONAL_STR, "validator": OPTIONAL_STR, "trusted": BOOL,
                "owner": STR, "grants": GRANTS},
    build=lambda r: (None, None, r["name"], {"handler": r["handler"], "inline": r["inline"],
                                             "validator": r["validator"], "trusted": r["trusted"],
                                             "owner": r["owner"], "grants": grants(r["grants"])}),
)
