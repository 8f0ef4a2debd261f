"""Expected catalog vs live catalog: one Result per object area, differences spelled out.

Messages read "<kind> <name>: expected <what>, found <what>". A declared object that is
missing fails; a live object that is not declared is drift (a failure, or a warning when
settings.drift is warn).
"""

import fnmatch

from ..results import Result
from . import normalize

# attribute -> how its values compare (None: as they are)
COMPARERS = {
    "type": normalize.type_name,
    "default": lambda v: normalize.sql("expression", v),
    "definition": None,  # chosen by object kind below
    "predicate": lambda v: normalize.sql("expression", v),
    "using": lambda v: normalize.sql("expression", v),
    "with_check": lambda v: normalize.sql("expression", v),
    "keys": lambda v: [normalize.index_key(k) for k in v],
    "include": lambda v: [normalize.index_key(k) for k in v],
    "roles": sorted,
    "execute": sorted,
    "config": sorted,
    "arguments": normalize.words,
    "returns": normalize.words,
    "references": normalize.words,
}
DEFINITION_KIND = {"constraint": "constraint", "trigger": "trigger"}
TABLE_AREAS = [
    # (result id suffix, title, the sections of a table's declaration it covers)
    ("columns", "columns", ["columns"]),
    ("constraints", "constraints", ["constraints"]),
    ("indexes", "indexes", ["indexes"]),
    ("rls_policies", "row-level security and policies", ["rls", "policies"]),
    ("grants", "table privileges", ["grants"]),
    ("triggers", "triggers", ["triggers"]),
]
# the catalog reads that decide each table check (RLS flags and grants come with the tables read)
AREA_SQL = {"columns": ["columns"], "constraints": ["constraints"], "indexes": ["indexes"],
            "rls_policies": ["tables", "policies"], "grants": ["tables"], "triggers": ["triggers"]}


def compare(expected, live: dict, sql: dict[str, str]) -> list[Result]:
    drift_status = "fail" if expected.drift == "fail" else "warn"
    results: list[Result] = []
    for name, spec in expected.extensions.items():
        results.append(_object_check("extension", name, spec, live["extensions"].get(name), sql["extensions"],
                                     f"catalog.extension.{name}", f"extension {name}"))
    for name, spec in expected.roles.items():
        results.append(_object_check("role", name, spec, live["roles"].get(name), sql["roles"],
                                     f"catalog.role.{name}", f"role {name}"))
    for table, spec in expected.tables.items():
        results.extend(_table_checks(expected.schema, table, spec, live["tables"].get(table), sql, drift_status))
    for signature, spec in expected.functions.items():
        results.append(_object_check("function", signature, spec, live["functions"].get(signature), sql["functions"],
                                     f"catalog.function.{signature}", f"function {signature}",
                                     obj=f"{expected.schema}.{signature}"))
    results.append(_drift("table", set(live["tables"]) - set(expected.tables), expected.ignore_tables,
                          expected.schema, sql["tables"], drift_status))
    results.append(_drift("function", set(live["functions"]) - set(expected.functions), expected.ignore_functions,
                          expected.schema, sql["functions"], drift_status))
    return results


def _table_checks(schema, table, spec, live, sql, drift_status) -> list[Result]:
    obj = f"{schema}.{table}"
    results = []
    for suffix, title, sections in TABLE_AREAS:
        check_id = f"catalog.table.{table}.{suffix}"
        title_text = f"table {table}: {title}"
        declared = [s for s in sections if s in spec]
        if live is None:
            results.append(Result(check_id, "catalog", title_text, "fail", obj, expected=f"table {table}",
                                  actual="none", detail=f"table {table}: expected, found none",
                                  sql=sql["tables"]))
            continue
        if not declared:
            results.append(Result(check_id, "catalog", title_text, "skip", obj,
                                  detail=f"not checked: the expectations declare no {' or '.join(sections)}"))
            continue
        problems, drift = [], []
        for section in declared:
            declared_section = spec[section] or {}
            if section == "rls":
                problems += _attribute_diffs("row-level security of", table, declared_section, live["rls"], "table")
            elif section == "grants":
                problems += _grant_diffs(declared_section, live["grants"])
            else:
                p, d = _named_diffs(_kind_of(section), declared_section, live[section])
                problems += p
                drift += d
        area_sql = "\n\n".join(sql[area].strip() for area in AREA_SQL[suffix])
        results.append(_result(check_id, title_text, obj, problems, drift, drift_status, area_sql))
    return results


def _kind_of(section: str) -> str:
    return {"columns": "column", "constraints": "constraint", "indexes": "index", "policies": "policy",
            "triggers": "trigger"}[section]


def _named_diffs(kind: str, expected: dict, live: dict) -> tuple[list[str], list[str]]:
    problems, drift = [], []
    for name, spec in expected.items():
        if name not in live:
            problems.append(f"{kind} {name}: expected, found none")
        else:
            problems += _attribute_diffs(kind, name, spec or {}, live[name], kind)
    for name in live:
        if name not in expected:
            drift.append(f"{kind} {name}: found, not declared")
    return problems, drift


def _attribute_diffs(kind: str, name: str, expected: dict, live: dict, object_kind: str) -> list[str]:
    diffs = []
    # roles and extensions: only what is declared is checked; elsewhere absent means none
    declared_only = object_kind in ("role", "extension")
    for attribute in list(expected) + ([] if declared_only else [a for a in live if a not in expected]):
        want, have = expected.get(attribute), live.get(attribute)
        if _canonical(attribute, want, object_kind) != _canonical(attribute, have, object_kind):
            diffs.append(f"{kind} {name}: expected {attribute} {_show(want)}, found {_show(have)}")
    return diffs


def _grant_diffs(expected: dict, live: dict) -> list[str]:
    diffs = []
    for role in sorted(set(expected) | set(live)):
        want, have = sorted(expected.get(role, [])), sorted(live.get(role, []))
        if want != have:
            diffs.append(f"grants to {role}: expected {_show(want)}, found {_show(have)}")
    return diffs


def _canonical(attribute: str, value, object_kind: str):
    if value is None:
        return None
    if attribute == "definition":
        return normalize.sql(DEFINITION_KIND.get(object_kind, "expression"), value)
    comparer = COMPARERS.get(attribute)
    return comparer(value) if comparer else value


def _object_check(kind, name, spec, live, sql, check_id, title, obj=None) -> Result:
    if live is None:
        return Result(check_id, "catalog", title, "fail", obj or name, expected=f"{kind} {name}", actual="none",
                      detail=f"{kind} {name}: expected, found none", sql=sql)
    problems = _attribute_diffs(kind, name, spec, live, kind)
    return _result(check_id, title, obj or name, problems, [], "fail", sql)


def _drift(kind: str, undeclared: set[str], ignore: list[str], schema: str, sql: str, drift_status: str) -> Result:
    found = sorted(n for n in undeclared if not any(fnmatch.fnmatchcase(n, pattern) for pattern in ignore))
    return _result(f"catalog.drift.{kind}s", f"undeclared {kind}s in schema {schema}", schema, [],
                   [f"{kind} {n}: found, not declared" for n in found], drift_status, sql)


def _result(check_id, title, obj, problems, drift, drift_status, sql) -> Result:
    status = "fail" if problems else (drift_status if drift else "pass")
    return Result(check_id, "catalog", title, status, obj,
                  expected="as declared", actual="as declared" if status == "pass" else
                  f"{len(problems) + len(drift)} difference(s)",
                  detail="\n".join(problems + drift), sql=sql,
                  level="warning" if status == "warn" else "error")


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
