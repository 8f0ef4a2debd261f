"""The report's view model: every statement the report makes, derived here from the results.

Templates lay this out and decide nothing: no status, count or sentence is computed in them.
Statuses carry their text label everywhere; the Markdown adds an icon beside it, never instead.
"""

import re
from ..results import FAILING, LABELS as STATUS_LABELS, RunResults
from . import benchmarks, checklist, schema_view, verdict
from .baseline import Comparison, findings

LABELS = {**STATUS_LABELS, "not run": "NOT RUN", "not declared": "NOT DECLARED"}
ICONS = {"pass": "✅", "fail": "❌", "error": "❌", "skip": "⏭️", "warn": "⚠️", "not run": "⏭️", "not declared": "➖"}
CATEGORY_TITLES = {"migrations": "Migrations", "catalog": "Database schema (catalog)", "lints": "Lints",
                   "scenarios": "Behavioural scenarios", "tests": "Project test suite",
                   "migration safety": "Migration safety", "compilation": "Compilation", "style": "Style"}


def status(state: str) -> dict:
    """A status as every output shows it: its class, its word, its icon (never alone)."""
    return {"state": state, "css": state.replace(" ", "-"), "label": LABELS[state], "icon": ICONS[state]}


def build(results: RunResults, comparison: Comparison) -> dict:
    return {
        "title": "Post-deployment regression report",
        "run": results.run,
        "target": results.target,
        "duration": f"{results.run['duration_s']} s" if results.run.get("duration_s") is not None else "not measured",
        "git_commit": results.run.get("git_commit") or "unknown",
        "migration_head": results.deployment.get("migration_head") or "none applied",
        "verdict": results.verdict,
        "verdict_status": status("pass" if results.passed else "fail"),
        "verdict_sentence": verdict.sentence(results, comparison),
        "failures": [{**f, "status": status(f["status"])} for f in verdict.failure_lines(results, comparison)],
        "caveats": verdict.caveats(results, comparison),
        "summary": _summary(results, comparison),
        "totals": _totals(results),
        "categories": [_category(c, results, comparison) for c in results.categories()],
        "known_issues": [_issue(c, comparison) for c in results.checks if c.status in FAILING],
        "warnings": [_issue(c, comparison) for c in results.checks if c.status == "warn"],
        "comparison": _comparison(comparison),
        "impact": _impact(results.deployment),
        "rollback": _rollback(results.deployment),
        "checklist": [{**i, "status": status(i["state"])} for i in checklist.build(results, comparison)],
        "performance": _performance(results),
        "schema": schema_view.build(results),
    }


def _totals(results: RunResults) -> dict:
    counts = {s: sum(c.status == s for c in results.checks) for s in ("pass", "fail", "error", "skip", "warn")}
    ran = counts["pass"] + counts["fail"] + counts["error"] + counts["warn"]
    return {**counts, "failed": counts["fail"] + counts["error"], "checks": len(results.checks), "ran": ran,
            "pass_rate": f"{100.0 * counts['pass'] / ran:.1f} %" if ran else "n/a"}


def _summary(results: RunResults, comparison: Comparison) -> list[str]:
    """The executive summary's sentences, regressions first."""
    lines = []
    if not comparison.made:
        lines.append("No passing or approved run against this target: regressions cannot be assessed.")
    elif comparison.regressions:
        lines.append(f"{len(comparison.regressions)} check(s) regressed against the {comparison.baseline_kind} run "
                     f"{comparison.baseline_id}: " + ", ".join(c.id for c in comparison.regressions) + ".")
    else:
        lines.append(f"No regressions against the {comparison.baseline_kind} run {comparison.baseline_id}.")
    if comparison.accepted:
        lines.append(f"{len(comparison.accepted)} failing check(s) were accepted in the approved run "
                     f"{comparison.baseline_id}: " + ", ".join(c.id for c in comparison.accepted) + ".")
    if comparison.fixed:
        lines.append(f"{len(comparison.fixed)} check(s) fixed since the previous run {comparison.previous_id}: "
                     + ", ".join(c.id for c in comparison.fixed) + ".")
    totals = _totals(results)
    lines.append(f"{totals['checks']} checks: {totals['pass']} passed, {totals['failed']} failed, "
                 f"{totals['warn']} warned, {totals['skip']} not run.")
    applied = results.deployment.get("applied", [])
    not_applied = results.deployment.get("not_applied", [])
    lines.append(f"{len(applied)} migration(s) applied in this deployment"
                 + (": " + ", ".join(a["id"] for a in applied) if applied else "")
                 + (f"; {len(not_applied)} not run: " + ", ".join(not_applied) if not_applied else "") + ".")
    return lines


def _category(cat: dict, results: RunResults, comparison: Comparison) -> dict:
    checks = [c for c in results.checks if c.category == cat["name"]]
    return {
        "name": cat["name"],
        "anchor": "category-" + re.sub(r"[^a-z0-9]+", "-", cat["name"].lower()),  # "migration safety": no space
        "title": CATEGORY_TITLES.get(cat["name"], cat["name"].capitalize()),
        "checks": cat["checks"],
        "run": cat["pass"] + cat["fail"] + cat["error"] + cat["warn"],
        "passed": cat["pass"],
        "failed": cat["fail"] + cat["error"],
        "warned": cat["warn"],
        "skipped": cat["skip"],
        "pass_rate": f"{cat['pass_rate']:.1f} %" if cat["pass_rate"] is not None else "n/a",
        "status": status(cat["status"]),
        "queries": _queries(checks),
        "rows": [{
            "id": c.id, "title": c.title, "object": c.object, "status": status(c.status), "detail": c.detail,
            "expected": c.expected, "actual": c.actual, "duration_ms": c.duration_ms,
            "change": comparison.classification(c.id), "definitions": c.definitions,
        } for c in checks],
    }


def _queries(checks) -> list[dict]:
    """The SQL the category ran, each distinct text once, with the checks it decided."""
    by_sql: dict[str, list[str]] = {}
    for c in checks:
        if c.sql:
            by_sql.setdefault(c.sql.strip(), []).append(c.id)
    return [{"sql": text, "used_by": ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")}
            for text, ids in by_sql.items()]


def _issue(check, comparison: Comparison) -> dict:
    found = findings(check)
    return {"id": check.id, "title": check.title, "object": check.object or "-", "detail": check.detail,
            "sql": check.sql.strip(), "remediation": check.remediation, "status": status(check.status),
            "origin": verdict.origin(check.id, found, comparison) if found else "warning (does not fail the run)",
            "findings": [{"text": f.text, "regression": comparison.is_regression(f)} for f in found]}


def _comparison(comparison: Comparison) -> dict:
    previous = f" The previous run was {comparison.previous_id}." if comparison.previous_id else ""
    if not comparison.made:
        return {"made": False, "rows": [],
                "sentence": "No passing or approved run against this target: regressions cannot be assessed." + previous}
    kind = "approved run" if comparison.baseline_kind == "approved" else (
        "latest passing run" if comparison.baseline_kind == "passed" else "run chosen with --baseline")
    groups = [("Regressions (a finding the baseline did not have)", comparison.regressions),
              ("Accepted (every finding was in the approved baseline)", comparison.accepted),
              ("New warnings (a warning the baseline did not have)", comparison.new_warnings),
              ("Fixed since the previous run", comparison.fixed), ("New checks", comparison.new_checks),
              ("Removed checks", comparison.removed), ("Not run now (ran in the baseline)", comparison.no_longer_run)]
    return {"made": True, "baseline_id": comparison.baseline_id,
            "sentence": f"Compared with run {comparison.baseline_id}, the {kind} against this target." + previous,
            "rows": [{"group": g, "count": len(items), "ids": ", ".join(c.id for c in items) or "-"}
                     for g, items in groups]}


def _impact(deployment: dict) -> dict:
    applied = deployment.get("applied", [])
    sources = [{"id": e["id"], "kind": "migration", "seconds": f"{e['seconds']:.3f} s", "effects": _effects(e)}
               for e in applied]
    sources += [{"id": f"sql/{e['name']}", "kind": "repeatable (re-applied)", "seconds": "", "effects": _effects(e)}
                for e in deployment.get("repeatables", [])]
    for s in sources:
        s.update({a: sum(e["action"] == a for e in s["effects"]) for a in ("created", "altered", "dropped")})
    risky = verdict.risky_effects(deployment)
    not_applied = deployment.get("not_applied", [])
    if not sources:
        sentence = "Nothing was applied in this deployment."
    else:
        sentence = (f"{len(applied)} migration(s) and {len(deployment.get('repeatables', []))} repeatable file(s) "
                    f"applied; {len(risky)} statement(s) take a blocking lock on an existing table, rewrite or scan "
                    "one, change every row, drop an object, or need review.")
    unsafe = deployment.get("allow_unsafe")
    if unsafe:
        unsafe = {"reason": unsafe["reason"],
                  "findings": [{"where": f"{f['file']}:{f['line']}", "rule": f["rule"], "message": f["message"]}
                               for f in unsafe["findings"]]}
    return {"sources": sources, "risky": risky, "sentence": sentence, "not_applied": not_applied, "unsafe": unsafe}


def _effects(entry: dict) -> list[dict]:
    """Its effects, with what runs saved by earlier versions did not record (no risk assessed then)."""
    return [{"note": "", "risk": "", **e} for e in entry.get("effects", [])]


def _rollback(deployment: dict) -> list[dict]:
    rows = []
    for a in deployment.get("applied", []):
        if not a["rollback_file"]:
            state, text = "fail", "no rollback file"
        else:
            state = "pass"
            text = (f"{a['rollback_statements']} statement(s), run as a whole in one transaction"
                    if a.get("transactional", True) else
                    f"{a['rollback_statements']} statement(s) for {a['statements']}, paired one to one "
                    "(a non-transactional migration)")
        rows.append({"id": a["id"], "status": status(state), "text": text})
    return rows


def _performance(results: RunResults) -> dict:
    per_category = {}
    for c in results.checks:
        per_category[c.category] = per_category.get(c.category, 0.0) + c.duration_ms
    slowest = sorted(results.checks, key=lambda c: c.duration_ms, reverse=True)[:5]
    return {
        "categories": [{"name": k, "ms": f"{v:.1f}"} for k, v in per_category.items()],
        "slowest": [{"id": c.id, "ms": f"{c.duration_ms:.1f}"} for c in slowest if c.duration_ms > 0],
        "benchmarks": benchmarks.build(results.benchmarks, status),
    }
