"""Expected catalog vs live catalog: one loop over the kinds, one Result per object (per area of
an object that holds others, like a table), differences spelled out.

Messages read "<kind> <name>: expected <what>, found <what>". A declared object that is missing
fails; a live object that is not declared is drift (a failure, or a warning when settings.drift
is warn).
"""

import fnmatch

from ..results import Result
from . import kinds, placeholders
from .catalog import Catalog
from .expectations import Expectations

IGNORE = {"tables": "ignore_tables", "functions": "ignore_functions"}  # settings of undeclared objects to pass over
UNTRACKED = {"roles"}  # cluster-wide: other databases' roles are no drift of this one


def compare(expected: Expectations, catalog: Catalog) -> list[Result]:
    wanted = placeholders.bind(expected.document, catalog.deployer)
    live = catalog.document
    drift_status = "fail" if expected.drift == "fail" else "warn"
    results: list[Result] = []
    for kind in kinds.at_level("database"):
        declared = wanted.get(kind.name, {})
        for name, spec in declared.items():
            results += _object(kind, (name,), spec, live[kind.name].get(name), catalog, drift_status)
        if kind.name not in UNTRACKED:
            results.append(_drift(f"catalog.drift.{kind.name}", f"undeclared {kind.name.replace('_', ' ')}",
                                  "database", kind, [n for n in live[kind.name] if n not in declared],
                                  catalog.sql[kind.name], drift_status))
    for schema, schema_spec in wanted["schemas"].items():
        live_schema = live["schemas"].get(schema) or {}
        for kind in kinds.at_level("schemas"):
            if kind.name not in schema_spec:
                continue  # a section left out is not checked
            declared = schema_spec[kind.name] or {}
            for name, spec in declared.items():
                results += _object(kind, (schema, name), spec, live_schema.get(kind.name, {}).get(name), catalog,
                                   drift_status)
            ignore = getattr(expected, IGNORE.get(kind.name, ""), [])
            undeclared = [n for n in live_schema.get(kind.name, {}) if n not in declared
                          and not _ignored(schema, n, ignore)]
            results.append(_drift(f"catalog.drift.{schema}.{kind.name}", f"undeclared {kind.name} in schema {schema}",
                                  schema, kind, undeclared, catalog.sql[kind.name], drift_status))
    return results


def _object(kind, path: tuple, spec: dict, live: dict | None, catalog: Catalog, drift_status: str) -> list[Result]:
    name = path[-1]
    qualified = ".".join(path)
    label = f"{kind.label()} {name}"
    check_id = f"catalog.{kind.label()}.{qualified}"
    if not kind.areas:  # one check: the object's own attributes
        sql = catalog.sql[kind.name]
        if live is None:
            return [_missing(check_id, label, qualified, sql)]
        own = {a: v for a, v in spec.items() if a in kind.attributes}  # what it holds is checked as its own kinds
        return [_result(check_id, label, qualified, _attributes(kind, label, own, live), [], drift_status, sql)]
    results = []
    for area, parts in _areas(kind):
        area_id, title = f"{check_id}.{area}", f"{label}: {' and '.join(parts)}"
        sql = "\n\n".join(catalog.sql[k].strip() for k in dict.fromkeys(
            kind.name if part in kind.attributes else part for part in parts))
        declared = [part for part in parts if part in spec or part in kind.always]
        if live is None:
            results.append(_missing(area_id, title, qualified, sql, f"{label}: expected, found none"))
            continue
        if not declared:
            results.append(Result(area_id, "catalog", title, "skip", qualified,
                                  detail=f"not checked: the expectations declare no {' or '.join(parts)}"))
            continue
        problems, drift = [], []
        own = {part: spec.get(part) for part in declared if part in kind.attributes}
        problems += _attributes(kind, label, own, live, within=set(parts))
        for child in (kinds.by_name(part) for part in declared if part not in kind.attributes):
            p, d = _children(child, spec[child.name] or {}, live.get(child.name, {}))
            problems += p
            drift += d
        results.append(_result(area_id, title, qualified, problems, drift, drift_status, sql))
    return results


def _areas(kind) -> list[tuple[str, list[str]]]:
    """(area, the attributes and held kinds it covers), own attributes' areas first."""
    areas: dict[str, list[str]] = {}
    for attribute, area in kind.areas.items():
        areas.setdefault(area, []).append(attribute)
    for child in kinds.children(kind):
        areas.setdefault(child.name, []).append(child.name)
    return list(areas.items())


def _children(kind, expected: dict, live: dict) -> tuple[list[str], list[str]]:
    problems, drift = [], []
    for name, spec in expected.items():
        if name not in live:
            problems.append(f"{kind.label()} {name}: expected, found none")
        else:
            problems += _attributes(kind, f"{kind.label()} {name}", spec or {}, live[name])
    drift += [f"{kind.label()} {name}: found, not declared" for name in live if name not in expected]
    return problems, drift


def _attributes(kind, label: str, expected: dict, live: dict, within: set | None = None) -> list[str]:
    """Differences in the attributes of one object (those `within` one area, if given);
    declared_only kinds check what is declared."""
    names = list(expected) + [a for a in kind.attributes if a in live and a not in expected
                              and (not kind.declared_only or a in kind.always) and (within is None or a in within)]
    diffs = []
    for attribute in names:
        want, have = expected.get(attribute), live.get(attribute)
        if want == have or _same_but_ends(kind, attribute, want, have):  # no need to normalise (pglast) to know
            continue
        schema = kind.attributes.get(attribute, {})
        if schema is kinds.GRANTS:
            diffs += _grants(label, want or {}, have or {})
        elif "properties" in schema:  # a nested mapping (a table's rls): each entry
            diffs += [f"{label}: expected {attribute}.{key} {_show(v)}, found {_show((have or {}).get(key))}"
                      for key, v in (want or {}).items() if v != (have or {}).get(key)]
        elif _canonical(kind, attribute, want) != _canonical(kind, attribute, have):
            explained = kind.explain(attribute, want, have) if kind.explain else None
            shown = [kind.absent.get(attribute, "none") if v is None else _show(v) for v in (want, have)]
            diffs.append(f"{label}: " + (explained or f"expected {attribute} {shown[0]}, found {shown[1]}"))
    return diffs


def _grants(label: str, expected: dict, live: dict) -> list[str]:
    return [f"{label}: grants to {role}: expected {_show(sorted(expected.get(role, [])))}, "
            f"found {_show(sorted(live.get(role, [])))}"
            for role in sorted(set(expected) | set(live))
            if sorted(expected.get(role, [])) != sorted(live.get(role, []))]


def _same_but_ends(kind, attribute: str, want, have) -> bool:
    """Equal but for whitespace at the ends (snapshot writes a body as a YAML block without its
    leading newline, yamlfile._text), where the attribute's normaliser ignores it anyway."""
    return (attribute in kind.compare and isinstance(want, str) and isinstance(have, str)
            and want.strip() == have.strip())


def _canonical(kind, attribute: str, value):
    if value is None:
        return None
    normaliser = kind.compare.get(attribute)
    return normaliser(value) if normaliser else value


def _ignored(schema: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(f"{schema}.{name}" if "." in p else name, p) for p in patterns)


def _missing(check_id, title, obj, sql, detail=None) -> Result:
    return Result(check_id, "catalog", title, "fail", obj, expected=title.split(":")[0], actual="none",
                  detail=detail or f"{title}: expected, found none", sql=sql)


def _drift(check_id, title, obj, kind, undeclared, sql, drift_status) -> Result:
    found = [f"{kind.label()} {n}: found, not declared" for n in sorted(undeclared)]
    return _result(check_id, title, obj, [], found, drift_status, sql)


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
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
