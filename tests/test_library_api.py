"""pgsuite as a library (pgsuite.api, docs/library.md): each command's function called as a Python
caller would, against a real server; results come back, nothing is printed, bad input raises
ConfigError before anything connects."""

import pytest
import yaml

from pgsuite import api
from pgsuite.errors import ConfigError
from pgsuite.progress import Step


def test_deploy_verify_lint_status_and_report_through_the_library(empty_db, project_copy, capsys):
    project = api.project(project_copy.root)
    target = api.target(project, empty_db)
    pending = [m["id"] for m in api.plan(project, target).pending]
    assert pending and pending == sorted(pending)
    steps: list[Step] = []
    outcome = api.deploy(project, target, progress=steps.append)
    assert outcome.results.passed and outcome.results.verdict == "PASS", outcome.results.verdict
    assert [s.subject for s in steps if s.what == "applied"] == pending  # one Step per migration, in order
    assert all(s.seconds is not None and s.line().startswith("applied ") for s in steps if s.what == "applied")
    assert outcome.report_paths["md"].is_file() and outcome.report_paths["html"].is_file()
    assert api.plan(project, target).pending == []
    assert {e.state for e in api.migrate_status(project, target)} == {"applied"}
    verified = api.verify(project, target)
    assert verified.passed and {c.category for c in verified.checks} == {"catalog", "lints", "scenarios"}
    assert api.lint(project).passed
    markdown = api.report(project, outcome.results, "md")
    assert outcome.results.run["id"] in markdown
    fleet_file = project_copy.root / "fleet.yaml"
    fleet_file.write_text(yaml.safe_dump({"targets": [{"name": "only", "dsn": empty_db}]}))
    [row] = api.fleet_status(project, api.load_fleet(fleet_file))
    assert row["target"] == "only" and row["head"] == pending[-1] and row["pending"] == []
    assert capsys.readouterr() == ("", "")  # a library prints nothing


def test_bad_input_raises_config_error_naming_file_line_and_key(project_copy):
    project = api.project(project_copy.root)
    fleet_file = project_copy.root / "fleet.yaml"
    fleet_file.write_text("targets:\n  - name: a\n    dsn: x\n  - name: b\n    dsn: y\n    colour: red\n")
    with pytest.raises(ConfigError, match=r"fleet.yaml:6: targets\[1\]\.colour: unknown key"):
        api.load_fleet(fleet_file)
    unreachable = api.target(project, "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    with pytest.raises(ConfigError, match="no such expectations file"):  # refused before it connects
        api.verify(project, unreachable, expect_file=project_copy.root / "verify" / "nope.yaml")
    (project_copy.root / "bench" / "bad.yaml").write_text("cases: {one: SELECT 1}\nbaseline: two\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:2: baseline: must name one of the cases \(one\)"):
        api.bench_workload(project, unreachable, "bad")
