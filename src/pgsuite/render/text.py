"""A readable table for a terminal: one line per check, differences spelled out below it."""

from ..results import LABELS, RunResults
from .table import table


def render(results: RunResults, verbose: bool = False) -> str:
    lines = []
    shown = [c for c in results.checks if verbose or c.status != "pass"]
    width = max((len(c.id) for c in shown), default=10)
    for c in shown:
        lines.append(f"{LABELS[c.status]:<5}  {c.id:<{width}}  {c.title}")  # NOT RUN overhangs by two
        for detail in c.detail.splitlines():
            lines.append(f"{'':<7}{detail}")
        if c.remediation and c.status in ("fail", "warn"):
            lines.append(f"{'':<7}fix: {c.remediation}")
    if lines:
        lines.append("")
    lines.append(table(("category", "checks", "pass", "fail", "error", "not run", "warn", "status"),
                       [(c["name"], c["checks"], c["pass"], c["fail"], c["error"], c["skip"], c["warn"], c["status"].upper())
                        for c in results.categories()], rule=False, align="lrrrrrrl"))
    target = results.target
    on = f" on {target.get('database', '?')} (PostgreSQL {target.get('server_version', '?')})" if target else ""
    lines.append(f"\n{results.verdict}: {len(results.checks)} checks{on}")
    return "\n".join(lines)
