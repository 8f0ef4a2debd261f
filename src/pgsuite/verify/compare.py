"""Expected catalog vs live catalog: one loop over the kinds, one Result per object (per area of
an object that holds others, like a table), differences spelled out.

Messages read "<kind> <name>: expected <what>, found <what>". A declared object that is missing
fails; a live object that is not declared is drift (a failure, or a warning when settings.drift
is warn).
"""

import difflib
import fnmatch
from dataclasses import dataclass

from ..results import Definition, Result
from . import kinds, placeholders
from .catalog import Catalog
from .expectations import Expectations

IGNORE = {"tables": "ignore_tables", "functions": "ignore_functions"}  # settings of undeclared objects to pass over
UNTRACKED = {"roles"}  # cluster-wide: other databases' roles are no drift of this one
LONG = 100  # a text longer than this, or of more than one line, differs as a unified diff


@dataclass(frozen=True)
class Rules:
    """How attributes compare, from the settings: which are not compared, and whether function
    bodies are normalised first."""

    not_compared: frozenset = frozenset()  # {(kind, attribute)}
    normalise_written: bool = False  # Kind.as_written attributes through their normaliser


@dataclass
class Differences:
    """What one check found: problems (declared, differing), drift (undeclared), whole texts."""

    problems: list
    drift: list
    definitions: list


def compare(expected: Expectations, catalog: Catalog) -> list[Result]:
    wanted = placeholders.bind(expected.document, catalog.deployer)
    live = catalog.document
    drift_status = "fail" if expected.drift == "fail" else "warn"
    rules = Rules(frozenset(tuple(a.split(".", 1)) for a in expected.not_compared),
                  expected.function_bodies == "normalised")
    results: list[Result] = _not_compared(expected)
    for kind in kinds.at_level("database"):
        declared = wanted.get(kind.name, {})
        for name, spec in declared.items():
            results += _object(kind, (name,), spec, live[kind.name].get(name), catalog, drift_status, rules)
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
                                   drift_status, rules)
            ignore = getattr(expected, IGNORE.get(kind.name, ""), [])
            undeclared = [n for n in live_schema.get(kind.name, {}) if n not in declared
                          and not _ignored(schema, n, ignore)]
            results.append(_drift(f"catalog.drift.{schema}.{kind.name}", f"undeclared {kind.name} in schema {schema}",
                                  schema, kind, undeclared, catalog.sql[kind.name], drift_status))
    return results


def _not_compared(expected: Expectations) -> list[Result]:
    """One NOT RUN line naming what the settings leave out: never silently equal."""
    left_out = [f"not compared: {a}" for a in expected.not_compared]
    if expected.function_bodies == "normalised":
        left_out.append("function bodies compared normalised: whitespace and comments in them are not compared")
    if not left_out:
        return []
    return [Result("catalog.not_compared", "catalog", "attributes the settings leave out", "skip", "database",
                   detail="\n".join(left_out) + "\n(settings in verify/config.yaml: not_compared, function_bodies)")]


def _object(kind, path: tuple, spec: dict, live: dict | None, catalog: Catalog, drift_status: str,
            rules: Rules) -> list[Result]:
    name = path[-1]
    qualified = ".".join(path)
    label = f"{kind.label()} {name}"
    check_id = f"catalog.{kind.label()}.{qualified}"
    if not kind.areas:  # one check: the object's own attributes
        sql = catalog.sql[kind.name]
        if live is None:
            return [_missing(check_id, label, qualified, sql)]
        own = {a: v for a, v in spec.items() if a in kind.attributes}  # what it holds is checked as its own kinds
        found = Differences([], [], [])
        _attributes(kind, label, own, live, rules, found)
        return [_result(check_id, label, qualified, found, drift_status, sql)]
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
        found = Differences([], [], [])
        own = {part: spec.get(part) for part in declared if part in kind.attributes}
        _attributes(kind, label, own, live, rules, found, within=set(parts))
        for child in (kinds.by_name(part) for part in declared if part not in kind.attributes):
            _children(child, spec[child.name] or {}, live.get(child.name, {}), rules, found)
        results.append(_result(area_id, title, qualified, found, drift_status, sql))
    return results


def _areas(kind) -> list[tuple[str, list[str]]]:
    """(area, the attributes and held kinds it covers), own attributes' areas first."""
    areas: dict[str, list[str]] = {}
    for attribute, area in kind.areas.items():
        areas.setdefault(area, []).append(attribute)
    for child in kinds.children(kind):
        areas.setdefault(child.name, []).append(child.name)
    return list(areas.items())


def _children(kind, expected: dict, live: dict, rules: Rules, found: Differences) -> None:
    for name, spec in expected.items():
        if name not in live:
            found.problems.append(f"{kind.label()} {name}: expected, found none")
        else:
            _attributes(kind, f"{kind.label()} {name}", spec or {}, live[name], rules, found)
    found.drift += [f"{kind.label()} {name}: found, not declared" for name in live if name not in expected]


def _attributes(kind, label: str, expected: dict, live: dict, rules: Rules, found: Differences,
                within: set | None = None) -> None:
    """Differences in the attributes of one object (those `within` one area, if given), added to
    `found`; declared_only kinds check what is declared."""
    names = list(expected) + [a for a in kind.attributes if a in live and a not in expected
                              and (not kind.declared_only or a in kind.always) and (within is None or a in within)]
    diffs = found.problems
    for attribute in names:
        if (kind.name, attribute) in rules.not_compared:
            continue
        want, have = expected.get(attribute), live.get(attribute)
        if want == have or _same_but_ends(kind, attribute, want, have):  # no need to normalise (pglast) to know
            continue
        schema = kind.attributes.get(attribute, {})
        if schema is kinds.GRANTS:
            diffs += _grants(label, want or {}, have or {})
        elif "properties" in schema:  # a nested mapping (a table's rls): each entry
            diffs += [f"{label}: expected {attribute}.{key} {_show(v)}, found {_show((have or {}).get(key))}"
                      for key, v in (want or {}).items() if v != (have or {}).get(key)]
        elif _canonical(kind, attribute, want, rules) != _canonical(kind, attribute, have, rules):
            explained = kind.explain(attribute, want, have) if kind.explain else None
            if explained is None and isinstance(want, str) and isinstance(have, str) and (_long(want) or _long(have)):
                diffs.append(f"{label}: {attribute} differs:\n" + _diff(want, have))
                found.definitions.append(Definition(f"{label}: {attribute}", want, have))
                continue
            shown = [kind.absent.get(attribute, "none") if v is None else _show(v) for v in (want, have)]
            diffs.append(f"{label}: " + (explained or f"expected {attribute} {shown[0]}, found {shown[1]}"))


def _long(text: str) -> bool:
    return "\n" in text.strip() or len(text) > LONG


def _diff(want: str, have: str) -> str:
    """A unified diff of two long texts, two lines of context, at most 30 lines shown."""
    lines = list(difflib.unified_diff(want.strip().splitlines(), have.strip().splitlines(), "expected", "found",
                                      lineterm="", n=2))
    shown = lines if len(lines) <= 30 else lines[:30] + [f"... ({len(lines) - 30} more lines)"]
    return "\n".join("    " + line for line in shown)


def _grants(label: str, expected: dict, live: dict) -> list[str]:
    return [f"{label}: grants to {role}: expected {_show(sorted(expected.get(role, [])))}, "
            f"found {_show(sorted(live.get(role, [])))}"
            for role in sorted(set(expected) | set(live))
            if sorted(expected.get(role, [])) != sorted(live.get(role, []))]


def _same_but_ends(kind, attribute: str, want, have) -> bool:
    """Equal but for whitespace at the ends, where the attribute's normaliser ignores it anyway
    (not for what is compared as written: pg_dump prints that whitespace)."""
    return (attribute in kind.compare and attribute not in kind.as_written and isinstance(want, str)
            and isinstance(have, str) and want.strip() == have.strip())


def _canonical(kind, attribute: str, value, rules: Rules):
    if value is None:
        return None
    if attribute in kind.as_written and not rules.normalise_written:
        return value
    normaliser = kind.compare.get(attribute)
    return normaliser(value) if normaliser else value


def _ignored(schema: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(f"{schema}.{name}" if "." in p else name, p) for p in patterns)


def _missing(check_id, title, obj, sql, detail=None) -> Result:
    return Result(check_id, "catalog", title, "fail", obj, expected=title.split(":")[0], actual="none",
                  detail=detail or f"{title}: expected, found none", sql=sql)


def _drift(check_id, title, obj, kind, undeclared, sql, drift_status) -> Result:
    found = [f"{kind.label()} {n}: found, not declared" for n in sorted(undeclared)]
    return _result(check_id, title, obj, Differences([], found, []), drift_status, sql)


def _result(check_id, title, obj, found: Differences, drift_status, sql) -> Result:
    problems, drift = found.problems, found.drift
    status = "fail" if problems else (drift_status if drift else "pass")
    return Result(check_id, "catalog", title, status, obj,
                  expected="as declared", actual="as declared" if status == "pass" else
                  f"{len(problems) + len(drift)} difference(s)",
                  detail="\n".join(problems + drift), sql=sql,
                  level="warning" if status == "warn" else "error", definitions=tuple(found.definitions))


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
