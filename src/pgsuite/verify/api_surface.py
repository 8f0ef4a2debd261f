"""What the API roles can reach, and what changed in it for them: the functions they may execute
(signature and result), and the tables and views they may use (each column they may use, with
its type). A dropped or renamed function, a changed argument list or result type, a dropped
table or column, or a column whose type changed is breaking; what is new is not.

The API roles come from verify/config.yaml (`project.api_roles`); without them nothing is judged.
"""

from psycopg.rows import dict_row

from .. import db
from ..results import Finding, Result

CATEGORY = "breaking changes"
FUNCTIONS = """
SELECT p.oid::regprocedure::text AS signature, n.nspname || '.' || p.proname AS name,
       pg_catalog.pg_get_function_result(p.oid) AS result
FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
  AND EXISTS (SELECT 1 FROM unnest(%(roles)s::text[]) AS r(name)
              WHERE pg_catalog.has_function_privilege(r.name, p.oid, 'EXECUTE')
                AND pg_catalog.has_schema_privilege(r.name, n.oid, 'USAGE'))
"""
COLUMNS = """
SELECT n.nspname || '.' || c.relname AS relation, a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND EXISTS (SELECT 1 FROM unnest(%(roles)s::text[]) AS r(name)
              WHERE pg_catalog.has_column_privilege(r.name, c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES')
                AND pg_catalog.has_schema_privilege(r.name, n.oid, 'USAGE'))
"""


def read(database: db.Database, roles: list[str]) -> dict:
    """{"functions": {signature: result}, "columns": {relation: {column: type}}} the roles can reach."""
    with db.using(database, autocommit=True) as conn:
        existing = [r for (r,) in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)",
                                                (roles,))]
        cur = conn.cursor(row_factory=dict_row)
        functions = {r["signature"]: r["result"] for r in cur.execute(FUNCTIONS, {"roles": existing})}
        columns: dict[str, dict[str, str]] = {}
        for r in cur.execute(COLUMNS, {"roles": existing}):
            columns.setdefault(r["relation"], {})[r["name"]] = r["type"]
    return {"functions": functions, "columns": columns}


def compare(before: dict, after: dict) -> tuple[list[Finding], list[str]]:
    """(breaking findings, additions) from the surface before to the surface after."""
    breaking, added = [], []
    old_f, new_f = before["functions"], after["functions"]
    by_name = {}
    for signature in new_f:
        by_name.setdefault(signature.split("(")[0], []).append(signature)
    for signature, result in sorted(old_f.items()):
        if signature in new_f:
            if new_f[signature] != result:
                breaking.append(_finding(signature, f"function {signature}: returns {new_f[signature]} instead of "
                                                    f"{result}"))
            continue
        others = [s for s in by_name.get(signature.split("(")[0], []) if s not in old_f]
        what = (f"its argument list changed (now {', '.join(others)})" if others else "dropped or renamed")
        breaking.append(_finding(signature, f"function {signature}: {what}"))
    added += [f"function {s}" for s in sorted(set(new_f) - set(old_f))]
    for relation, columns in sorted(before["columns"].items()):
        now = after["columns"].get(relation)
        if now is None:
            breaking.append(_finding(relation, f"{relation}: dropped, renamed, or no longer granted to the API roles"))
            continue
        for column, type_name in sorted(columns.items()):
            if column not in now:
                breaking.append(_finding(relation, f"column {relation}.{column}: dropped, renamed or no longer granted"))
            elif now[column] != type_name:
                breaking.append(_finding(relation, f"column {relation}.{column}: type {type_name} became {now[column]}"))
        added += [f"column {relation}.{c}" for c in sorted(set(now) - set(columns))]
    added += [f"relation {r}" for r in sorted(set(after["columns"]) - set(before["columns"]))]
    return breaking, added


def check(before: dict | None, after: dict | None, roles: list[str], level: str = "error") -> Result:
    base = Result("api.breaking_changes", CATEGORY, "no breaking change for the API roles' callers", "pass",
                  object=", ".join(roles), remediation="keep the old name or shape beside the new one until every "
                                                       "caller moved (a view, a wrapper function, a new column)")
    if not roles:
        return base.with_(status="skip", detail="not run: needs project.api_roles in verify/config.yaml")
    if before is None or after is None:
        return base.with_(status="skip", detail="not run: the API surface could not be read before and after")
    breaking, added = compare(before, after)
    result = base.with_findings([Finding(f.rule, level, f.message, object=f.object) for f in breaking])
    note = f"added (not breaking): {', '.join(added)}" if added else "nothing added"
    return result.with_(detail="\n".join(part for part in (result.detail, note) if part))


def _finding(obj: str, message: str) -> Finding:
    return Finding("breaking_change", "error", message, object=obj)
