"""Post-filters a lint's SQL names with '-- refine: NAME' when SQL alone cannot decide."""

from functools import lru_cache

import pglast
from pglast import ast, visitors

def claim_calls_outside_subquery(rows: list[dict], project: dict) -> list[dict]:
    """Keep the policies whose expression calls a claim function (current_setting, or one of the
    project's claim_functions) outside any subquery."""
    names = frozenset({"current_setting"} | {name.split(".")[-1] for name in project.get("claim_functions") or []})
    return [row for row in rows if _has_unwrapped_claim_call(row["expression"], names)]


@lru_cache(maxsize=4096)  # tenant tables share their policies' expressions: each is parsed once
def _has_unwrapped_claim_call(expression: str, names: frozenset[str]) -> bool:
    tree = pglast.parse_sql(f"SELECT {expression}")
    found = False

    class Finder(visitors.Visitor):
        def visit_FuncCall(self, ancestors, node):
            nonlocal found
            name = node.funcname[-1].sval
            if name in names and not _inside(ancestors, ast.SubLink):
                found = True

    Finder()(tree)
    return found


def _inside(ancestors, node_class) -> bool:
    step = ancestors
    while step is not None:
        if isinstance(step.node, node_class):
            return True
        step = step.parent
    return False


REFINERS = {"claim_calls_outside_subquery": claim_calls_outside_subquery}
