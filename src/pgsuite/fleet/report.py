"""The fleet report: reports/fleets/<run-id>/fleet.{json,md,html,xml}.

A matrix target x category with each verdict, the migration head of each target, the failures
grouped by cause across targets (one line per distinct failure, with the targets it hit), the
waves with their timings, and a link to each target's own report. Derived from the outcomes
only: a target that did not run is NOT RUN, never counted as passed."""

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

import jinja2

from ..errors import ConfigError
from ..report.model import status
from ..render.junit import xml_text
from ..render.report import environment, templates_dir

TEMPLATES = {"md": "fleet.md.j2", "html": "fleet.html.j2"}
VERDICT_STATES = {"PASS": "pass", "FAIL": "fail", "ERROR": "error", "NOT RUN": "not run"}


def document(run: dict, waves, outcomes) -> dict:
    verdicts = [o.verdict for o in outcomes]
    return {"run": run, "verdict": "PASS" if all(v == "PASS" for v in verdicts) else "FAIL",
            "counts": {v: verdicts.count(v) for v in VERDICT_STATES},
            "waves": [asdict(w) for w in waves], "targets": [asdict(o) for o in outcomes]}


def model(doc: dict, folder: Path) -> dict:
    targets = doc["targets"]
    categories: list[str] = []
    causes: dict[tuple, list[str]] = {}
    for name, entry, step in _entries(doc):
        categories += [c for c in entry["categories"] if c not in categories]
        for f in entry["failures"]:
            causes.setdefault((f["status"], f["id"], f["reason"]), []).append(name)
        if entry["verdict"] in ("ERROR", "NOT RUN"):
            causes.setdefault((VERDICT_STATES[entry["verdict"]], step, entry["error"]), []).append(name)
    return {
        "title": "Fleet deployment report",
        "run": doc["run"],
        "verdict": doc["verdict"],
        "verdict_status": status("pass" if doc["verdict"] == "PASS" else "fail"),
        "counts": doc["counts"],
        "categories": categories,
        "waves": [{**w, "status": status(w["state"]),
                   "seconds": "not run" if w["seconds"] is None else f"{w['seconds']} s"} for w in doc["waves"]],
        "rows": [row for t in targets for row in _rows(t, categories, folder)],
        "causes": [{"status": status(state), "check": check, "reason": reason, "targets": ", ".join(names),
                    "count": len(names)} for (state, check, reason), names in
                   sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
    }


def _rows(t: dict, categories: list[str], folder: Path) -> list[dict]:
    """The target's row, then one per standby (its replay and read-only verify)."""
    def cells(found: dict) -> list[dict]:
        return [status(found[c]) if c in found else status("not run") for c in categories]

    rows = [{"name": t["name"], "wave": t["wave"], "labels": ", ".join(f"{k}={v}" for k, v in t["labels"].items()),
             "status": status(VERDICT_STATES[t["verdict"]]),
             "head": t["migration_head"] or ("none applied" if t["run_id"] else "unknown"),
             "cells": cells(t["categories"]), "seconds": f"{t['seconds']} s" if t["verdict"] != "NOT RUN" else "",
             "report": os.path.relpath(t["report"], folder) if t["report"] else ""}]
    for s in t["standbys"]:
        rows.append({"name": f"{t['name']}/{s['name']} (standby)", "wave": t["wave"], "labels": "",
                     "status": status(VERDICT_STATES[s["verdict"]]), "head": rows[0]["head"], "cells": cells(s["categories"]),
                     "seconds": "" if s["replayed_after_s"] is None else f"replayed after {s['replayed_after_s']} s",
                     "report": os.path.relpath(s["report"], folder) if s["report"] else ""})
    return rows


def _entries(doc: dict):
    """(name, entry, what it ran) for every target, each followed by its standbys (target/standby)."""
    for t in doc["targets"]:
        yield t["name"], t, "deploy"
        for s in t["standbys"]:
            yield f"{t['name']}/{s['name']}", s, "standby"


def write(project, doc: dict, folder: Path) -> dict[str, Path]:
    paths = {"json": folder / "fleet.json", "md": folder / "fleet.md", "html": folder / "fleet.html",
             "junit": folder / "fleet.xml"}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths["json"].write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        view = model(doc, folder)
        for fmt in ("md", "html"):
            paths[fmt].write_text(_render(project, fmt, view), encoding="utf-8")
        paths["junit"].write_text(junit(doc), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the fleet report to {folder}: {exc.strerror}") from exc
    return paths


def _render(project, fmt: str, view: dict) -> str:
    """The project's fleet templates when it has them, else the shipped ones."""
    from importlib import resources

    folder = templates_dir(project)
    if not (folder / TEMPLATES[fmt]).is_file():
        folder = Path(str(resources.files("pgsuite.report_templates")))
    try:
        return environment(folder, fmt).get_template(TEMPLATES[fmt]).render(**view)
    except jinja2.exceptions.SecurityError as exc:
        raise ConfigError(f"{folder}/{TEMPLATES[fmt]}: the template does something unsafe, refused by jinja2's "
                          f"sandbox ({exc})") from exc


def junit(doc: dict) -> str:
    """One testsuite per target (and per standby), one testcase per category (and one for the deploy)."""
    suites = ET.Element("testsuites", name="pgsuite fleet", tests="0", failures="0", errors="0")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for entry_name, t, _ in _entries(doc):
        suite = ET.SubElement(suites, "testsuite", name=entry_name)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        cases = [("deploy", {"PASS": "pass", "FAIL": "pass"}.get(t["verdict"], VERDICT_STATES[t["verdict"]]),
                  t["error"])]
        cases += [(category, state, "; ".join(f"{f['id']}: {f['reason']}" for f in t["failures"]
                                              if f["category"] == category))
                  for category, state in t["categories"].items()]
        for case_name, state, message in cases:
            case = ET.SubElement(suite, "testcase", classname=entry_name, name=case_name)
            counts["tests"] += 1
            if state == "fail":
                ET.SubElement(case, "failure", message=_message(message, "failed"))
                counts["failures"] += 1
            elif state == "error":
                ET.SubElement(case, "error", message=_message(message, "error"))
                counts["errors"] += 1
            elif state == "not run":
                ET.SubElement(case, "skipped", message=_message(message, "not run"))
                counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key in ("tests", "failures", "errors"):
        suites.set(key, str(totals[key]))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _message(text: str, default: str) -> str:
    """A case's message: what XML 1.0 can hold (a detail may hold any byte a server sent), 2,000 at most."""
    return xml_text(text or default)[:2000]
