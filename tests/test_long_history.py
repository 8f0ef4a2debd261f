"""A history of 240 migrations nobody here wrote (tests/long_history.py, golang-migrate's shape),
imported, replayed on an empty database through the gate with no --allow-unsafe, and linted the
way a project that adopted it lints: what is new judged, what was accepted counted and left out
(issue 22, items 2 and 4)."""

import json
import shutil
import subprocess

import pytest
from helpers import pgsuite, query

import long_history

COUNT = 240
NEW = "ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX users_nickname_idx ON users (nickname);\n"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A project holding the imported history (copied per test: tests add files)."""
    base = tmp_path_factory.mktemp("long")
    source = long_history.write(base / "source", COUNT)
    out = pgsuite("--project", str(base / "project"), "migrate", "import", str(source))
    assert out.returncode == 0, out.stderr
    return base / "project"


@pytest.fixture
def project(imported, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(imported, root)
    return root


def with_new_migration(root):
    (root / "migrations" / f"{COUNT + 1:04d}_nickname.sql").write_text(NEW)
    (root / "migrations" / f"{COUNT + 1:04d}_nickname.rollback.sql").write_text("DROP INDEX users_nickname_idx;\n"
                                                                               "ALTER TABLE users DROP COLUMN nickname;\n")


def lint(root, *args):
    out = pgsuite("--project", str(root), "lint", "--format", "json", *args, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def checks(document):
    return {c["id"]: c for c in document["checks"]}


def files_with_findings(document, level="error"):
    return {f["file"] for c in document["checks"] for f in c.get("findings", []) if f["level"] == level}


def test_the_whole_history_replays_on_an_empty_database_through_the_gate(project, empty_db):
    out = pgsuite("--project", str(project), "migrate", "apply", "--dsn", empty_db, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]  # no --allow-unsafe
    assert query(empty_db, "SELECT count(*) FROM public._yoyo_migration") == [(COUNT,)]


def test_lint_judges_what_is_new_and_says_how_many_accepted_migrations_it_left_out(project):
    with_new_migration(project)
    document = lint(project)
    scope = checks(document)["safety.scope"]
    assert scope["status"] == "skip"  # never a pass
    assert scope["detail"].startswith(f"not run on {COUNT} accepted migration(s), imported ({COUNT})")
    assert "1 judged" in scope["detail"]
    assert files_with_findings(document) == {f"migrations/{COUNT + 1:04d}_nickname.sql"}  # the new index: M001


def test_lint_all_judges_the_whole_history(project):
    document = lint(project, "--all")
    assert "safety.scope" not in checks(document)
    assert len(files_with_findings(document)) > 10  # the history's own plain CREATE INDEX, drops, renames


def test_lint_on_a_target_leaves_out_what_is_applied_there(project, empty_db):
    assert pgsuite("--project", str(project), "migrate", "apply", "--dsn", empty_db, timeout=600).returncode == 0
    with_new_migration(project)
    document = lint(project, "--dsn", empty_db)
    assert "applied on the target" in checks(document)["safety.scope"]["detail"]
    assert files_with_findings(document) <= {f"migrations/{COUNT + 1:04d}_nickname.sql"}


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(root)})


def test_lint_since_a_git_ref_judges_what_changed_after_it(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "imported")
    with_new_migration(project)
    document = lint(project, "--since", "HEAD")
    assert "unchanged since HEAD" in checks(document)["safety.scope"]["detail"]
    assert files_with_findings(document) == {f"migrations/{COUNT + 1:04d}_nickname.sql"}


@pytest.mark.parametrize("args,message", [
    (["--since", "no-such-ref"], "--since no-such-ref: git rev-parse failed: not a commit of this repository"),
    (["--since", "HEAD", "--all"], "give --since or --all, not both"),
])
def test_bad_scope_arguments_are_refused(project, args, message):
    git(project, "init", "-q")
    out = pgsuite("--project", str(project), "lint", *args)
    assert out.returncode == 2 and message in out.stderr, out.stderr
