"""Constraints of a table: primary key, unique, foreign key (with its actions and MATCH FULL),
check, exclusion; whether each is deferrable, NOT VALID (valid: false) until validated, NOT
ENFORCED (enforced: false, PostgreSQL 18), and the comment."""

from .. import normalize
from . import BOOL, OPTIONAL_STR, STR, STRS, Kind, compact


def _spec(r: dict) -> dict:
    flags = compact({"deferrable": r["deferrable"], "valid": False if not r["valid"] else None,
                     "enforced": False if not r["enforced"] else None})
    if r["type"] == "foreign key":
        target = r["ref_table"] if r["ref_schema"] != r["schema"] else r["ref_table"].split(".")[-1]
        return {"type": r["type"], "columns": r["columns"],
                "references": f"{target} ({', '.join(r['ref_columns'])})",
                "on_delete": r["on_delete"], "on_update": r["on_update"], **compact({"match": r["match"]}), **flags}
    if r["type"] in ("primary key", "unique"):
        return {"type": r["type"], "columns": r["columns"], **flags}
    # validity is `valid`'s to say: the definition reads the same before and after VALIDATE
    return {"type": r["type"], "definition": normalize.NOT_VALID.sub("", r["definition"]), **flags}


KIND = Kind(
    name="constraints", level="tables", order=60,
    attributes={"type": STR, "columns": STRS, "references": STR, "on_delete": STR, "on_update": STR,
                "definition": STR, "deferrable": OPTIONAL_STR, "valid": BOOL, "match": STR, "enforced": BOOL},
    required=frozenset({"type"}),
    absent={"deferrable": "not deferrable", "valid": "true (validated)", "match": "simple", "enforced": "true"},
    compare={"definition": normalize.constraint, "references": normalize.words},
    build=lambda r: (r["schema"], r["table_name"], r["name"], _spec(r)),
)
