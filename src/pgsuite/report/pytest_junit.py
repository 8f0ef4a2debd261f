"""The project's own pytest suite as checks, read from pytest's JUnit XML."""

import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from ..results import Result


def run_pytest(project_root: Path, junit_path: Path, timeout_s: int = 1800) -> list[Result]:
    """Run `pytest` in the project and read its JUnit XML; a run that produced none is an error."""
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               f"--junitxml={junit_path}"], cwd=project_root, capture_output=True, text=True,
                              timeout=timeout_s)
        tail = "\n".join((proc.stdout or "").strip().splitlines()[-5:])
    except subprocess.TimeoutExpired:
        tail = f"pytest did not finish within {timeout_s} s"
    except OSError as exc:  # no such project folder, no python
        tail = f"pytest could not start: {exc}"
    if not junit_path.exists():
        return [Result("tests.pytest", "tests", "project test suite (pytest)", "error",
                       detail=f"pytest wrote no JUnit XML\n{tail}",
                       duration_ms=round((time.perf_counter() - started) * 1000, 1))]
    return read(junit_path)


def read(junit_path: Path) -> list[Result]:
    try:
        root = ET.parse(junit_path).getroot()
    except (ET.ParseError, OSError) as exc:
        return [Result("tests.pytest", "tests", "project test suite (pytest)", "error",
                       detail=f"{junit_path}: unreadable JUnit XML: {exc}")]
    results = []
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}".strip(".")
        status, detail = "pass", ""
        for tag, label in (("failure", "fail"), ("error", "error"), ("skipped", "skip")):
            element = case.find(tag)
            if element is not None:
                status = label
                detail = (element.get("message") or "").strip()
                if label != "skip" and element.text:
                    detail = (detail + "\n" + element.text.strip().splitlines()[-1]).strip()
                break
        results.append(Result(f"test.{name}", "tests", case.get("name", name), status, object=name,
                              detail=detail, duration_ms=round(float(case.get("time") or 0) * 1000, 1)))
    if not results:
        results.append(Result("tests.pytest", "tests", "project test suite (pytest)", "error",
                              detail=f"{junit_path}: no test case ran"))
    return results
