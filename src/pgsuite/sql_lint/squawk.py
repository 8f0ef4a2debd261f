"""squawk (the `squawk-cli` package) on migration files, as findings: its preference rules
(prefer-*) as warnings, the others as errors.

Some of squawk's rules are always left out (EXCLUDED, each with its reason, listed by `pgsuite
lint --rules`): pgsuite's runner already does what they ask, or one of pgsuite's rules judges
the same statement knowing more than the text. The rest follow the project's `.squawk.toml`,
found as squawk finds it: in the project's folder, else the nearest parent's. The transaction
assumption follows each file's yoyo directive: files yoyo runs in a transaction are checked
with `--assume-in-transaction`, `-- transactional: false` ones without.
"""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from ..errors import ConfigError
from ..results import Finding
from ..parse.statements import SqlFile, created_name, dotted

DOCS = "https://squawkhq.com/docs/{rule}"
# squawk's preferences (a type, a re-runnable statement, where a new enum value sorts: appending
# it blocks nobody and loses nothing) warn; its other rules (locks, lost data, broken callers) are
# errors, which refuse a deployment
PREFERENCES = ("prefer-", "ban-char-field", "require-enum-value-ordering")
# a rule of pgsuite's judges the same statements knowing more: inside DO blocks and function bodies
# too, which tables the deployment creates (nobody waits on them), with a target how big the others are
_BETTER = "judged by pgsuite's "
EXCLUDED = {
    "require-lock-timeout": "pgsuite's runner applies every migration under a lock_timeout (--lock-timeout), "
                            "retried with backoff (--ddl-lock-timeout, --lock-retries)",
    "require-statement-timeout": "the runner's lock_timeout bounds the wait for a lock; a statement_timeout would "
                                 "kill a long index build half-way",
    "require-concurrent-index-creation": _BETTER + "M001",
    "require-concurrent-index-deletion": _BETTER + "M002",
    "ban-drop-column": _BETTER + "M003",
    "ban-drop-table": _BETTER + "M004",
    "changing-column-type": _BETTER + "M005, which knows the widenings that rewrite nothing",
    "adding-not-nullable-field": _BETTER + "M006",
    "constraint-missing-not-valid": _BETTER + "M007",
    "adding-foreign-key-constraint": _BETTER + "M007",
    "disallowed-unique-constraint": _BETTER + "M008",
    "adding-serial-primary-key-field": _BETTER + "M008",
    "renaming-column": _BETTER + "M009",
    "renaming-table": _BETTER + "M009",
    "adding-field-with-default": _BETTER + "M010",
    "ban-concurrent-index-creation-in-transaction": _BETTER + "M012",
}


def level(rule: str) -> str:
    return "warning" if rule.startswith(PREFERENCES) else "error"


def binary() -> str | None:
    """The squawk installed beside this Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "squawk"
    return str(beside) if beside.exists() else shutil.which("squawk")


def config(root: Path) -> Path | None:
    """The project's .squawk.toml: in its folder, else in the nearest parent that has one."""
    return next((folder / ".squawk.toml" for folder in [root, *root.parents] if (folder / ".squawk.toml").is_file()),
                None)


def _recreated(sql_file: SqlFile | None, line: int) -> bool:
    """The views a DROP VIEW at `line` drops are all created again later in the same file, which
    runs in one transaction: no caller ever sees them missing (squawk's ban-drop-view is for a
    view that goes away)."""
    from pglast import ast, enums

    if sql_file is None or not sql_file.transactional:
        return False
    at = next((i for i, s in enumerate(sql_file.statements) if s.line == line and not s.context), None)
    if at is None or not isinstance(drop := sql_file.statements[at].node, ast.DropStmt) \
            or drop.removeType != enums.ObjectType.OBJECT_VIEW:
        return False
    dropped = {dotted(name) for name in drop.objects}
    created = {created_name(s.node) for s in sql_file.statements[at + 1:]
               if isinstance(s.node, ast.ViewStmt) and not s.context}
    return dropped <= created


def project_excluded(settings: Path | None) -> list[str]:
    """The rules the project's .squawk.toml leaves out (`excluded_rules`)."""
    if settings is None:
        return []
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{settings}: not a squawk configuration pgsuite can read: {exc}") from exc
    rules = data.get("excluded_rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ConfigError(f"{settings}: excluded_rules: a list of squawk rule names")
    return rules


def run(root: Path, files: list[SqlFile], pg_version: str | None = None) -> list[Finding]:
    found: list[Finding] = []
    settings = config(root)
    excluded = sorted({*EXCLUDED, *project_excluded(settings)})  # squawk's --exclude replaces the file's
    for in_transaction in (True, False):
        group = [f for f in files if f.transactional == in_transaction and f.syntax_error is None]
        if not group:
            continue
        command = [binary() or "squawk", "--reporter", "json", "--exclude", ",".join(excluded),
                   "--assume-in-transaction" if in_transaction else "--no-assume-in-transaction"]
        if settings is not None:
            command += ["--config", str(settings)]
        if pg_version:
            command += ["--pg-version", pg_version]
        out = subprocess.run(command + [str(f.path) for f in group], capture_output=True, text=True, timeout=300)
        try:
            violations = json.loads(out.stdout or "[]")
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"squawk failed (exit {out.returncode}): {out.stderr.strip() or out.stdout[:200]}") from exc
        names = {str(f.path): f.name for f in group}
        by_path = {str(f.path): f for f in group}
        for v in violations:
            if v["rule_name"] == "syntax-error":
                continue  # pgsuite reports syntax errors itself, from PostgreSQL's parser
            if v["rule_name"] == "ban-drop-view" and _recreated(by_path.get(v["file"]), (v.get("line") or 0) + 1):
                continue
            found.append(Finding(rule=f"squawk.{v['rule_name']}", level=level(v["rule_name"]), message=v["message"],
                                 file=names.get(v["file"], v["file"]), line=(v.get("line") or 0) + 1,  # squawk counts from 0
                                 fix=v.get("help") or "", docs=DOCS.format(rule=v["rule_name"])))
    return found
