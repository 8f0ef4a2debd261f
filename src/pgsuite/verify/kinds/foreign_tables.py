"""Foreign tables: the server, the table's options, the columns ("name type" with their own
options where set), owner and privileges."""

from . import GRANTS, STR, STRS, Kind, grants

KIND = Kind(
    name="foreign_tables", level="schemas", order=44, title="foreign table",
    attributes={"server": STR, "options": STRS, "columns": STRS, "owner": STR, "grants": GRANTS},
    build=lambda r: (r["schema"], None, r["name"], {
        "server": r["server"], "options": r["options"], "columns": r["columns"], "owner": r["owner"],
        "grants": grants(r["grants"])}),
)
