"""The verdict and what stands right under it, shared by the console and the report: one plain
line per failure (object, reason, regression or not), and a PASS's caveats (what was not run,
not judged or only warned)."""

from ..results import FAILING, RunResults
from .baseline import Comparison, findings


def sentence(results: RunResults, comparison: Comparison) -> str:
    failing = sum(c.status in FAILING for c in results.checks)
    if results.passed:
        return "Every check that ran passed" + (" (see the caveats)." if caveats(results, comparison) else ".")
    regressions = len(comparison.regressions)
    judged = (f", {regressions} of them regression{'s' if regressions != 1 else ''}" if comparison.made
              else "; regressions not assessed (no baseline)")
    return f"{failing} check{'s' if failing != 1 else ''} failed{judged}. The deployment is not ready."


def failure_lines(results: RunResults, comparison: Comparison) -> list[dict]:
    """Per failing check: its object, its first reason, and whether it is a regression."""
    lines = []
    for check in results.checks:
        if check.status not in FAILING:
            continue
        found = findings(check)
        reasons = [line for line in check.detail.splitlines() if line.strip()] or [check.title]
        more = len(reasons) - 1
        lines.append({
            "id": check.id,
            "status": check.status,
            "object": check.object or check.id,
            "reason": reasons[0] + (f" (and {more} more)" if more else ""),
            "origin": origin(check.id, found, comparison),
            "regression": any(comparison.is_regression(f) for f in found),
        })
    return lines


def origin(check_id: str, found, comparison: Comparison) -> str:
    if not comparison.made:
        return "not judged: no baseline"
    if any(comparison.is_regression(f) for f in found):
        return f"regression since {comparison.baseline_id}"
    return f"accepted in the approved run {comparison.baseline_id}"


def caveats(results: RunResults, comparison: Comparison) -> list[str]:
    """What a PASS does not cover: checks not run, warnings, no baseline, statements to review."""
    notes = []
    skipped = [c for c in results.checks if c.status == "skip"]
    tests = [c for c in skipped if c.category == "tests"]
    if tests:
        notes.append("the project's tests were not run")
    others = [c for c in skipped if c.category != "tests"]
    if others:
        notes.append(f"{len(others)} other check{'s' if len(others) != 1 else ''} not run: "
                     + ", ".join(c.id for c in others[:5]) + (" ..." if len(others) > 5 else ""))
    if results.warnings:
        notes.append(f"{results.warnings} warning{'s' if results.warnings != 1 else ''}: "
                     + ", ".join(c.id for c in results.checks if c.status == "warn"))
    if not comparison.made:
        notes.append("no passing or approved run against this target: regressions not assessed")
    unsafe = results.deployment.get("allow_unsafe")
    if unsafe:
        notes.append(f"{len(unsafe['findings'])} unsafe statement(s) applied with --allow-unsafe: {unsafe['reason']} "
                     "(see Migration safety)")
    review = [e for e in risky_effects(results.deployment)]
    if review:
        notes.append(f"{len(review)} statement{'s' if len(review) != 1 else ''} to schedule around or review "
                     "(see Deployment impact)")
    return notes


def risky_effects(deployment: dict) -> list[dict]:
    """Every applied statement (migrations and re-applied repeatables) that carries a risk."""
    found = []
    for entry in deployment.get("applied", []):
        found += [{"source": entry["id"], **e} for e in entry.get("effects", []) if e.get("risk")]
    for entry in deployment.get("repeatables", []):
        found += [{"source": f"sql/{entry['name']}", **e} for e in entry.get("effects", []) if e.get("risk")]
    return found
