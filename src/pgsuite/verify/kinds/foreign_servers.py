"""Foreign servers: wrapper, TYPE, VERSION, options, owner, USAGE grants."""

from . import GRANTS, OPTIONAL_STR, STR, STRS, Kind, grants

KIND = Kind(
    name="foreign_servers", level="database", order=23, title="foreign server",
    attributes={"wrapper": STR, "type": OPTIONAL_STR, "version": OPTIONAL_STR, "options": STRS, "owner": STR,
                "grants": GRANTS},
    build=lambda r: (None, None, r["name"], {"wrapper": r["wrapper"], "type": r["type"], "version": r["version"],
                                             "options": r["options"], "owner": r["owner"],
                                             "grants": grants(r["grants"])}),
)
