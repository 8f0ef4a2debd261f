"""Discover the lints (lints/NNNN_slug.sql, by glob) and run them as checks.

A lint is one SQL file returning (object, detail) rows, one per finding, with a header: title,
level (error or warning), remediation, optionally `refine` (a Python post-filter) and `needs`
(the project settings it reads, from verify/config.yaml's `project:`). Its parameters are the
schemas verify reads and every project setting. A row whose object is NULL means the lint
could not judge (its detail says why): the check is "not run", never a pass.
"""

import fnmatch
import re
import time
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from ..errors import ConfigError
from ..results import Finding, Result
from .refiners import REFINERS, refine

LINT_FILE = re.compile(r"^(\d{4}_[a-z0-9_]+)\.sql$")
HEADER = re.compile(r"^--\s*(title|level|remediation|refine|needs):\s*(.+?)\s*$")


@dataclass(frozen=True)
class Lint:
    id: str  # NNNN_slug: file name, output, documentation (docs/lints/ID.md), suppression key
    title: str
    level: str
    remediation: str
    sql: str
    refine: str | None = None
    needs: tuple[str, ...] = ()  # project settings without which it cannot judge


@dataclass(frozen=True)
class Suppression:
    lint: str
    object: str
    reason: str
    kind: str = "config"  # "accepted": present when the project began, a pre-existing warning, not silence


@cache
def lints() -> tuple[Lint, ...]:
    found = []
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        match = LINT_FILE.match(entry.name)
        if match:
            found.append(_parse(match.group(1), entry.read_text(encoding="utf-8")))
    return tuple(found)


def _parse(lint_id: str, text: str) -> Lint:
    meta = {}
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            meta[m.group(1)] = m.group(2)
    missing = {"title", "level", "remediation"} - set(meta)
    if missing:
        raise ConfigError(f"lint {lint_id}: header lacks {', '.join(sorted(missing))}")
    if meta.get("refine") and meta["refine"] not in REFINERS:
        raise ConfigError(f"lint {lint_id}: unknown refine step {meta['refine']!r}")
    needs = tuple(n.strip() for n in meta.get("needs", "").split(",") if n.strip())
    return Lint(lint_id, meta["title"], meta["level"], meta["remediation"], text, meta.get("refine"), needs)


def suppress(found: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """Each finding, with the reason of the first suppression of its rule whose `object` pattern
    matches where it is (an object, or file:line) or its file."""
    out = []
    for finding in found:
        match = next((s for s in suppressions if s.lint == finding.rule and any(
            fnmatch.fnmatchcase(candidate, s.object) for candidate in (finding.where, finding.file, finding.object)
            if candidate)), None)
        out.append(replace(finding, suppressed=match.reason, suppressed_by=match.kind) if match else finding)
    return out


def run(conn, schemas: list[str], suppressions: list[Suppression], project: dict | None = None,
        refine_cache: Path | None = None) -> list[Result]:
    """One Result per lint over `schemas`: pass, fail (or warn) listing its findings (suppressed ones
    noted), skip when it cannot judge, error when it could not run."""
    project = project or {}
    params = {"schemas": schemas, **{k: v if v is not None else "" for k, v in project.items()}}
    scope = ", ".join(schemas)
    results = []
    for lint in lints():
        started = time.perf_counter()
        base = Result(id=f"lint.{lint.id}", category="lints", title=f"{lint.id}: {lint.title}", status="pass",
                      object=scope, sql=lint.sql, level="error" if lint.level == "error" else "warning",
                      remediation=lint.remediation)
        missing = [n for n in lint.needs if not project.get(n)]
        if missing:
            results.append(base.with_(status="skip", detail="not run: needs " + ", ".join(
                f"project.{n}" for n in missing) + " in verify/config.yaml"))
            continue
        try:
            with conn.transaction():
                rows = conn.cursor(row_factory=dict_row).execute(lint.sql, params).fetchall()
            if lint.refine:
                rows = refine(lint.refine, rows, project, refine_cache)
        except psycopg.Error as exc:  # the lint itself could not run: say so, never "pass"
            results.append(base.with_(status="error", detail=f"[{exc.sqlstate}] {str(exc).strip()}",
                                      duration_ms=round((time.perf_counter() - started) * 1000, 2)))
            continue
        duration = round((time.perf_counter() - started) * 1000, 2)
        unjudged = [row["detail"] for row in rows if row["object"] is None]
        if unjudged:
            results.append(base.with_(status="skip", detail="not run: " + "; ".join(unjudged), duration_ms=duration))
            continue
        found = [Finding(rule=lint.id, level=base.level, message=row["detail"], object=row["object"],
                         fix=lint.remediation, docs=f"docs/lints/{lint.id}.md") for row in rows]
        results.append(base.with_(duration_ms=duration).with_findings(suppress(found, suppressions)))
    return results
