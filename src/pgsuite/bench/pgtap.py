"""The pgTAP baseline of `pgsuite bench verify`: a pgTAP suite asserting what pgsuite's catalog
checks assert of the same objects (tables and owners, column types, nullability and defaults,
indexes and their uniqueness, primary and foreign keys, policies, table privileges; functions
with their return type, language, volatility, SECURITY DEFINER and owner), run the way pg_prove
runs a test file (plan, the assertions, finish, in one transaction rolled back).

Written from the live catalog document, so that every assertion holds; a failing one is a bug of
this generator and stops the benchmark (an internal error, exit 4) rather than time a suite that
fails."""

import time

from psycopg import sql

from ..verify import kinds


def available(conn) -> bool:
    return conn.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgtap')").fetchone()[0]


def assertions(document: dict) -> list[sql.Composable]:
    found: list[sql.Composable] = []
    for schema, holder in document["schemas"].items():
        for table, spec in (holder.get("tables") or {}).items():
            found += _table(schema, table, spec)
        for signature, spec in (holder.get("functions") or {}).items():
            if spec.get("kind") == "function":
                found += _function(schema, signature, spec)
    return found


def run(conn, tests: list[sql.Composable]) -> float:
    """Milliseconds to run the suite; RuntimeError naming the first assertion that did not hold."""
    script = sql.SQL(";\n").join([sql.SQL("SELECT plan({})").format(len(tests)), *tests,
                                  sql.SQL("SELECT * FROM finish()")]).as_string(conn)
    started = time.perf_counter()
    with conn.transaction(force_rollback=True):  # pgTAP keeps its tallies in temporary tables
        cur = conn.execute(script)
        lines = []
        while True:
            lines += [row[0] for row in cur.fetchall()]
            if not cur.nextset():
                break
    elapsed = (time.perf_counter() - started) * 1000
    failed = [line for line in lines if line.startswith("not ok") or line.startswith("# Looks like")]
    if failed:
        raise RuntimeError(f"bench verify: the pgTAP baseline fails ({failed[0].splitlines()[0]}): "
                           "a bug of pgsuite's generator")
    return elapsed


def _call(function: str, *args: sql.Composable) -> sql.Composable:
    return sql.SQL("SELECT {}({})").format(sql.SQL(function), sql.SQL(", ").join(args))


def _n(value: str) -> sql.Composable:  # typed: pgTAP overloads its functions on name and text
    return sql.SQL("{}::name").format(sql.Literal(value))


def _t(value: str) -> sql.Composable:
    return sql.SQL("{}::text").format(sql.Literal(value))


def _names(values: list[str]) -> sql.Composable:
    return sql.SQL("ARRAY[{}]::name[]").format(sql.SQL(", ").join(map(sql.Literal, values)))


def _table(schema: str, table: str, spec: dict) -> list[sql.Composable]:
    name = f"{schema}.{table}"
    on = (_n(schema), _n(table))
    found = [_call("has_table", *on, _t(f"table {name}")),
             _call("table_owner_is", *on, _n(spec["owner"]), _t(f"owner of {name}"))]
    for column, c in (spec.get("columns") or {}).items():
        where = f"{name}.{column}"
        found += [_call("col_type_is", *on, _n(column), _t(c["type"]), _t(f"type of {where}")),
                  _call("col_is_null" if c["nullable"] else "col_not_null", *on, _n(column), _t(f"null {where}")),
                  _call("col_has_default" if c.get("default") else "col_hasnt_default", *on, _n(column),
                        _t(f"default of {where}"))]
    for index, i in (spec.get("indexes") or {}).items():
        found.append(_call("has_index", *on, _n(index), _t(f"index {index}")))
        if i.get("unique"):
            found.append(_call("index_is_unique", *on, _n(index), _t(f"{index} is unique")))
    for constraint, c in (spec.get("constraints") or {}).items():
        if c["type"] == "primary key":
            found.append(_call("col_is_pk", *on, _names(c["columns"]), _t(f"primary key {constraint}")))
        elif c["type"] == "foreign key":
            found.append(_call("col_is_fk", *on, _names(c["columns"]), _t(f"foreign key {constraint}")))
    if spec.get("policies"):
        found.append(_call("policies_are", *on, _names(sorted(spec["policies"])), _t(f"policies of {name}")))
    for role, privileges in (spec.get("grants") or {}).items():
        if role != "PUBLIC":
            plain = sorted(p.removesuffix(kinds.GRANT_OPTION) for p in privileges)  # pgTAP names no option
            found.append(_call("table_privs_are", *on, _n(role), _names(plain), _t(f"{role} on {name}")))
    return found


def _function(schema: str, signature: str, spec: dict) -> list[sql.Composable]:
    function, args = signature[:-1].split("(", 1)
    on = (_n(schema), _n(function), _names([a for a in args.split(", ") if a]))
    where = f"{schema}.{signature}"
    return [_call("has_function", *on, _t(f"function {where}")),
            _call("function_returns", *on, _t(_returns(spec["returns"])), _t(f"returns of {where}")),
            _call("function_lang_is", *on, _n(spec["language"]), _t(f"language of {where}")),
            _call("volatility_is", *on, _t(spec["volatility"]), _t(f"volatility of {where}")),
            _call("is_definer" if spec["security_definer"] else "isnt_definer", *on, _t(f"definer {where}")),
            _call("function_owner_is", *on, _n(spec["owner"]), _t(f"owner of {where}"))]


def _returns(returns: str) -> str:
    """As pgTAP prints a return type: a function returning TABLE(...) returns setof record."""
    return "setof record" if returns.startswith("TABLE(") else returns
