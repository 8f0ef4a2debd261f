"""The documentation stays true: the README is a front door (under 250 lines), every command of
`pgsuite --help` has its page with a heading naming it, every local link resolves, and every
sample is what the command prints today (scripts/docs_samples.py runs them all again)."""

import re
import subprocess
import sys

import pytest

from helpers import ROOT
from test_cli_conventions import ALL

DOCS = ROOT / "docs"
PAGES = {"deploy": "deploy.md", "report": "deploy.md", "verify": "verify.md", "lint": "lint.md",
         "migrate": "migrations.md", "init": "init.md", "bench": "benchmarks.md", "metrics": "metrics.md",
         "db": "db.md"}
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(#[^)]*)?\)")


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 250
    for must in ("## Quick start", "## Commands", "## Exit codes", "<!-- sample: quick-start -->"):
        assert must in text


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[p for p, _ in ALL])
def test_every_command_has_its_docs_page(path):
    group, *rest = path.split()
    page = DOCS / PAGES[group]
    headings = [line for line in page.read_text().splitlines() if line.startswith("#")]
    named = [h for h in headings if f"pgsuite {group}" in h and all(re.search(rf"\b{re.escape(w)}\b", h) for w in rest)]
    assert named, f"no heading of docs/{PAGES[group]} names `pgsuite {path}`"


def test_every_local_link_resolves():
    broken = []
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target, _ in LINK.findall(page.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_every_sample_is_what_the_commands_print_now():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "docs_samples.py"), "--check"],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
