"""Saved workload runs: reports/bench/<workload>/<run-id>.json (git-ignored), one per workload
run, keyed to the server they ran on (its system identifier: the scratch databases differ).

A run's baseline is the latest earlier run of the same workload on the same server, measured the
same way (settings, runs per case, seconds per case), that met every threshold and regressed
nothing; a run shorter than the workload's own is judged against none. The report shows each
workload's latest run."""

import json
from pathlib import Path

from . import judge as bench_judge
from ..errors import ConfigError
from ..results import now_iso

NO_BASELINE = "no earlier run of this workload on this server, measured the same way, met its thresholds"
FORMAT = 1  # a saved run of another format (or not one at all) is skipped, never half-read


class BenchStore:
    def __init__(self, root: Path):
        self.root = root

    def save(self, doc: dict) -> Path:
        folder = self.root / doc["workload"]
        path = folder / f"{doc['id']}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write the benchmark run to {path}: {exc.strerror}") from exc
        return path

    def newest_first(self, workload: str, server: str):
        """The workload's saved runs on this server, newest first, each read only when asked for
        (a deploy wants one per workload, not the history); unreadable files are skipped."""
        folder = self.root / workload
        for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(doc, dict) and doc.get("format") == FORMAT and doc["target"]["system_identifier"] == server:
                yield doc

    def baseline(self, workload, server: str) -> dict | None:
        """Runs with other settings (say, fewer rows) or another length measured something else:
        never a baseline."""
        measured = measured_as(workload)
        return next((doc for doc in self.newest_first(workload.name, server)
                     if {k: doc.get(k) for k in measured} == measured and not bench_judge.problems([doc])), None)

    def latest(self, server: str) -> list[dict]:
        """The latest run of each workload on this server, by workload name."""
        folders = sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []
        found = (next(self.newest_first(folder.name, server), None) for folder in folders)
        return [doc for doc in found if doc is not None]


def measured_as(workload) -> dict:
    """How a run was measured, as its saved document says it."""
    return {"settings": workload.settings, "repeat": None if workload.clients else workload.repeat,
            "duration_s": workload.duration if workload.clients else None}


def _not_assessed(shortened: str | None, baseline: dict | None) -> str | None:
    """Why no regression was judged, or None when one was."""
    if shortened:
        return f"{shortened}: regressions are judged at its own length"
    return None if baseline else NO_BASELINE


def record(store: BenchStore, workload, results: list, target: dict, git_commit: str, run_id: str) -> dict:
    """A workload run as saved: its results, judged against its thresholds and its baseline run."""
    from dataclasses import asdict

    cases = [asdict(r) for r in results]
    server = target.get("system_identifier")
    shortened = workload.shortened()
    baseline = None if shortened else store.baseline(workload, server)
    return {
        "format": FORMAT, "id": run_id, "measured_at": now_iso(), "workload": workload.name,
        "description": workload.description, "baseline": workload.baseline, "clients": workload.clients,
        **measured_as(workload),
        "git_commit": git_commit,
        "target": {k: target.get(k) for k in ("system_identifier", "server_version", "host", "port")},
        "cases": cases,
        "thresholds": bench_judge.judge_thresholds(workload.thresholds, cases, workload.overridden),
        "regression_tolerance": workload.regression_tolerance,
        "baseline_run": baseline["id"] if baseline else None,
        "regressions_not_assessed": _not_assessed(shortened, baseline),
        "regressions": bench_judge.judge_regressions(cases, baseline["cases"] if baseline else None,
                                                     workload.regression_tolerance, workload.baseline),
    }
