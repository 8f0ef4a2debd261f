"""The live catalog, read in a fixed number of queries (one per area), in the expectations' shape."""

from psycopg.rows import dict_row

from .. import queries

AREAS = ["tables", "columns", "constraints", "indexes", "triggers", "policies", "functions", "roles", "extensions"]


def read(conn, schema: str) -> tuple[dict, dict[str, str]]:
    """The live document, and the SQL run per area (for the results' `sql` field).

    Runs inside one REPEATABLE READ READ ONLY transaction: every area sees the same catalog.
    """
    rows: dict[str, list[dict]] = {}
    sql: dict[str, str] = {}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur = conn.cursor(row_factory=dict_row)
        for area in AREAS:
            sql[area] = queries.load(f"catalog_{area}")
            rows[area] = cur.execute(sql[area], {"schema": schema}).fetchall()
    return build(rows, schema), sql


def build(rows: dict[str, list[dict]], schema: str) -> dict:
    tables: dict[str, dict] = {}
    for t in rows["tables"]:
        tables[t["name"]] = {
            "rls": {"enabled": t["rls_enabled"], "forced": t["rls_forced"]},
            "grants": {role: privs for role, privs in sorted(t["grants"].items())},
            "columns": {}, "constraints": {}, "indexes": {}, "policies": {}, "triggers": {},
        }
    for c in rows["columns"]:
        if c["table_name"] in tables:
            tables[c["table_name"]]["columns"][c["name"]] = _compact(
                {"type": c["type"], "nullable": c["nullable"], "default": c["default"], "identity": c["identity"]})
    for c in rows["constraints"]:
        if c["table_name"] not in tables:
            continue
        if c["type"] == "foreign key":
            spec = {"type": c["type"], "columns": c["columns"],
                    "references": f"{_unqualified(c['ref_table'], schema)} ({', '.join(c['ref_columns'])})",
                    "on_delete": c["on_delete"], "on_update": c["on_update"]}
        elif c["type"] in ("primary key", "unique"):
            spec = {"type": c["type"], "columns": c["columns"]}
        else:
            spec = {"type": c["type"], "definition": c["definition"]}
        tables[c["table_name"]]["constraints"][c["name"]] = spec
    for i in rows["indexes"]:
        if i["table_name"] in tables:
            tables[i["table_name"]]["indexes"][i["name"]] = _compact(
                {"unique": i["unique"], "method": i["method"], "keys": i["keys"], "include": i["include"] or None,
                 "predicate": i["predicate"]})
    for p in rows["policies"]:
        if p["table_name"] in tables:
            tables[p["table_name"]]["policies"][p["name"]] = _compact(
                {"command": p["command"], "permissive": p["permissive"], "roles": p["roles"],
                 "using": p["using"], "with_check": p["with_check"]})
    for t in rows["triggers"]:
        if t["table_name"] in tables:
            tables[t["table_name"]]["triggers"][t["name"]] = {"definition": t["definition"]}
    functions = {
        f["signature"]: {k: f[k] for k in ("kind", "arguments", "returns", "language", "volatility",
                                            "security_definer", "config", "owner", "execute")}
        for f in rows["functions"]
    }
    return {
        "schema": schema,
        "extensions": {e["name"]: {"schema": e["schema"], "version": e["version"]} for e in rows["extensions"]},
        "roles": {r["name"]: {"login": r["login"], "superuser": r["superuser"], "bypassrls": r["bypassrls"]}
                  for r in rows["roles"]},
        "tables": tables,
        "functions": functions,
    }


def _compact(spec: dict) -> dict:
    """Leave out optional attributes that are absent: in the expectations, absent means none."""
    return {k: v for k, v in spec.items() if v is not None}


def _unqualified(name: str, schema: str) -> str:
    prefix = f"{schema}."
    return name[len(prefix):] if name.startswith(prefix) else name
