"""A workload's results judged: against its thresholds (the workload file's `thresholds:`) and
against the same workload's baseline run (an earlier saved run on the same server).

Only ratios are compared between runs: each is measured against a baseline case in the same
run, so a machine that is slower today moves both sides alike. Absolute figures (p99 ms) can
be thresholds, never regressions.

    thresholds:
      - {case: book, metric: ratio, at_most: 1.5}
      - {case: "book, disjoint staff", clients: 16, metric: tps_ratio, at_least: 0.6}
    regression_tolerance: 0.2   # a ratio 20 % worse than the baseline run's is a regression
"""

from dataclasses import dataclass

METRICS = {  # metric: better when lower?
    "ratio": True, "tps_ratio": False, "p50_ms": True, "p95_ms": True, "p99_ms": True, "max_ms": True,
    "tps": False, "writer_max_ms": True,
}
COMPARED = ("ratio", "tps_ratio")  # what a regression is judged on
DEFAULT_TOLERANCE = 0.2
NUMBER = {"type": "number", "description": "a number (the limit)"}
THRESHOLDS = {  # the JSON Schema of `thresholds:` in a workload file (bench/workload.py's SCHEMA)
    "type": ["array", "null"], "description": "a list of {case, metric, at_most | at_least, clients}",
    "items": {"type": "object", "additionalProperties": False, "required": ["case", "metric"],
              "description": "a mapping of case, metric, at_most or at_least, and optionally clients",
              "oneOf": [{"required": ["at_most"], "not": {"required": ["at_least"]}},
                        {"required": ["at_least"], "not": {"required": ["at_most"]}}],
              "x-message": "exactly one of at_most or at_least, a number",
              "properties": {"case": {"type": "string", "description": "the name of one of the cases"},
                             "metric": {"enum": list(METRICS), "description": "one of " + ", ".join(METRICS)},
                             "at_most": NUMBER, "at_least": NUMBER,
                             "clients": {"type": "integer", "description": "one of the workload's client counts"}}},
}
TOLERANCE = {"type": "number", "minimum": 0, "exclusiveMaximum": 10,
             "description": "a fraction such as 0.2 (20 % worse is a regression)"}


@dataclass(frozen=True)
class Threshold:
    case: str
    metric: str
    limit: float
    at_most: bool  # else at least
    clients: int | None = None  # only at this client count (None: at every one)

    def describe(self) -> str:
        where = f" at {self.clients} client(s)" if self.clients else ""
        return f"{self.case}{where}: {self.metric} {'<=' if self.at_most else '>='} {self.limit:g}"


def parse_thresholds(data: dict, cases: dict, clients: list[int], wrong) -> list[Threshold]:
    """The workload file's `thresholds:` (its shape checked by THRESHOLDS), each naming one of its
    cases and, when it has one, one of its client counts; `wrong(key, message)` words an error."""
    parsed = []
    for n, item in enumerate(data.get("thresholds") or []):
        if item["case"] not in cases:
            raise wrong(("thresholds", n, "case"), f"must name one of the cases ({', '.join(cases)})")
        count = item.get("clients")
        if count is not None and count not in clients:
            raise wrong(("thresholds", n, "clients"), f"{count} is not one of the workload's clients "
                        f"({', '.join(map(str, clients)) or 'it runs without pgbench'})")
        limit = "at_most" if "at_most" in item else "at_least"
        parsed.append(Threshold(item["case"], item["metric"], float(item[limit]), limit == "at_most", count))
    return parsed


def judge_thresholds(thresholds: list[Threshold], cases: list[dict], overridden: list[str] = ()) -> list[dict]:
    """Each threshold at each client count it applies to: met, not met, or not measured (why).
    They hold at the workload's own settings: with one overridden (--set rows=...), not judged."""
    if overridden:
        why = f"not judged: {', '.join(overridden)} overridden, the thresholds hold at the workload's own settings"
        return [{"threshold": t.describe(), "case": t.case, "clients": t.clients, "metric": t.metric, "value": None,
                 "state": "not run", "why": why} for t in thresholds]
    judged = []
    for t in thresholds:
        rows = [c for c in cases if c["case"] == t.case and (t.clients is None or c["clients"] == t.clients)]
        if not rows:
            judged.append({"threshold": t.describe(), "case": t.case, "clients": t.clients, "metric": t.metric,
                           "value": None, "state": "not run", "why": "not measured in this run"})
        for row in rows:
            value = row.get(t.metric)
            if value is None:
                state, why = "not run", f"{t.metric} is not measured for this case"
            else:
                met = value <= t.limit if t.at_most else value >= t.limit
                state, why = ("pass", "met") if met else ("fail", "not met")
            judged.append({"threshold": t.describe(), "case": t.case, "clients": row["clients"], "metric": t.metric,
                           "value": value, "state": state, "why": why})
    return judged


def judge_regressions(cases: list[dict], before: list[dict] | None, tolerance: float, baseline: str) -> list[dict]:
    """Each case's ratios against the baseline run's (same case, same client count); the baseline
    case's are 1 by definition."""
    if before is None:
        return []
    earlier = {(c["case"], c["clients"]): c for c in before}
    judged = []
    for case in (c for c in cases if c["case"] != baseline):
        old = earlier.get((case["case"], case["clients"]))
        for metric in COMPARED:
            now = case.get(metric)
            then = old.get(metric) if old else None
            if now is None or then is None or not then:
                continue
            change = (now - then) / then
            worse = change > tolerance if METRICS[metric] else change < -tolerance
            judged.append({"case": case["case"], "clients": case["clients"], "metric": metric, "before": then,
                           "now": now, "change": round(change, 3), "state": "fail" if worse else "pass"})
    return judged


def problems(docs: list[dict]) -> list[str]:
    """What saved workload runs say is wrong: thresholds not met, regressions."""
    lines = []
    for doc in docs:
        lines += [f"{doc['workload']}: threshold not met: {t['threshold']} (measured {t['value']:g})"
                  for t in doc["thresholds"] if t["state"] == "fail"]
        lines += [f"{doc['workload']}: regression: {r['case']} {r['metric']} {r['before']:g} -> {r['now']:g} "
                  f"({r['change']:+.0%}, tolerance {doc['regression_tolerance']:.0%}) against run {doc['baseline_run']}"
                  for r in doc["regressions"] if r["state"] == "fail"]
    return lines
