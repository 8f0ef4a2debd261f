"""Sequences: data type, start, increment, minimum, maximum, cycle, cache, the column that owns
it (a serial's or an identity column's), owner and privileges."""

from . import BOOL, GRANTS, INT, OPTIONAL_STR, STR, Kind, grants

KIND = Kind(
    name="sequences", level="schemas", order=46,
    attributes={"type": STR, "start": INT, "increment": INT, "min": INT, "max": INT, "cycle": BOOL, "cache": INT,
                "owned_by": OPTIONAL_STR, "owner": STR, "grants": GRANTS},
    build=lambda r: (r["schema"], None, r["name"], {
        "type": r["type"], "start": r["start"], "increment": r["increment"], "min": r["min"], "max": r["max"],
        "cycle": r["cycle"], "cache": r["cache"], "owned_by": r["owned_by"], "owner": r["owner"],
        "grants": grants(r["grants"])}),
)
