"""A readable table for a terminal: one line per check, differences spelled out below it."""

from ..results import LABELS, RunResults


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
    lines.append(f"{'category':<16} {'checks':>6} {'pass':>5} {'fail':>5} {'error':>5} {'not run':>7} {'warn':>5}  status")
    for cat in results.categories():
        lines.append(f"{cat['name']:<16} {cat['checks']:>6} {cat['pass']:>5} {cat['fail']:>5} {cat['error']:>5} "
                     f"{cat['skip']:>7} {cat['warn']:>5}  {cat['status'].upper()}")
    target = results.target
    on = f" on {target.get('database', '?')} (PostgreSQL {target.get('server_version', '?')})" if target else ""
    lines.append(f"\n{results.verdict}: {len(results.checks)} checks{on}")
    return "\n".join(lines)
