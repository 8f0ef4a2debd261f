"""The report's view model: every statement the report makes, derived here from the results.

Templates lay this out and decide nothing: no status, count or sentence is computed in them.
"""

from ..results import FAILING, RunResults
from .baseline import Comparison
from .impact import ACCESS_EXCLUSIVE

LABELS = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "skip": "NOT RUN", "warn": "WARN", "not run": "NOT RUN"}
ICONS = {"pass": "✅", "fail": "❌", "error": "❌", "skip": "⏭️", "warn": "⚠️", "not run": "⏭️", None: "➖"}
CATEGORY_TITLES = {"migrations": "Migrations", "catalog": "Database schema (catalog)", "lints": "Lints",
                   "scenarios": "Behavioural scenarios", "tests": "Project test suite"}


def build(results: RunResults, comparison: Comparison) -> dict:
    categories = [_category(c, results, comparison) for c in results.categories()]
    failures = [c for c in results.checks if c.status in FAILING]
    return {
        "title": "Post-deployment regression report",
        "run": results.run,
        "target": results.target,
        "duration": f"{results.run['duration_s']} s" if results.run.get("duration_s") is not None else "not measured",
        "git_commit": results.run.get("git_commit") or "unknown",
        "migration_head": results.deployment.get("migration_head") or "none applied",
        "verdict": results.verdict,
        "verdict_label": f"{ICONS['pass' if results.passed else 'fail']} {results.verdict}",
        "verdict_sentence": _verdict_sentence(results, comparison),
        "summary": _summary(results, comparison, failures),
        "totals": _totals(results),
        "categories": categories,
        "known_issues": [_issue(c, comparison) for c in failures],
        "warnings": [_issue(c, comparison) for c in results.checks if c.status == "warn"],
        "comparison": _comparison(comparison),
        "impact": _impact(results.deployment),
        "rollback": _rollback(results.deployment),
        "checklist": _checklist(results, comparison),
        "performance": _performance(results),
    }


def _totals(results: RunResults) -> dict:
    counts = {s: sum(c.status == s for c in results.checks) for s in ("pass", "fail", "error", "skip", "warn")}
    ran = counts["pass"] + counts["fail"] + counts["error"] + counts["warn"]
    return {**counts, "checks": len(results.checks), "ran": ran,
            "pass_rate": f"{100.0 * (counts['pass'] + counts['warn']) / ran:.1f} %" if ran else "n/a"}


def _verdict_sentence(results: RunResults, comparison: Comparison) -> str:
    failing = sum(c.status in FAILING for c in results.checks)
    if results.passed:
        return "Every check that ran passed; nothing failed."
    regressions = len(comparison.regressions)
    return (f"{failing} check{'s' if failing != 1 else ''} failed"
            + (f", {regressions} of them regression{'s' if regressions != 1 else ''}" if regressions else "")
            + ". The deployment is not ready.")


def _summary(results: RunResults, comparison: Comparison, failures) -> list[str]:
    """The executive summary's sentences, regressions first."""
    lines = []
    if not comparison.made:
        lines.append("No baseline run against this target: regressions cannot be assessed.")
    elif comparison.regressions:
        names = ", ".join(c.id for c in comparison.regressions)
        lines.append(f"{len(comparison.regressions)} regression(s) against run {comparison.baseline_id}: {names}.")
    else:
        lines.append(f"No regressions against run {comparison.baseline_id}.")
    if comparison.fixed:
        lines.append(f"{len(comparison.fixed)} check(s) fixed since the baseline: "
                     + ", ".join(c.id for c in comparison.fixed) + ".")
    if comparison.still_failing:
        lines.append(f"{len(comparison.still_failing)} check(s) were already failing in the baseline and still fail.")
    if comparison.new_failing:
        lines.append(f"{len(comparison.new_failing)} new check(s) fail: " + ", ".join(c.id for c in comparison.new_failing) + ".")
    totals = _totals(results)
    lines.append(f"{totals['checks']} checks: {totals['pass']} passed, {totals['fail'] + totals['error']} failed, "
                 f"{totals['warn']} warned, {totals['skip']} not run.")
    applied = results.deployment.get("applied", [])
    lines.append(f"{len(applied)} migration(s) applied in this deployment"
                 + (": " + ", ".join(a["id"] for a in applied) if applied else "") + ".")
    return lines


def _category(cat: dict, results: RunResults, comparison: Comparison) -> dict:
    checks = [c for c in results.checks if c.category == cat["name"]]
    return {
        "name": cat["name"],
        "anchor": f"category-{cat['name']}",
        "title": CATEGORY_TITLES.get(cat["name"], cat["name"].capitalize()),
        "checks": cat["checks"],
        "run": cat["pass"] + cat["fail"] + cat["error"] + cat["warn"],
        "passed": cat["pass"] + cat["warn"],
        "failed": cat["fail"] + cat["error"],
        "skipped": cat["skip"],
        "pass_rate": f"{cat['pass_rate']:.1f} %" if cat["pass_rate"] is not None else "n/a",
        "status": cat["status"],
        "status_label": f"{ICONS[cat['status']]} {LABELS[cat['status']]}",
        "queries": _queries(checks),
        "rows": [{
            "id": c.id, "title": c.title, "object": c.object, "status": c.status,
            "status_label": f"{ICONS[c.status]} {LABELS[c.status]}", "detail": c.detail,
            "expected": c.expected, "actual": c.actual, "duration_ms": c.duration_ms,
            "change": comparison.classification(c.id),
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
    change = comparison.classification(check.id)
    origin = {"regression": "regression (passed in the baseline)", "still failing": "pre-existing (failing in the baseline)",
              "new": "new check", "no baseline": "no baseline to compare"}.get(change, change)
    return {"id": check.id, "title": check.title, "object": check.object or "-", "detail": check.detail,
            "sql": check.sql.strip(),
            "remediation": check.remediation, "origin": origin,
            "status_label": f"{ICONS[check.status]} {LABELS[check.status]}"}


def _comparison(comparison: Comparison) -> dict:
    if not comparison.made:
        return {"made": False, "sentence": "No baseline run against this target: nothing to compare with.", "rows": []}
    groups = [("Regressions", comparison.regressions), ("Fixed", comparison.fixed),
              ("Still failing (pre-existing)", comparison.still_failing), ("New checks", comparison.new_checks),
              ("Removed checks", comparison.removed), ("Not run now (ran in the baseline)", comparison.no_longer_run)]
    return {"made": True, "baseline_id": comparison.baseline_id,
            "sentence": f"Compared with run {comparison.baseline_id}.",
            "rows": [{"group": g, "count": len(items), "ids": ", ".join(c.id for c in items) or "-"} for g, items in groups]}


def _impact(deployment: dict) -> dict:
    applied = deployment.get("applied", [])
    migrations = []
    for entry in applied:
        effects = entry.get("effects", [])
        migrations.append({
            "id": entry["id"], "seconds": f"{entry['seconds']:.3f}",
            "created": sum(e["action"] == "created" for e in effects),
            "altered": sum(e["action"] == "altered" for e in effects),
            "dropped": sum(e["action"] == "dropped" for e in effects),
            "effects": effects,
        })
    risky = [{"migration": m["id"], **e} for m in migrations for e in m["effects"]
             if (e["lock"].startswith(ACCESS_EXCLUSIVE) and not e["note"].startswith("new table"))
             or "rewrites" in e["note"] or "scans" in e["note"] or e["action"] == "dropped"]
    return {"migrations": migrations, "risky": risky,
            "sentence": ("No migration was applied in this deployment." if not applied else
                         f"{len(applied)} migration(s) applied; {len(risky)} statement(s) take an ACCESS EXCLUSIVE "
                         "lock on an existing table, rewrite or scan a table, or drop an object.")}


def _rollback(deployment: dict) -> list[dict]:
    return [{"id": a["id"], "rollback_file": a["rollback_file"],
             "label": f"{ICONS['pass']} yes ({a['rollback_statements']} statement(s) for {a['statements']})"
             if a["rollback_file"] else f"{ICONS['fail']} no rollback file"}
            for a in deployment.get("applied", [])]


def _checklist(results: RunResults, comparison: Comparison) -> list[dict]:
    by_category = {c["name"]: c for c in results.categories()}

    def category_item(label, name):
        cat = by_category.get(name)
        if cat is None or cat["status"] == "not run":
            return _item(label, None, "not run")
        return _item(label, cat["status"] == "pass",
                     f"{cat['pass'] + cat['warn']} of {cat['checks'] - cat['skip']} passed" +
                     (f", {cat['skip']} not run" if cat["skip"] else ""))

    applied = results.deployment.get("applied", [])
    missing_rollback = [a["id"] for a in applied if not a["rollback_file"]]
    risky = _impact(results.deployment)["risky"]
    validate = next((c for c in results.checks if c.id == "migrations.validate"), None)
    return [
        category_item("Migrations applied without error", "migrations"),
        _item("Applied migrations match their recorded checksums",
              None if validate is None else validate.status == "pass",
              "not run" if validate is None else (validate.detail.splitlines() or [""])[0]),
        category_item("Schema matches the declared expectations (verify/)", "catalog"),
        category_item("No lint finding", "lints"),
        category_item("Behavioural scenarios pass", "scenarios"),
        category_item("Project test suite passes", "tests"),
        # with nothing applied there is nothing to judge: "not run", never a vacuous pass
        _item("Every migration applied in this deployment has a rollback file",
              None if not applied else not missing_rollback,
              "nothing applied in this deployment" if not applied else
              ("missing: " + ", ".join(missing_rollback) if missing_rollback else f"{len(applied)} of {len(applied)}")),
        _item("No statement locks out an existing table (ACCESS EXCLUSIVE), rewrites or drops",
              None if not applied else not risky,
              "nothing applied in this deployment" if not applied else
              (f"{len(risky)} such statement(s): see Deployment impact" if risky else "none"),
              when_false="warn"),  # a risk to schedule around, not a failure
        _item("No regression against the baseline", None if not comparison.made else not comparison.regressions,
              "no baseline run" if not comparison.made else
              (f"{len(comparison.regressions)} regression(s)" if comparison.regressions else
               f"compared with {comparison.baseline_id}")),
    ]


def _item(label: str, ok: bool | None, evidence: str, when_false: str = "fail") -> dict:
    state = "not run" if ok is None else ("pass" if ok else when_false)
    return {"label": label, "state": state, "mark": f"{ICONS[state]} {LABELS[state]}", "evidence": evidence}


def _performance(results: RunResults) -> dict:
    per_category = {}
    for c in results.checks:
        per_category[c.category] = per_category.get(c.category, 0.0) + c.duration_ms
    slowest = sorted(results.checks, key=lambda c: c.duration_ms, reverse=True)[:5]
    return {
        "categories": [{"name": k, "ms": f"{v:.1f}"} for k, v in per_category.items()],
        "slowest": [{"id": c.id, "ms": f"{c.duration_ms:.1f}"} for c in slowest if c.duration_ms > 0],
    }
