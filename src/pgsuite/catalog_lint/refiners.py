"""Post-filters a lint's SQL names with '-- refine: NAME' when SQL alone cannot decide.

A refiner keeps or drops each row. What it parses (with pglast) it decides once per distinct
input, remembered in a content cache (.pgsuite/cache/refiners): tenant tables share their
policies' expressions, and an unchanged schema is verified without importing pglast at all.
"""

import json
from pathlib import Path

from ..content_cache import ContentCache


def claim_calls_outside_subquery(rows: list[dict], project: dict, cache: ContentCache | None = None) -> list[dict]:
    """Keep the policies whose expression calls a claim function (current_setting, or one of the
    project's claim_functions) outside any subquery."""
    names = sorted({"current_setting"} | {name.split(".")[-1] for name in project.get("claim_functions") or []})
    decided: dict[str, bool] = {}
    for expression in {row["expression"] for row in rows}:
        key = json.dumps(["claim_calls_outside_subquery", expression, names]).encode()
        answer = cache.get(key) if cache else None
        if answer is None:
            answer = _has_unwrapped_claim_call(expression, names)
            if cache:
                cache.put(key, answer)
        decided[expression] = answer
    return [row for row in rows if decided[row["expression"]]]


def _has_unwrapped_claim_call(expression: str, names: list[str]) -> bool:
    import pglast
    from pglast import visitors

    tree = pglast.parse_sql(f"SELECT {expression}")
    found = False

    class Finder(visitors.Visitor):
        def visit_FuncCall(self, ancestors, node):
            nonlocal found
            name = node.funcname[-1].sval
            if name in names and not _inside(ancestors, "SubLink"):
                found = True

    Finder()(tree)
    return found


def _inside(ancestors, node_class: str) -> bool:
    step = ancestors
    while step is not None:
        if type(step.node).__name__ == node_class:
            return True
        step = step.parent
    return False


REFINERS = {"claim_calls_outside_subquery": claim_calls_outside_subquery}


def refine(name: str, rows: list[dict], project: dict, cache_dir: Path | None = None) -> list[dict]:
    """The rows REFINERS[name] keeps; its decisions kept under `cache_dir` when given."""
    cache = ContentCache(cache_dir, Path(__file__).read_bytes(), keep=4096) if cache_dir else None
    kept = REFINERS[name](rows, project, cache)
    if cache:
        cache.prune()
    return kept
