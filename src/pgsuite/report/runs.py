"""Saved runs: reports/runs/<run-id>/results.json, one JSON document per run (git-ignored)."""

import json
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ConfigError
from ..results import RunResults
from .baseline import Comparison, compare

RESULTS_FILE = "results.json"
TARGET_FILE = "target.json"  # beside results.json: which target, without reading the whole run
APPROVAL_FILE = "approval.json"  # beside results.json: this run is an accepted baseline


class RunStore:
    def __init__(self, root: Path):
        self.root = root

    def save(self, results: RunResults) -> Path:
        folder = self.root / results.run["id"]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / RESULTS_FILE
            path.write_text(json.dumps(results.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")
            (folder / TARGET_FILE).write_text(json.dumps(list(target_key(results.target))), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write the run to {folder}: {exc.strerror}") from exc
        return path

    def load(self, run: str) -> RunResults:
        """A run by id (a folder under reports/runs) or by the path of a results.json."""
        path = Path(run)
        if not path.is_file():
            path = self.root / run / RESULTS_FILE
        if not path.is_file():
            known = ", ".join(self.ids()[-5:]) or "none yet"
            raise ConfigError(f"unknown run {run!r}: no {path} (latest runs: {known})")
        try:
            return RunResults.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: corrupt results file: {exc}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: not a pgsuite results document: {exc}") from exc

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / RESULTS_FILE).is_file())

    def latest(self) -> str:
        ids = self.ids()
        if not ids:
            raise ConfigError(f"no saved run in {self.root}: run `pgsuite deploy` first")
        return ids[-1]

    def previous(self, current: RunResults) -> RunResults | None:
        """The latest run before `current` against the same target (same cluster and database)."""
        return next(self._earlier(current), None)

    def baseline(self, current: RunResults) -> tuple[RunResults | None, str]:
        """The latest earlier run against the same target that passed or was approved, and which."""
        for candidate in self._earlier(current):
            if self.approval(candidate.run["id"]) is not None:
                return candidate, "approved"
            if candidate.verdict == "PASS":
                return candidate, "passed"
        return None, ""

    def _earlier(self, current: RunResults):
        key = target_key(current.target)
        for run_id in reversed(self.ids()):
            if run_id >= current.run["id"] or self._target_of(run_id) not in (key, None):
                continue
            try:
                candidate = self.load(run_id)
            except ConfigError:
                continue  # a corrupt old run is no baseline
            if target_key(candidate.target) == key:
                yield candidate

    def _target_of(self, run_id: str) -> tuple | None:
        """The run's target from its small sidecar (None when it has none: read the run itself).
        Runs of other targets are skipped unread: a fleet saves one run per target here."""
        try:
            return tuple(json.loads((self.root / run_id / TARGET_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def compare(self, current: RunResults, baseline: RunResults | None | str = "auto") -> Comparison:
        """`current` against its baseline ("auto": the latest passed or approved run; None: none)."""
        if baseline == "auto":
            base, kind = self.baseline(current)
        else:
            base, kind = baseline, "chosen"
        return compare(current, base, self.previous(current), kind)

    def approve(self, run: str, reason: str, by: str) -> dict:
        """Accept a run as the baseline of the runs after it: its failures are known and accepted."""
        if not reason.strip():
            raise ConfigError("an approval needs a reason (--reason)")
        results = self.load(run)
        approval = {"run": results.run["id"], "reason": reason.strip(), "by": by,
                    "approved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "verdict": results.verdict}
        path = self.root / results.run["id"] / APPROVAL_FILE
        try:
            path.write_text(json.dumps(approval, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
        return approval

    def approval(self, run_id: str) -> dict | None:
        path = self.root / run_id / APPROVAL_FILE
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        except (OSError, json.JSONDecodeError):
            return None


def target_key(target: dict) -> tuple:
    return (target.get("system_identifier"), target.get("database"))
