"""Post-filters a lint's SQL names with '-- refine: NAME' when SQL alone cannot decide.

A refiner keeps or drops each row; `refine` remembers each row's answer by its content (under
.pgsuite/cache/refiners), so that pglast, which a refiner parses with, is imported only for a
row never seen before: an unchanged schema is verified without it.
"""

import json
from functools import lru_cache
from pathlib import Path

from ..content_cache import ContentCache

def claim_calls_outside_subquery(rows: list[dict], project: dict) -> list[dict]:
    """Keep the policies whose expression calls a claim function (current_setting, or one of the
    project's claim_functions) outside any subquery."""
    names = frozenset({"current_setting"} | {name.split(".")[-1] for name in project.get("claim_functions") or []})
    return [row for row in rows if _has_unwrapped_claim_call(row["expression"], names)]


@lru_cache(maxsize=4096)  # tenant tables share their policies' expressions: each is parsed once
def _has_unwrapped_claim_call(expression: str, names: frozenset[str]) -> bool:
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
    """The rows REFINERS[name] keeps, each row's answer read from the cache when it has one."""
    if cache_dir is None:
        return REFINERS[name](rows, project)
    cache = ContentCache(cache_dir, json.dumps([name, project], sort_keys=True, default=str).encode(), keep=4096)
    kept, learned = [], False
    for row in rows:
        key = json.dumps(row, sort_keys=True, default=str).encode()
        keep = cache.get(key)
        if keep is None:
            keep, learned = bool(REFINERS[name]([row], project)), True
            cache.put(key, keep)
        if keep:
            kept.append(row)
    if learned:
        cache.prune()
    return kept
