"""The readiness checklist, computed item by item from the results: each item passes, fails,
warns or was not run (never a vacuous pass when there was nothing to judge)."""

from ..results import RunResults
from .baseline import Comparison
from ..bench.judge import problems
from .verdict import risky_effects


def build(results: RunResults, comparison: Comparison) -> list[dict]:
    by_category = {c["name"]: c for c in results.categories()}

    def category_item(label, name):
        cat = by_category.get(name)
        if cat is None or cat["status"] == "not run":
            return item(label, "not run", "not run")
        ran = cat["checks"] - cat["skip"]
        evidence = (f"{cat['pass']} of {ran} passed" + (f", {cat['warn']} warned" if cat["warn"] else "")
                    + (f", {cat['fail'] + cat['error']} failed" if cat["fail"] + cat["error"] else "")
                    + (f", {cat['skip']} not run" if cat["skip"] else ""))
        return item(label, cat["status"], evidence)

    applied = results.deployment.get("applied", [])
    not_applied = results.deployment.get("not_applied", [])
    missing_rollback = [a["id"] for a in applied if not a["rollback_file"]]
    risky = risky_effects(results.deployment)
    validate = next((c for c in results.checks if c.id == "migrations.validate"), None)
    nothing = "nothing applied in this deployment"
    unsafe = results.deployment.get("allow_unsafe")
    return [
        category_item("What was applied passed the safety gate (pgsuite lint's rules, squawk)", "migration safety")
        if not unsafe else item("What was applied passed the safety gate (pgsuite lint's rules, squawk)", "warn",
                                f"{len(unsafe['findings'])} unsafe statement(s) allowed: {unsafe['reason']}"),
        category_item("Migrations applied without error", "migrations"),
        item("Every pending migration was applied", "fail" if not_applied else "pass",
             ("not applied: " + ", ".join(not_applied)) if not_applied else f"{len(applied)} applied"),
        item("Applied migrations match their recorded checksums",
             "not run" if validate is None else validate.status,
             "not run" if validate is None else (validate.detail.splitlines() or [""])[0]),
        category_item("Schema matches the declared expectations (verify/)", "catalog"),
        category_item("No lint finding", "lints"),
        category_item("Behavioural scenarios pass", "scenarios"),
        category_item("Every PL/pgSQL function compiles (plpgsql_check)", "compilation"),
        category_item("No breaking change for the API roles' callers (computed before and after)", "breaking changes"),
        category_item("Project test suite passes", "tests"),
        item("Every migration applied in this deployment has a rollback file",
             "not run" if not applied else ("fail" if missing_rollback else "pass"),
             nothing if not applied else
             ("missing: " + ", ".join(missing_rollback) if missing_rollback else f"{len(applied)} of {len(applied)}")),
        # a risk to schedule around or to read, not a failure: it warns
        item("No statement locks out an existing table, rewrites, scans, drops or needs review",
             "not run" if not applied and not results.deployment.get("repeatables") else ("warn" if risky else "pass"),
             nothing if not applied and not results.deployment.get("repeatables") else
             (f"{len(risky)} such statement(s): see Deployment impact" if risky else "none")),
        _benchmarks(results.benchmarks),
        item("No regression against the baseline",
             "not run" if not comparison.made else ("fail" if comparison.regressions else "pass"),
             "no passing or approved run to compare with" if not comparison.made else
             (f"{len(comparison.regressions)} check(s) with a regression" if comparison.regressions else
              f"compared with {comparison.baseline_kind} run {comparison.baseline_id}")),
    ]


def _benchmarks(docs: list[dict]) -> dict:
    """Measured earlier (`pgsuite bench run`): a miss warns, it does not fail this deployment;
    a threshold that was not measured is not a met one."""
    label = "Benchmarks on this server meet their thresholds, without regression"
    if not docs:
        return item(label, "not run", "no saved run of pgsuite bench run on this server")
    found = problems(docs)
    thresholds = [t for d in docs for t in d["thresholds"]]
    unmeasured = [t["threshold"] for t in thresholds if t["state"] == "not run"]
    compared = [d["workload"] for d in docs if d["baseline_run"]]
    if found or unmeasured:
        return item(label, "warn", "; ".join(found + [f"not measured: {t}" for t in unmeasured]))
    if not thresholds and not compared:
        return item(label, "not run", "nothing to judge: no thresholds, and no baseline run to compare with")
    return item(label, "pass", f"{len(thresholds)} threshold(s) met; regressions assessed for "
                               f"{len(compared)} of {len(docs)} workload(s)" + (f" ({', '.join(compared)})" if compared else ""))


def item(label: str, state: str, evidence: str) -> dict:
    return {"label": label, "state": "fail" if state == "error" else state, "evidence": evidence}
