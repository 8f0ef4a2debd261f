"""Foreign-data wrappers created outside an extension: handler, validator, options, owner,
USAGE grants."""

from . import GRANTS, OPTIONAL_STR, STR, STRS, Kind, grants

KIND = Kind(
    name="foreign_data_wrappers", level="database", order=22, title="foreign-data wrapper",
    attributes={"handler": OPTIONAL_STR, "validator": OPTIONAL_STR, "options": STRS, "owner": STR, "grants": GRANTS},
    build=lambda r: (None, None, r["name"], {"handler": r["handler"], "validator": r["validator"],
                                             "options": r["options"], "owner": r["owner"],
                                             "grants": grants(r["grants"])}),
)
