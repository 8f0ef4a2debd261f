"""squawk (the `squawk-cli` package) on migration files, as findings: its preference rules
(prefer-*) as warnings, the others as errors.

Configured by the repository's `.squawk.toml` (rules excluded there, with the reason why). The
transaction assumption follows each file's yoyo directive: files yoyo runs in a transaction
are checked with `--assume-in-transaction`, `-- transactional: false` ones without.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..results import Finding
from ..parse.statements import SqlFile

DOCS = "https://squawkhq.com/docs/{rule}"
# squawk's preferences (a type, a re-runnable statement) warn; its other rules (locks, lost data,
# broken callers) are errors, which refuse a deployment
PREFERENCES = ("prefer-", "ban-char-field")


def level(rule: str) -> str:
    return "warning" if rule.startswith(PREFERENCES) else "error"


def binary() -> str | None:
    """The squawk installed beside this Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "squawk"
    return str(beside) if beside.exists() else shutil.which("squawk")


def run(root: Path, files: list[SqlFile], pg_version: str | None = None) -> list[Finding]:
    found: list[Finding] = []
    for in_transaction in (True, False):
        group = [f for f in files if f.transactional == in_transaction and f.syntax_error is None]
        if not group:
            continue
        command = [binary() or "squawk", "--reporter", "json",
                   "--assume-in-transaction" if in_transaction else "--no-assume-in-transaction"]
        if (root / ".squawk.toml").exists():
            command += ["--config", str(root / ".squawk.toml")]
        if pg_version:
            command += ["--pg-version", pg_version]
        out = subprocess.run(command + [str(f.path) for f in group], capture_output=True, text=True, timeout=300)
        try:
            violations = json.loads(out.stdout or "[]")
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"squawk failed (exit {out.returncode}): {out.stderr.strip() or out.stdout[:200]}") from exc
        names = {str(f.path): f.name for f in group}
        for v in violations:
            if v["rule_name"] == "syntax-error":
                continue  # pgsuite reports syntax errors itself, from PostgreSQL's parser
            found.append(Finding(rule=f"squawk.{v['rule_name']}", level=level(v["rule_name"]), message=v["message"],
                                 file=names.get(v["file"], v["file"]), line=(v.get("line") or 0) + 1,  # squawk counts from 0
                                 fix=v.get("help") or "", docs=DOCS.format(rule=v["rule_name"])))
    return found
