"""The CI habits of the field, run for real: pgsuite as a pre-commit hook (pre-commit itself
installs the hook from a git repository of pgsuite and runs it on the files a commit changes), and
the example GitHub Actions workflow of docs/ci/ (its shell steps run here, in order, on a pull
request's checkout against a real PostgreSQL, as the runner would run them)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict

from conftest import ADMIN_DSN
from helpers import ROOT, TARGET_VARS
from owners import create_database, database_dsn, drop_database

WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"
RISKY = "-- depends: 0009_validate_input_limits\nALTER TABLE public.customers DROP COLUMN phone;\n"
SAFE = "-- depends: 0009_validate_input_limits\nCREATE TABLE public.notes (id bigint PRIMARY KEY, body text);\n"


def git(cwd: Path, *args) -> str:
    done = subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args], cwd=cwd,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def project_repository(path: Path) -> Path:
    """A repository holding a copy of this project (migrations, sql, verify, lint settings), committed."""
    path.mkdir()
    for part in ("migrations", "sql", "verify"):
        shutil.copytree(ROOT / part, path / part)
    for config in (".squawk.toml", ".sqlfluff"):
        shutil.copy(ROOT / config, path / config)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "the project")
    return path


def add_migration(repo: Path, name: str, text: str) -> None:
    (repo / "migrations" / f"{name}.sql").write_text(text)
    (repo / "migrations" / f"{name}.rollback.sql").write_text("SELECT 1;\n")


def pgsuite_repository(path: Path) -> Path:
    """pgsuite's own files as a git repository, as pre-commit fetches a hook's repository."""
    path.mkdir()
    for part in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / part, path / part)
    shutil.copytree(ROOT / "src", path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "reports" / "templates", path / "reports" / "templates")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "pgsuite")
    return path


def test_the_pre_commit_hook_refuses_a_risky_migration_and_passes_a_safe_one(tmp_path):
    hook_repo = pgsuite_repository(tmp_path / "pgsuite")
    project = project_repository(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if k not in TARGET_VARS}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")  # its own cache of hook environments
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "pgsuite-lint", "--files"]

    add_migration(project, "0010_drop_phone", RISKY)
    git(project, "add", "-A")
    refused = subprocess.run([*pre_commit, "migrations/0010_drop_phone.sql"], cwd=project, env=env,
                             capture_output=True, text=True, timeout=900)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "pgsuite lint" in refused.stdout and "Failed" in refused.stdout
    assert "migrations/0010_drop_phone.sql:2: drops column phone" in refused.stdout

    git(project, "rm", "-qf", "migrations/0010_drop_phone.sql", "migrations/0010_drop_phone.rollback.sql")
    add_migration(project, "0010_notes", SAFE)
    git(project, "add", "-A")
    passed = subprocess.run([*pre_commit, "migrations/0010_notes.sql"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=900)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def workflow_steps() -> tuple[dict, list[dict]]:
    doc = yaml.safe_load(WORKFLOW.read_text())
    job = doc["jobs"]["migrations"]
    return job, job["steps"]


def test_the_workflow_is_what_github_runs():
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert doc[True]["pull_request"]  # YAML 1.1 reads the `on:` key as True
    assert doc["permissions"]["security-events"] == "write"  # what upload-sarif needs
    job, steps = workflow_steps()
    assert job["services"]["postgres"]["image"].startswith("postgres:")
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "github/codeql-action/upload-sarif"]
    assert next(s for s in steps if "uses" in s and "checkout" in s["uses"])["with"]["fetch-depth"] == 0
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "pgsuite.sarif"
    assert next(s for s in steps if s.get("name") == "Install pgsuite")["run"] == "pip install pgsuite"


@pytest.fixture
def service_database():
    """An empty database nobody else holds a session on (so that trace can clone it), as the
    workflow's service container gives."""
    name = create_database(ADMIN_DSN, "postgres", prefix="pgsuite_workflow")
    yield database_dsn(ADMIN_DSN, name, "postgres")
    drop_database(ADMIN_DSN, name)


def test_the_workflows_steps_lint_the_pull_request_and_trace_it_on_a_real_server(service_database, tmp_path):
    """Each `run:` step in order, in a pull request's checkout whose base branch is origin/main, with
    the job's environment pointing at a real server instead of the service container (pgsuite is
    installed here already)."""
    repo = project_repository(tmp_path / "checkout")
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    git(repo, "checkout", "-q", "-b", "pull-request")
    add_migration(repo, "0010_drop_phone", RISKY)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "drop the phone column")

    job, steps = workflow_steps()
    server = conninfo_to_dict(service_database)
    env = {k: v for k, v in os.environ.items() if k not in TARGET_VARS}
    env.update({k: str(v) for k, v in job["env"].items()})
    env.update({"PGHOST": server["host"], "PGPORT": str(server["port"]), "PGUSER": server["user"],
                "PGDATABASE": server["dbname"], "BASE_REF": "main",
                "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"})
    env.pop("PGPASSWORD")  # the test server trusts its clients

    outcomes = {}
    for step in steps:
        if "run" not in step or step["name"] == "Install pgsuite":
            continue
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=600)
        outcomes[step["name"]] = done

    lint = outcomes["Lint what the pull request changes"]
    assert lint.returncode == 1, lint.stdout + lint.stderr  # the DROP COLUMN refused, the step fails
    assert "migrations/0010_drop_phone.sql:2: drops column phone" in lint.stdout
    sarif = json.loads((repo / "pgsuite.sarif").read_text())
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "M003_drop_column"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "migrations/0010_drop_phone.sql"

    trace = outcomes["Rehearse the migrations and show their locks"]
    assert trace.returncode == 1, trace.stdout + trace.stderr  # a breaking change for the API's callers
    assert "trace.0010_drop_phone" in trace.stdout and "took ACCESS EXCLUSIVE on public.customers" in trace.stdout
    assert "column public.customers.phone: dropped" in trace.stdout
    assert (repo / "trace.xml").read_text().startswith("<?xml")
    # the base branch's history was applied for real; the pull request's only on the clone
    status = subprocess.run([sys.executable, "-m", "pgsuite", "migrate", "status", "--format", "json"], cwd=repo,
                            env=env, capture_output=True, text=True)
    states = {e["name"]: e["state"] for e in json.loads(status.stdout)["entries"]}
    assert states["0010_drop_phone"] == "pending" and states["0007_webhook_metric_indexes"] == "applied"


@pytest.fixture(autouse=True)
def _no_stray_worktrees(tmp_path):
    yield
    shutil.rmtree(tmp_path / "base", ignore_errors=True)
