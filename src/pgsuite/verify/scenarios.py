"""Behavioural scenarios: verify/scenarios/NNNN_slug.sql, each run in a transaction that is
always rolled back, so that running them against production changes nothing.

verify/scenarios/_setup.sql (optional) runs first inside each scenario's transaction, for
shared helpers (temporary functions). A scenario fails by raising; its error is the detail.
Sequences advanced by a scenario stay advanced: sequences are not transactional.
"""

import re
import time
from pathlib import Path

import psycopg

from ..errors import ConfigError
from ..results import Result

SCENARIO_FILE = re.compile(r"^(\d{4}_[a-z0-9_]+)\.sql$")
TITLE = re.compile(r"^--\s*title:\s*(.+?)\s*$", re.MULTILINE)
GUARDS = "SET LOCAL statement_timeout = '30s'; SET LOCAL lock_timeout = '5s'; SET LOCAL plpgsql.check_asserts = on;"


def discover(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.glob("*.sql") if not p.name.startswith("_"))
    for p in files:
        if not SCENARIO_FILE.match(p.name):
            raise ConfigError(f"{p}: scenario files are named NNNN_lowercase_name.sql (or _name.sql for helpers)")
    return files


def run(conn: psycopg.Connection, folder: Path, files: list[Path]) -> list[Result]:
    """Run `files` (from discover(folder)), each after the folder's _setup.sql."""
    setup_path = folder / "_setup.sql"
    setup = setup_path.read_text(encoding="utf-8") if setup_path.exists() else ""
    return [_run_one(conn, path, setup) for path in files]


def _run_one(conn, path: Path, setup: str) -> Result:
    text = path.read_text(encoding="utf-8")
    scenario_id = path.name[:-4]
    title_match = TITLE.search(text)
    title = title_match.group(1) if title_match else scenario_id.split("_", 1)[1].replace("_", " ")
    started = time.perf_counter()
    status, detail = "pass", ""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(GUARDS)
            if setup:
                conn.execute(setup)
            conn.execute(text)
    except psycopg.Error as exc:
        status = "fail"
        diag = exc.diag
        detail = f"[{exc.sqlstate}] {diag.message_primary or str(exc).strip()}"
        if diag.message_detail:
            detail += f"\n{diag.message_detail}"
        if diag.context:
            detail += f"\ncontext: {diag.context.strip()}"
    return Result(
        id=f"scenario.{scenario_id}",
        category="scenarios",
        title=title,
        status=status,
        object=f"verify/scenarios/{path.name}",
        expected="completes without error",
        actual="completed" if status == "pass" else "raised",
        detail=detail,
        sql=text,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
