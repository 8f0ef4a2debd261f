"""The report's benchmarks: the latest saved `pgsuite bench run` of each workload on the target's
server, judged when it ran (thresholds, regressions against its baseline run), with charts.

They were measured before this run, on scratch databases of the same server, maybe on another
commit: the report says when and on what, and they never count among this run's checks."""

from markupsafe import Markup

from . import charts
from ..bench.store import NO_BASELINE


def build(docs: list[dict], status) -> list[dict]:
    return [_workload(doc, status) for doc in docs]


def _workload(doc: dict, status) -> dict:
    cases = doc["cases"]
    most = max((c["clients"] for c in cases), default=1)
    at_most = [c for c in cases if c["clients"] == most]
    label = f" at {most} clients" if doc["clients"] else ""
    latency = charts.latency(f"{doc['workload']}: latency by percentile{label}",
                             [(c["case"], c["distribution"]) for c in at_most if c.get("distribution")])
    by_case: dict[str, list] = {}
    for c in cases:
        if c.get("tps") is not None:
            by_case.setdefault(c["case"], []).append((c["clients"], c["tps"]))
    throughput = charts.throughput(f"{doc['workload']}: throughput by clients", list(by_case.items())) \
        if doc["clients"] else ""
    compared = doc["baseline_run"] is not None
    return {
        "name": doc["workload"],
        "description": doc["description"],
        "measured": f"{doc['measured_at']} on commit {doc['git_commit']}, PostgreSQL {doc['target']['server_version']}",
        "how": (f"pgbench, {doc['duration_s']} s per case and client count" if doc["clients"]
                else f"{doc['repeat']} runs per case") + (f"; settings {doc['settings']}" if doc["settings"] else ""),
        "baseline_case": doc["baseline"],
        "pgbench": bool(doc["clients"]),
        "writer": any(c.get("writer_max_ms") is not None for c in cases),
        "rows": [_row(c) for c in cases],
        "thresholds": [{"text": t["threshold"], "value": "not measured" if t["value"] is None else f"{t['value']:g}",
                        "status": status(t["state"]), "why": t["why"]} for t in doc["thresholds"]],
        "regression_note": (f"against run {doc['baseline_run']}, tolerance {doc['regression_tolerance']:.0%}"
                            if compared else f"not assessed: {doc.get('regressions_not_assessed') or NO_BASELINE}"),
        "regressions": [{"case": r["case"], "clients": r["clients"], "metric": r["metric"], "before": f"{r['before']:g}",
                         "now": f"{r['now']:g}", "change": f"{r['change']:+.0%}", "status": status(r["state"])}
                        for r in doc["regressions"]],
        "latency_chart": Markup(latency),  # built escaped by charts
        "throughput_chart": Markup(throughput),
    }


def _row(c: dict) -> dict:
    def ms(key):
        return "" if c.get(key) is None else f"{c[key]:.3f}"

    return {"case": c["case"], "clients": c["clients"], "runs": c["runs"], "p50": ms("p50_ms"), "p95": ms("p95_ms"),
            "p99": ms("p99_ms"), "max": ms("max_ms"), "ratio": f"{c['ratio']:.2f}",
            "tps": "" if c.get("tps") is None else f"{c['tps']:,.1f}",
            "tps_ratio": "" if c.get("tps_ratio") is None else f"{c['tps_ratio']:.2f}",
            "writer_max": "" if c.get("writer_max_ms") is None else f"{c['writer_max_ms']:.1f}"}
