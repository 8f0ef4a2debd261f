"""Benchmarks judged and shown: thresholds from the workload file, regressions against the last
good run of the same workload on the same server, and the report's Performance section with its
inline charts. The workloads here sleep on purpose, so that "slower" is certain, not noise."""

import json
import re

import pytest

from helpers import pgsuite

from pgsuite.report import charts

TINY = """\
baseline: one
repeat: 30
cases:
  one: SELECT 1
  two: SELECT pg_sleep({sleep})
"""


def workload(project, text, name="tiny"):
    (project.root / "bench" / f"{name}.yaml").write_text(text)


def bench(project, db, *args):
    return pgsuite("--project", str(project.root), "bench", "run", *args, "--dsn", db, timeout=600)


def saved(project, name="tiny"):
    return [json.loads(p.read_text()) for p in sorted((project.root / "reports" / "bench" / name).glob("*.json"))]


def test_a_threshold_not_met_exits_1_names_it_and_is_saved_as_not_met(db, project_copy):
    workload(project_copy, TINY.format(sleep=0.003) + "thresholds:\n"
             "  - {case: two, metric: p50_ms, at_most: 1}\n  - {case: two, metric: ratio, at_least: 2}\n")
    out = bench(project_copy, db, "tiny")
    assert out.returncode == 1
    assert re.search(r"tiny: threshold not met: two: p50_ms <= 1 \(measured \d+\.\d+\)", out.stderr), out.stderr
    assert "threshold two: ratio >= 2:" in out.stdout and ", met" in out.stdout
    [doc] = saved(project_copy)
    assert [t["state"] for t in doc["thresholds"]] == ["fail", "pass"]
    assert len(doc["cases"][1]["distribution"]) == 101 and doc["cases"][1]["distribution"][50] >= 3.0


def test_a_slower_case_is_a_regression_against_the_last_good_run_and_never_becomes_the_baseline(db, project_copy):
    workload(project_copy, TINY.format(sleep=0.0005))
    first = bench(project_copy, db, "tiny")
    assert first.returncode == 0 and "regressions: not assessed" in first.stdout, first.stderr
    workload(project_copy, TINY.format(sleep=0.02))
    slower = bench(project_copy, db, "tiny")
    good, bad = saved(project_copy)
    assert slower.returncode == 1 and "tiny: regression: two ratio" in slower.stderr
    assert f"against run {good['id']}" in slower.stderr
    assert [r["case"] for r in bad["regressions"]] == ["two"]  # the baseline case's ratio is 1 by definition
    again = bench(project_copy, db, "tiny")  # still slower: compared with the good run, not the bad one
    assert again.returncode == 1 and f"against run {good['id']}" in again.stderr
    # another setting measures something else: no baseline
    workload(project_copy, TINY.format(sleep=0.02) + "settings: {rows: 5}\n")
    other = bench(project_copy, db, "tiny")
    assert other.returncode == 0 and "regressions: not assessed" in other.stdout, other.stderr


def test_a_run_shorter_than_the_workloads_own_judges_no_regression_and_is_no_baseline(db, project_copy):
    workload(project_copy, TINY.format(sleep=0.0005))
    assert bench(project_copy, db, "tiny").returncode == 0
    workload(project_copy, TINY.format(sleep=0.02))  # slower for certain, but measured with 5 runs of 30
    short = bench(project_copy, db, "tiny", "--repeat", "5")
    assert short.returncode == 0, short.stderr
    assert ("regressions: not assessed, --repeat 5 is fewer than the workload's own 30 runs: "
            "regressions are judged at its own length") in short.stdout
    good, brief = saved(project_copy)
    assert brief["baseline_run"] is None and brief["regressions"] == [] and brief["repeat"] == 5
    # a full run is compared with the full run before it, never with the short one
    full = bench(project_copy, db, "tiny")
    assert full.returncode == 1 and f"against run {good['id']}" in full.stderr
    # a longer run than the workload's own is judged, against runs of its own length only
    longer = bench(project_copy, db, "tiny", "--repeat", "40")
    assert longer.returncode == 0 and "regressions: not assessed, no earlier run of this workload on this server, " \
        "measured the same way, met its thresholds" in longer.stdout, longer.stderr


@pytest.mark.parametrize("thresholds,message", [  # file:line: key: what (the thresholds start at line {first})
    ("  - {case: three, metric: ratio, at_most: 2}", "tiny.yaml:{first}: thresholds[0].case: must name one of the cases (one, two)"),
    ("  - {case: two, metric: speed, at_most: 2}", "thresholds[0].metric: expected one of ratio, tps_ratio"),
    ("  - {case: two, metric: ratio}", "tiny.yaml:{first}: thresholds[0]: exactly one of at_most or at_least, a number"),
    ("  - {case: two, metric: ratio, at_most: 2, at_least: 1}", "thresholds[0]: exactly one of at_most or at_least"),
    ("  - {case: two, metric: ratio, at_most: fast}", "thresholds[0].at_most: expected a number (the limit), found a string 'fast'"),
    ("  - {case: two, metric: tps, at_least: 2, clients: 8}", "thresholds[0].clients: 8 is not one of the workload's clients"),
    ("  - {case: two, metric: ratio, at_most: 2, when: now}", "thresholds[0].when: unknown key (known: case, metric"),
    ("  - {case: two, metric: ratio, at_most: 2}\n  - {case: two, metric: ratio, at_most: two}",
     "tiny.yaml:{second}: thresholds[1].at_most: expected a number"),
])
def test_a_bad_threshold_exits_2_before_any_database_work(project_copy, thresholds, message):
    workload(project_copy, TINY.format(sleep=0) + "thresholds:\n" + thresholds + "\n")
    out = bench(project_copy, "host=127.0.0.1 port=1 dbname=x connect_timeout=1", "tiny")
    first = TINY.format(sleep=0).count("\n") + 2
    message = message.format(first=first, second=first + 1)
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_the_report_shows_the_latest_bench_runs_with_inline_charts_thresholds_and_regressions(db, project_copy):
    workload(project_copy, TINY.format(sleep=0.0005))
    assert bench(project_copy, db, "tiny").returncode == 0
    workload(project_copy, TINY.format(sleep=0.02) + "thresholds:\n  - {case: two, metric: p99_ms, at_most: 1}\n")
    assert bench(project_copy, db, "tiny").returncode == 1
    workload(project_copy, "baseline: one\nclients: [1, 2]\nduration: 1\ncases:\n  one: SELECT 1\n"
                           "  two <b>: SELECT pg_sleep(0.001)\n", name="pooled")
    assert bench(project_copy, db, "pooled").returncode == 0

    deployed = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert deployed.returncode == 0, deployed.stderr
    run = sorted((project_copy.root / "reports" / "runs").iterdir())[-1]
    md = (run / "report.md").read_text()
    html = (run / "report.html").read_text()
    results = json.loads((run / "results.json").read_text())

    assert [b["workload"] for b in results["benchmarks"]] == ["pooled", "tiny"]  # the latest of each
    section = md[md.index("### Benchmarks"):md.index("## Readiness checklist")]
    assert "| two: p99_ms &lt;= 1 |" in section and "❌ FAIL (not met)" in section
    assert re.search(r"\| two \| 1 \| ratio \| [\d.]+ \| [\d.]+ \| \+\d+% \| ❌ FAIL \|", section)
    checklist = md[md.index("## Readiness checklist"):]
    assert ("| Benchmarks on this server meet their thresholds, without regression | ⚠️ WARN | "
            "tiny: threshold not met: two: p99_ms &lt;= 1 (measured ") in checklist
    assert "✅ PASS" in md.split("## Verdict")[1]  # measured earlier: it does not decide this deployment

    perf = html[html.index('id="benchmarks"'):html.index('id="readiness-checklist"')]
    charts_drawn = re.findall(r"<svg [^>]*>.*?</svg>", perf, re.S)
    titles = [re.search(r"<title>(.*?)</title>", svg).group(1) for svg in charts_drawn]
    assert titles == ["pooled: latency by percentile at 2 clients", "pooled: throughput by clients",
                      "tiny: latency by percentile"]
    throughput = charts_drawn[1]
    assert throughput.count("<circle") == 4 and "two &lt;b&gt;" in throughput and "<b>" not in throughput
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)  # no external asset


def test_a_bench_run_of_another_server_is_not_shown(db, project_copy):
    workload(project_copy, TINY.format(sleep=0))
    assert bench(project_copy, db, "tiny").returncode == 0
    [path] = (project_copy.root / "reports" / "bench" / "tiny").glob("*.json")
    doc = json.loads(path.read_text())
    doc["target"]["system_identifier"] = "1"  # as if measured on another cluster
    path.write_text(json.dumps(doc))
    (project_copy.root / "reports" / "bench" / "tiny" / "garbage.json").write_text("{not json")
    deployed = pgsuite("--project", str(project_copy.root), "deploy", "--dsn", db)
    assert deployed.returncode == 0, deployed.stderr
    run = sorted((project_copy.root / "reports" / "runs").iterdir())[-1]
    md = (run / "report.md").read_text()
    assert "No saved `pgsuite bench run` on this server: nothing measured." in md
    assert "| Benchmarks on this server meet their thresholds, without regression | ⏭️ NOT RUN | no saved run of pgsuite bench run on this server |" in md


def test_charts_escape_names_and_draw_nothing_without_data():
    svg = charts.latency("t", [("<script>alert(1)</script>", [0.5] * 50 + [2.0] * 51)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and svg.startswith("<svg ")
    assert charts.latency("t", []) == "" and charts.throughput("t", [("a", [(1, 0.0)])]) == ""
