"""`pgsuite deploy --fleet FILE`: several real databases deployed in waves, each exactly as a
single deploy (its own run record and report), one fleet report; a failure stops the later
waves, whose targets are reported as not run and left untouched."""

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ADMIN_DSN
from helpers import ROOT, pgsuite, query
from owners import create_database, database_dsn, drop_database

HEAD = sorted(p.stem for p in ROOT.joinpath("migrations").glob("[0-9]*.sql")
              if not p.stem.endswith(".rollback"))[-1]
UNREACHABLE = "host=127.0.0.1 port=1 dbname=x connect_timeout=2"


@pytest.fixture
def databases():
    """Empty databases on the test server, dropped afterwards."""
    made = []

    def make(count):
        names = [create_database(ADMIN_DSN, "postgres", prefix="pgsuite_fleet") for _ in range(count)]
        made.extend(names)
        return [database_dsn(ADMIN_DSN, name, "postgres") for name in names]

    yield make
    for name in made:
        drop_database(ADMIN_DSN, name)


def fleet_file(tmp_path, targets, waves=None, **extra):
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump({"targets": targets, **({"waves": waves} if waves else {}), **extra}))
    return path


def deploy(project, path, *args, env=None):
    return pgsuite("--project", str(project.root), "deploy", "--fleet", str(path), *args, env=env, timeout=600)


def fleet_doc(project):
    [folder] = sorted((project.root / "reports" / "fleets").iterdir())[-1:]
    return folder, json.loads((folder / "fleet.json").read_text())


def applied_migrations(dsn):
    return query(dsn, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = '_yoyo_migration'")[0][0]


def break_database(dsn):
    """A table in the way of the first migration: its CREATE TABLE fails."""
    query(dsn, "CREATE TABLE public.organizations (id int)")


def test_a_fleet_deploys_in_waves_each_target_with_its_own_run_and_one_fleet_report(databases, project_copy, tmp_path):
    canary, eu, us = databases(3)
    path = fleet_file(tmp_path, [
        {"name": "canary", "dsn": canary, "labels": {"tier": "canary"}},
        {"name": "eu-1", "dsn": eu, "labels": {"region": "eu"}},
        {"name": "us-1", "dsn_env": "PGSUITE_TEST_US_DSN", "labels": {"region": "us"}},
    ], [{"name": "canary", "labels": {"tier": "canary"}}, {"name": "rest", "targets": ["eu-1", "us-1"], "parallel": 2}])
    out = deploy(project_copy, path, "--junit", str(tmp_path / "fleet.xml"), env={"PGSUITE_TEST_US_DSN": us})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASS: 3 of 3 target(s) passed" in out.stdout
    assert "[canary] deploying" in out.stderr and "[us-1] PASS" in out.stderr

    folder, doc = fleet_doc(project_copy)
    assert doc["verdict"] == "PASS" and [w["state"] for w in doc["waves"]] == ["pass", "pass"]
    assert [(t["name"], t["wave"], t["verdict"], t["migration_head"]) for t in doc["targets"]] == [
        ("canary", "canary", "PASS", HEAD), ("eu-1", "rest", "PASS", HEAD), ("us-1", "rest", "PASS", HEAD)]
    # each target's own run, against its own database
    for t, dsn in zip(doc["targets"], (canary, eu, us)):
        run = json.loads((project_copy.root / "reports" / "runs" / t["run_id"] / "results.json").read_text())
        assert run["verdict"] == "PASS" and run["target"]["database"] in dsn and run["target"]["source"] == f"fleet:{t['name']}"
    # the canary's wave finished before the rest started
    assert doc["targets"][0]["run_id"] < min(doc["targets"][1]["run_id"], doc["targets"][2]["run_id"])

    md = (folder / "fleet.md").read_text()
    assert "**Verdict:** ✅ PASS — 3 target(s) passed, 0 failed, 0 could not be deployed, 0 not run." in md
    assert "None: every target passed." in md
    assert f"| canary | canary | tier=canary | ✅ PASS | `{HEAD}` | ✅ PASS |" in md
    assert f"[report](../../runs/{doc['targets'][1]['run_id']}/report.md)" in md
    html = (folder / "fleet.html").read_text()
    assert f'<a href="../../runs/{doc["targets"][2]["run_id"]}/report.html">report</a>' in html
    suites = ET.parse(tmp_path / "fleet.xml").getroot()
    assert [s.get("name") for s in suites] == ["canary", "eu-1", "us-1"] and suites.get("failures") == "0"


def test_a_failing_canary_stops_the_fleet_and_the_rest_is_not_run_and_untouched(databases, project_copy, tmp_path):
    canary, eu, us = databases(3)
    break_database(canary)
    targets = [{"name": "canary", "dsn": canary}, {"name": "eu-1", "dsn": eu}, {"name": "us-1", "dsn": us}]
    waves = [{"name": "canary", "targets": ["canary"]}, {"name": "rest", "targets": ["eu-1", "us-1"]}]
    out = deploy(project_copy, fleet_file(tmp_path, targets, waves))
    assert out.returncode == 1 and "FAIL: 0 of 3 target(s) passed" in out.stdout, out.stdout + out.stderr
    folder, doc = fleet_doc(project_copy)
    assert [(t["name"], t["verdict"]) for t in doc["targets"]] == [("canary", "FAIL"), ("eu-1", "NOT RUN"),
                                                                     ("us-1", "NOT RUN")]
    assert doc["targets"][1]["error"] == "not run: wave canary failed on canary"
    assert [w["state"] for w in doc["waves"]] == ["fail", "not run"]
    assert applied_migrations(eu) == 0 and applied_migrations(us) == 0  # untouched
    md = (folder / "fleet.md").read_text()
    assert "| ⏭️ NOT RUN | `deploy` | not run: wave canary failed on canary | eu-1, us-1 (2) |" in md
    assert "0 failed" not in md and "1 failed" in md and "2 not run" in md

    # --continue-on-failure: the later waves run anyway
    out = deploy(project_copy, fleet_file(tmp_path, targets, waves), "--continue-on-failure")
    assert out.returncode == 1
    _, doc = fleet_doc(project_copy)
    assert [t["verdict"] for t in doc["targets"]] == ["FAIL", "PASS", "PASS"]


def test_failures_are_grouped_by_cause_across_targets_and_an_unreachable_target_is_an_error(
        databases, project_copy, tmp_path):
    one, two, good = databases(3)
    break_database(one)
    break_database(two)
    out = deploy(project_copy, fleet_file(tmp_path, [
        {"name": "one", "dsn": one}, {"name": "two", "dsn": two}, {"name": "good", "dsn": good},
        {"name": "gone", "dsn": UNREACHABLE}], parallel=4))
    assert out.returncode == 1
    folder, doc = fleet_doc(project_copy)
    assert [(t["name"], t["verdict"]) for t in doc["targets"]] == [("one", "FAIL"), ("two", "FAIL"), ("good", "PASS"),
                                                                     ("gone", "ERROR")]
    assert "cannot connect" in doc["targets"][3]["error"] and doc["targets"][3]["migration_head"] is None
    md = (folder / "fleet.md").read_text()
    causes = md[md.index("## Failures by cause"):md.index("## Targets")]
    [line] = [l for l in causes.splitlines() if "`migration.0002_tenants_and_people`" in l]  # one line for the two targets
    assert 'relation "organizations" already exists' in line and line.endswith("| one, two (2) |")
    assert "| gone | all |  | ❌ ERROR | `unknown` |" in md


@pytest.mark.parametrize("content,message", [  # file:line: key: what (the line of yaml.safe_dump's layout)
    ({"targets": []}, "fleet.yaml:1: targets: a list of"),
    ({"targets": [{"name": "a", "dsn": "x"}, {"name": "a", "dsn": "y"}]}, "fleet.yaml:5: targets[1].name: a is used twice"),
    ({"targets": [{"name": "a"}]}, "fleet.yaml:2: targets[0]: exactly one of dsn or dsn_env"),
    ({"targets": [{"name": "a", "dsn": "x", "dsn_env": "X"}]}, "targets[0]: exactly one of dsn or dsn_env"),
    ({"targets": [{"name": "a", "dsn_env": "PGSUITE_NOT_SET_ANYWHERE"}]},
     "targets[0].dsn_env: the environment variable PGSUITE_NOT_SET_ANYWHERE is not set"),
    ({"targets": [{"name": "a", "dsn": "x", "standbys": ["y"]}]},
     "fleet.yaml:5: targets[0].standbys[0]: expected a mapping of name, and dsn or dsn_env, found a string 'y'"),
    ({"targets": [{"name": "a", "dsn": "x", "standbys": [{"name": "r"}]}]},
     "fleet.yaml:5: targets[0].standbys[0]: exactly one of dsn or dsn_env"),
    ({"targets": [{"name": "a", "dsn": "x", "standbys": [{"name": "a", "dsn": "y"}]}]},
     "targets[0].standbys[0].name: a is used twice"),
    ({"targets": [{"name": "a/b", "dsn": "x"}]}, "targets[0].name: a non-empty name without '/'"),
    ({"targets": [{"name": "a", "dsn": "x"}], "standby_timeout": 0}, "fleet.yaml:1: standby_timeout: seconds"),
    ({"targets": [{"name": "a", "dsn": "x"}], "waves": [{"name": "w", "targets": ["b"]}]},
     "fleet.yaml:6: waves[0].targets: unknown target(s) b"),
    ({"targets": [{"name": "a", "dsn": "x"}, {"name": "b", "dsn": "y"}], "waves": [{"name": "w", "targets": ["a"]}]},
     "waves: target(s) in no wave: b"),
    ({"targets": [{"name": "a", "dsn": "x"}],
      "waves": [{"name": "w", "targets": ["a"]}, {"name": "v", "targets": ["a"]}]},
     "fleet.yaml:8: waves[1]: target a is already in wave w"),
    ({"targets": [{"name": "a", "dsn": "x"}], "waves": [{"name": "w", "labels": {"tier": "canary"}}]},
     "fleet.yaml:5: waves[0].labels: no target has the labels"),
    ({"targets": [{"name": "a", "dsn": "x"}], "waves": [{"name": "w"}]},
     "waves[0]: exactly one of targets (names) or labels"),
    ({"targets": [{"name": "a", "dsn": "x"}], "parallel": 0}, "parallel: a whole number of targets at once"),
    ({"targets": [{"name": "a", "dsn": "x"}], "regions": 3},
     "fleet.yaml:1: regions: unknown key (known: targets, waves, parallel, standby_timeout)"),
    (["a"], "(document): expected a mapping of targets"),
])
def test_a_bad_fleet_file_exits_2_before_any_target_is_touched(project_copy, tmp_path, content, message):
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(content))
    out = deploy(project_copy, path)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert not (project_copy.root / "reports" / "fleets").exists()


def test_fleet_options_that_do_not_go_together_exit_2(project_copy, tmp_path):
    path = fleet_file(tmp_path, [{"name": "a", "dsn": UNREACHABLE}])
    out = deploy(project_copy, path, "--dsn", UNREACHABLE)
    assert out.returncode == 2 and "--dsn cannot be used with --fleet" in out.stderr
    out = pgsuite("--project", str(project_copy.root), "deploy", "--continue-on-failure", "--dsn", UNREACHABLE)
    assert out.returncode == 2 and "--continue-on-failure goes with --fleet" in out.stderr
    out = deploy(project_copy, tmp_path / "nope.yaml")
    assert out.returncode == 2 and "nope.yaml: no such fleet file" in out.stderr


def test_drift_across_the_fleet_names_what_differs_where(databases, project_copy, tmp_path):
    reference, same, drifted, also = databases(4)
    targets = [{"name": n, "dsn": d} for n, d in
               (("reference", reference), ("same", same), ("drifted", drifted), ("also", also))]
    path = fleet_file(tmp_path, targets, parallel=4)
    assert deploy(project_copy, path).returncode == 0
    query(drifted, "ALTER TABLE public.customers ADD COLUMN nickname text")
    query(drifted, "CREATE INDEX customers_nickname_idx ON public.customers (nickname)")
    query(also, "ALTER TABLE public.customers ADD COLUMN nickname text")

    out = pgsuite("--project", str(project_copy.root), "verify", "--fleet", str(path), "--against", "reference")
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("reference") and " PASS " in lines[0] and " PASS " in lines[1]
    assert "catalog.table.public.customers.columns: column nickname: found, not declared  [on drifted, also]" in out.stdout
    assert "catalog.table.public.customers.indexes: index customers_nickname_idx: found, not declared  [on drifted]" \
        in out.stdout
    assert "FAIL: 2 of 4 target(s) match the catalog of reference" in out.stdout

    as_json = pgsuite("--project", str(project_copy.root), "verify", "--fleet", str(path), "--against", "drifted",
                      "--format", "json")
    differences = json.loads(as_json.stdout)["differences"]
    assert {(d["check"].rsplit(".", 1)[1], tuple(d["targets"])) for d in differences} == {
        ("columns", ("reference", "same")),  # also has the column, not the index
        ("indexes", ("reference", "same", "also"))}

    unknown = pgsuite("--project", str(project_copy.root), "verify", "--fleet", str(path), "--against", "nope")
    assert unknown.returncode == 2 and "--against nope: no such target" in unknown.stderr
    lonely = pgsuite("--project", str(project_copy.root), "verify", "--against", "reference", "--dsn", UNREACHABLE)
    assert lonely.returncode == 2 and "--against goes with --fleet" in lonely.stderr

    # the plain fleet verify: every target against verify/, the drifted ones fail on the column
    plain = pgsuite("--project", str(project_copy.root), "verify", "--fleet", str(path), "--no-scenarios")
    assert plain.returncode == 1 and "FAIL: 2 of 4 target(s) match verify/" in plain.stdout


def test_migrate_status_across_the_fleet(databases, project_copy, tmp_path):
    done, fresh = databases(2)
    assert pgsuite("--project", str(project_copy.root), "deploy", "--dsn", done).returncode == 0
    path = fleet_file(tmp_path, [{"name": "done", "dsn": done}, {"name": "fresh", "dsn": fresh},
                                 {"name": "gone", "dsn": UNREACHABLE}])
    out = pgsuite("--project", str(project_copy.root), "migrate", "status", "--fleet", str(path))
    assert out.returncode == 1
    pending = len(list(project_copy.migrations_dir.glob("[0-9]*.sql"))) - len(
        list(project_copy.migrations_dir.glob("*.rollback.sql")))
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["done", "head", HEAD, "0", "pending"]
    assert lines[1].split()[:5] == ["fresh", "head", "none", str(pending), "pending,"] and "changed" in lines[1]
    assert lines[2].startswith("gone") and "ERROR  cannot connect" in lines[2]
