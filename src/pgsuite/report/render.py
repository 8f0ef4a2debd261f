"""Render the report with the project's jinja2 templates (reports/templates/report.md.j2, .html.j2)."""

import json
from pathlib import Path

import jinja2

from ..errors import ConfigError
from ..project import Project
from ..results import RunResults
from . import model
from .baseline import Comparison

FORMATS = {"md": "report.md.j2", "html": "report.html.j2"}


def render(project: Project, results: RunResults, comparison: Comparison, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({**results.to_dict(), "comparison": model.build(results, comparison)["comparison"]},
                          indent=2, default=str)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(project.templates_dir),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,  # a template asking for data the model lacks is a bug, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = markdown_cell
    try:
        template = env.get_template(FORMATS[fmt])
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"{project.templates_dir}/{exc.name}: template not found") from exc
    return template.render(**model.build(results, comparison))


def write_reports(project: Project, results: RunResults, comparison: Comparison, folder: Path) -> dict[str, Path]:
    paths = {}
    for fmt in FORMATS:
        path = folder / f"report.{fmt}"
        try:
            path.write_text(render(project, results, comparison, fmt), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
        paths[fmt] = path
    return paths


def markdown_cell(value) -> str:
    """A value inside a Markdown table cell: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")
