"""Constraints of a table: primary key, unique, foreign key (with its actions), check, exclusion."""

from .. import normalize
from . import STR, STRS, Kind

ACTIONS = {"on_delete", "on_update"}


def _spec(r: dict) -> dict:
    if r["type"] == "foreign key":
        target = r["ref_table"] if r["ref_schema"] != r["schema"] else r["ref_table"].split(".")[-1]
        return {"type": r["type"], "columns": r["columns"],
                "references": f"{target} ({', '.join(r['ref_columns'])})",
                "on_delete": r["on_delete"], "on_update": r["on_update"]}
    if r["type"] in ("primary key", "unique"):
        return {"type": r["type"], "columns": r["columns"]}
    return {"type": r["type"], "definition": r["definition"]}


KIND = Kind(
    name="constraints", level="tables", order=60,
    attributes={"type": STR, "columns": STRS, "references": STR, "on_delete": STR, "on_update": STR,
                "definition": STR},
    required=frozenset({"type"}),
    compare={"definition": normalize.constraint, "references": normalize.words},
    build=lambda r: (r["schema"], r["table_name"], r["name"], _spec(r)),
)
