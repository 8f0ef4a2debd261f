"""SARIF 2.1.0, as GitHub code scanning accepts it: one run, one rule per lint rule that found
something, one result per finding, each with

- a physical location in the repository (a path relative to the checkout's root, the form code
  scanning matches across runs): the finding's file, else the project file that creates its
  object, else verify/config.yaml, where it would be accepted;
- `partialFingerprints` that stay the same across runs while the finding does (its rule, file,
  object and statement; never its line, which moves as a file is edited);
- an absolute `helpUri` (pgsuite's documentation for its own rules and lints);
- suppressions kept with their reason: `inSource` for a `-- pgsuite-ignore` comment, `external`
  for verify/config.yaml and `--allow-unsafe`.
"""

import hashlib
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from ..results import Finding, RunResults

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}
FINGERPRINT = "pgsuite/v1"
DOCS_URL = "https://github.com/pgsuite/pgsuite/blob/main/"  # when the package metadata names none


def render(results: RunResults, project=None) -> str:
    root = Path(project.root) if project is not None else Path.cwd()
    prefix = _repository_prefix(root)
    locate = _object_locator(project) if project is not None else (lambda obj: None)
    rules, sarif_results, seen = {}, [], {}
    for check in results.checks:
        for finding in check.findings:
            rules.setdefault(finding.rule, _rule(finding, check.title))
            sarif_results.append(_result(finding, prefix, locate, seen))
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pgsuite", "version": results.run.get("tool", "").split(" ")[-1],
                                "informationUri": docs_url(), "rules": list(rules.values())}},
            "results": sarif_results,
        }],
    }
    return json.dumps(document, indent=2)


def _rule(finding: Finding, title: str) -> dict:
    rule = {"id": finding.rule, "name": re.sub(r"[^A-Za-z0-9]+", "-", finding.rule).strip("-"),
            "shortDescription": {"text": title}, "fullDescription": {"text": title}}
    if finding.docs:
        rule["helpUri"] = finding.docs if "://" in finding.docs else docs_url() + finding.docs
    if finding.fix:
        rule["help"] = {"text": finding.fix}
    return rule


def _result(finding: Finding, prefix: str, locate, seen: dict) -> dict:
    file, line = (finding.file, finding.line) if finding.file else (locate(finding.object) or ("verify/config.yaml", 1))
    uri = prefix + file
    result = {"ruleId": finding.rule, "level": LEVELS.get(finding.level, "note"),
              "message": {"text": finding.message},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                  "region": {"startLine": max(line, 1)}}}]}
    if finding.object:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.object}]
    result["partialFingerprints"] = {FINGERPRINT: _fingerprint(finding, uri, seen)}
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource" if finding.suppressed_by == "source" else "external",
                                   "status": "accepted", "justification": finding.suppressed}]
    return result


def _fingerprint(finding: Finding, uri: str, seen: dict) -> str:
    """The same for the same finding in every run: what it is about, not where its line is; the
    n-th of identical findings in one file gets n, so that each stays one alert."""
    about = finding.statement or finding.object or re.sub(r"\d+", "#", finding.message)
    key = "\x1f".join((finding.rule, uri, finding.object, " ".join(about.split())))
    seen[key] = seen.get(key, 0) + 1
    return hashlib.sha256(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def docs_url() -> str:
    """pgsuite's documentation, as its package metadata names it (Project-URL: Documentation)."""
    from importlib import metadata

    try:
        for entry in metadata.metadata("pgsuite").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation":
                return url.strip().rstrip("/") + "/"
    except metadata.PackageNotFoundError:
        pass
    return DOCS_URL


def _repository_prefix(root: Path) -> str:
    """The project folder's path inside its git checkout ("" at the top, "db/" below it), so that
    every uri is relative to the repository, as code scanning reads it."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if not top:
        return ""
    relative = root.resolve().relative_to(Path(top).resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def _object_locator(project):
    """object name -> (file, line) of the project statement that creates it (the longest name that
    is a prefix of the object: `public.t.c` is in the file that creates `public.t`)."""
    where: dict[str, tuple[str, int]] = {}

    def index():
        from ..sql_lint import run as lint_run
        from ..parse.statements import created_name

        for sql_file in lint_run.collect(project):
            if sql_file.role not in ("migration", "repeatable"):
                continue
            for statement in sql_file.statements:
                name = created_name(statement.node) if not statement.context else None
                if name:
                    where[name] = (sql_file.name, statement.line)

    def locate(obj: str):
        if not obj:
            return None
        if not where:
            index()
        name = obj.split("(")[0]
        while name:
            if name in where:
                return where[name]
            name = name.rpartition(".")[0]
        return None

    return locate
