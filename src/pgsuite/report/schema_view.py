"""The schema as the report shows it (the reference report's "Database schema" section): per
table its columns with type, nullability and default, indexes, RLS flags, policies and grants;
per function its arguments, result, SECURITY DEFINER, search_path and grants. Read from the
live catalog verify saved in the run; what a check found different is marked on its row, and
objects whose checks all passed are folded."""

import re

from ..results import FAILING, RunResults

ORDER = {"fail": 0, "error": 0, "warn": 1, "pass": 2, "skip": 3}
NAMED = re.compile(r"^(column|constraint|index|policy|trigger) (\S+):")


def build(results: RunResults) -> dict:
    checks = [c for c in results.checks if c.category == "catalog"]
    tables, functions = [], []
    for schema, spec in sorted((results.catalog.get("schemas") or {}).items()):
        for name, table in sorted((spec.get("tables") or {}).items()):
            tables.append(_table(schema, name, table, [c for c in checks if c.id.startswith(
                f"catalog.table.{schema}.{name}.")]))
        for signature, function in sorted((spec.get("functions") or {}).items()):
            functions.append(_function(schema, signature, function, [c for c in checks if c.id ==
                                                                      f"catalog.function.{schema}.{signature}"]))
    missing = [c for c in checks if c.status in FAILING and c.actual == "none"]
    return {"tables": tables, "functions": functions, "shown": bool(tables or functions),
            "missing": [{"id": c.id, "detail": c.detail} for c in missing]}


def _state(checks) -> tuple[str, list[str]]:
    status = min((c.status for c in checks), key=lambda s: ORDER.get(s, 3), default="skip")
    differences = [line for c in checks if c.status in (*FAILING, "warn") for line in c.detail.splitlines() if line]
    return ("not declared" if not checks else status), differences


def _table(schema: str, name: str, table: dict, checks) -> dict:
    status, differences = _state(checks)
    flagged = {m.groups() for m in map(NAMED.match, differences) if m}
    whole = [d for d in differences if d.startswith(f"table {name}:")]

    def rows(kind: str, section: dict, fields):
        # "keys" would be shadowed by dict.keys in a template: it is shown as "key_list"
        return [{"name": n, **{("key_list" if f == "keys" else f): _text(spec.get(f)) for f in fields},
                 "flag": (kind, n) in flagged} for n, spec in section.items()]

    return {
        "name": f"{schema}.{name}",
        "status": status,
        "open": status in (*FAILING, "warn"),
        "differences": differences,
        "owner": table.get("owner"),
        "rls": {"enabled": _text(table.get("rls", {}).get("enabled")), "forced": _text(table.get("rls", {}).get("forced")),
                "flag": any(".rls" in d or "rls." in d for d in whole)},
        "grants": [{"role": r, "privileges": ", ".join(p), "flag": any(f"grants to {r}:" in d for d in whole)}
                   for r, p in (table.get("grants") or {}).items()],
        "columns": rows("column", table.get("columns", {}), ("type", "nullable", "default")),
        "indexes": rows("index", table.get("indexes", {}), ("method", "keys", "unique", "predicate")),
        "constraints": rows("constraint", table.get("constraints", {}), ("type", "definition", "columns",
                                                                           "references")),
        "policies": rows("policy", table.get("policies", {}), ("command", "roles", "using", "with_check")),
        "triggers": rows("trigger", table.get("triggers", {}), ("definition",)),
    }


def _function(schema: str, signature: str, function: dict, checks) -> dict:
    status, differences = _state(checks)
    config = [c for c in function.get("config", []) if c.startswith("search_path=")]
    return {
        "name": f"{schema}.{signature}",
        "status": status,
        "open": status in (*FAILING, "warn"),
        "differences": differences,
        "kind": function.get("kind"),
        "arguments": function.get("arguments") or "(none)",
        "returns": function.get("returns") or "-",
        "security": "SECURITY DEFINER" if function.get("security_definer") else "SECURITY INVOKER",
        "search_path": config[0].split("=", 1)[1] if config else "not set",
        "volatility": function.get("volatility"),
        "owner": function.get("owner"),
        "execute": ", ".join(function.get("execute") or []) or "owner only",
    }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
