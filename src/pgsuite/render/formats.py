"""Every output format, by name: the one registry behind every command's --format option.

A command's output is either a run's results (the one results model: every format) or a
Document (what `migrate status`, `db status`, `metrics` ... report: text or JSON). Each JSON
shape is documented in docs/json.md and pinned by a JSON Schema in docs/json/.
"""

import json
from dataclasses import dataclass, field
from typing import Callable

import click

FORMATS = {
    "text": "lines for a terminal",
    "json": "one JSON document (docs/json.md)",
    "junit": "JUnit XML, for CI test reports",
    "sarif": "SARIF 2.1.0, for GitHub code scanning",
    "md": "Markdown (the regression report)",
    "html": "self-contained HTML (the regression report)",
}
RESULTS_FORMATS = ("text", "json", "junit", "sarif", "md", "html")


@dataclass
class Document:
    """What a command reports, other than a run's results: its data (the JSON document) and how
    it reads on a terminal."""

    command: str  # "migrate status": names the JSON shape (docs/json/migrate-status.schema.json)
    data: dict
    text: Callable[[], str] = field(repr=False, default=lambda: "")

    def to_dict(self) -> dict:
        return {"command": self.command, **self.data}


def option(*names: str, default: str | None = None):
    """The --format option of a command that renders these formats (names from FORMATS)."""
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}")
    return click.option("--format", "fmt", type=click.Choice(names), default=default or names[0], show_default=True,
                        help="Output: " + "; ".join(f"{n}, {FORMATS[n]}" for n in names) + ".")


def render(output, fmt: str, verbose: bool = False, report=None, project=None) -> str:
    """`output` (a Document or a RunResults) in format `fmt`. `report(fmt)` renders md and html, which
    need the project's templates and a baseline comparison; SARIF locates findings in `project`."""
    if isinstance(output, Document):
        if fmt == "json":
            return json.dumps(output.to_dict(), indent=2, default=str)
        if fmt == "text":
            return output.text()
        raise ValueError(f"{output.command} has no {fmt} format")
    if fmt == "text":
        from . import text

        return text.render(output, verbose)
    if fmt == "json":
        return json.dumps(output.to_dict(), indent=2, default=str)
    if fmt == "junit":
        from . import junit

        return junit.render(output)
    if fmt == "sarif":
        from . import sarif

        return sarif.render(output, project)
    if fmt in ("md", "html") and report is not None:
        return report(fmt)
    raise ValueError(f"no {fmt} rendering here")
