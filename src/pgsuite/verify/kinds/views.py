"""Views and materialized views: the query (compared after PostgreSQL's own parser normalised it),
the columns with their types, owner, privileges, options (security_barrier, security_invoker,
check_option), the comments of its columns and, for a materialized view, its indexes and
tablespace."""

from .. import normalize
from . import GRANTS, STR, STRS, Kind, compact, grants

KIND = Kind(
    name="views", level="schemas", order=45,
    attributes={"kind": STR, "definition": STR, "columns": STRS, "owner": STR, "grants": GRANTS, "options": STRS,
                "indexes": {"type": "object", "additionalProperties": STR,
                            "description": "a mapping of index name to its definition"},
                "tablespace": STR, "column_comments": {"type": "object", "additionalProperties": STR,
                                                       "description": "a mapping of column name to its comment"}},
    required=frozenset({"definition"}),
    compare={"definition": normalize.query, "options": sorted,
             "indexes": lambda v: {k: normalize.statement(d) for k, d in v.items()}},
    build=lambda r: (r["schema"], None, r["name"], {
        "kind": r["kind"], "definition": r["definition"], "columns": r["columns"], "owner": r["owner"],
        "grants": grants(r["grants"]), "options": r["options"], "indexes": r["indexes"],
        **compact({"tablespace": r["tablespace"], "column_comments": r["column_comments"]})}),
)
