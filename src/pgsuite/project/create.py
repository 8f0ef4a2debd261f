"""`pgsuite init [DIR]`: start a project for a database that already runs.

Writes the folders, verify/config.yaml, verify/schema.yaml (a first snapshot), and a baseline
migration taken from the live schema (migrate/baseline.py), which it records as applied there:
`pgsuite verify` then passes on that database, and `pgsuite deploy` makes the same schema on an
empty one.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from .. import db, queries
from ..errors import ConfigError
from ..migrate import baseline, runner
from ..sql_lint import settings
from . import Project
from ..verify import catalog, snapshot
from ..verify.expectations import DEFAULT_EXCLUDED_SCHEMAS

CONFIG = """\
# How pgsuite verify judges this project (written by `pgsuite init`; the format:
# docs/expectations.md of pgsuite, or `pgsuite verify reference`).
settings:
  # objects verify/ does not declare: fail (or warn)
  drift: fail
  # schemas verify does not look at, besides PostgreSQL's own and pgsuite's ledger
  exclude_schemas: []

# What the project is made of, for the lints that need it (they are "not run" without it):
# project:
#   api_schemas: [public]                          # what an API such as PostgREST serves
#   api_roles: [anon, authenticated]               # who calls it
#   trusted_roles: []                              # API roles that may see every tenant
#   tenant_column: tenant_id                       # the tenant's id, in every tenant table
#   tenant_tables: [public.tenants]                # tenants' tables without that column
#   claim_functions: [auth.uid]                    # what policies call to read the caller

# A lint silenced for an object (or a glob of objects, or a file:line), with a reason:
#   - {lint: 0002_unindexed_foreign_key, object: public.some_table, reason: "append-only, never deleted"}
suppress:{accepted}

# What the catalog lints found in {database} when `pgsuite init` ran: verify reports each as a
# pre-existing warning (never a pass); a new finding fails. Fix one and delete its entry.
accepted:{present}
"""
ACCEPTED = """
  # the baseline is the schema {database} already had: what pgsuite lint's safety gate finds in it
  # was decided before pgsuite (new migrations are judged in full)
  - lint: {rule}
    object: "migrations/{baseline}.sql:*"
    reason: "the schema as it already was in {database} when `pgsuite init` ran"
"""


def _present_findings(conn, schemas: list[str]) -> str:
    """The catalog lints' findings on the live schema, as config entries."""
    from ..catalog_lint import registry

    entries = []
    for check in registry.run(conn, schemas, []):
        for finding in check.findings:
            where = finding.object or finding.where
            if where:
                entries.append(f'\n  - {{lint: {finding.rule}, object: {json.dumps(where)}, reason: "present at init"}}'
                               f'  # {" ".join(finding.message.split())[:100]}')
    conn.commit()
    return "".join(sorted(set(entries))) or " []"


def _baseline_findings(project: Project, migration: Path) -> list[str]:
    """The rules the safety gate would refuse the baseline for (on an empty database)."""
    from ..parse import statements
    from ..sql_lint import run as lint_run  # the linters are heavy: only here

    sql_file = statements.read(migration, f"migrations/{migration.name}", "migration")
    checks = lint_run.safety(project, [sql_file])
    return sorted({f.rule for c in checks for f in c.findings if f.level == "error" and not f.suppressed})


@dataclass(frozen=True)
class Initialised:
    project: Project
    written: list[Path]
    tables: int
    functions: int


def init(root: Path, dsn: str, schemas: list[str] | None = None) -> Initialised:
    if (root / "migrations").is_dir() and any((root / "migrations").iterdir()):
        raise ConfigError(f"{root / 'migrations'} already holds files: init starts a project, it never rewrites one")
    with db.connect(dsn) as conn:
        database = conn.execute("SELECT current_database()").fetchone()[0]
        pg_version = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()[0]
        deployed = any(conn.execute(queries.load("ledger_tables_exist")).fetchone())
        conn.commit()  # the catalog is read in a transaction of its own
        if deployed:
            raise ConfigError(f"database {database} already has pgsuite's migration ledger: a project deploys it "
                              "already; init starts a project for a database pgsuite has not deployed")
        live = catalog.read(conn, DEFAULT_EXCLUDED_SCHEMAS)
        config = root / "verify" / "config.yaml"
        # the lints judge the schema as it is, on the connection that read it
        present = None if config.exists() else _present_findings(conn, list(live.document["schemas"]))
    unknown = sorted(set(schemas or []) - set(live.document["schemas"]))
    if unknown:
        raise ConfigError(f"no schema {', '.join(unknown)} in {database}")
    for folder in ("migrations", "sql", "verify/scenarios"):  # only once nothing refused
        (root / folder).mkdir(parents=True, exist_ok=True)
    project = Project.at(root)
    lint_settings = settings.write_defaults(root, f"{pg_version // 10000}.0")  # before the baseline is judged
    kept = {n: s for n, s in live.document["schemas"].items() if schemas is None or n in schemas}
    roles = sorted(snapshot.roles_used(kept) - {live.deployer})
    migration, rollback = baseline.write(project.migrations_dir,
                                         baseline.dump(dsn, DEFAULT_EXCLUDED_SCHEMAS, schemas), roles, database)
    if present is not None:
        accepted = _baseline_findings(project, migration)
        entries = "".join(ACCEPTED.format(rule=rule, baseline=baseline.BASELINE_ID, database=database)
                          for rule in accepted)
        config.write_text(CONFIG.replace("{accepted}", entries or " []").replace("{present}", present)
                          .replace("{database}", database), encoding="utf-8")
    runner.record_applied(project, dsn, [baseline.BASELINE_ID])
    expectations = root / "verify" / "schema.yaml"
    expectations.write_text(snapshot.snapshot(dsn, schemas), encoding="utf-8")
    return Initialised(project, [migration, rollback, config, expectations, *lint_settings],
                       sum(len(s.get("tables", {})) for s in kept.values()),
                       sum(len(s.get("functions", {})) for s in kept.values()))
