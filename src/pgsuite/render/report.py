"""Render the report with jinja2: the project's reports/templates/ when it has them, else the
templates pgsuite ships (the same files: pgsuite.report_templates in the wheel).

Everything a template prints is escaped for its format: HTML by jinja2's autoescape, Markdown
by report.markdown (filters code, block and cell print Markdown on purpose)."""

import functools
import json
from importlib import resources
from pathlib import Path

import jinja2
import jinja2.sandbox

from ..errors import ConfigError
from ..project import Project
from ..render import junit
from ..results import RunResults
from ..report import model
from . import markdown
from ..report.baseline import Comparison

FORMATS = {"md": "report.md.j2", "html": "report.html.j2"}


def render(project: Project, results: RunResults, comparison: Comparison, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({**results.to_dict(), "comparison": model.build(results, comparison)["comparison"]},
                          indent=2, default=str)
    if fmt == "junit":
        return junit.render(results)
    env = environment(templates_dir(project), fmt)
    try:
        template = env.get_template(FORMATS[fmt])
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"{templates_dir(project)}/{exc.name}: template not found") from exc
    try:
        return template.render(**model.build(results, comparison))
    except jinja2.exceptions.SecurityError as exc:
        raise ConfigError(f"{templates_dir(project)}/{FORMATS[fmt]}: the template does something unsafe, refused "
                          f"by jinja2's sandbox ({exc})") from exc


def templates_dir(project: Project) -> Path:
    own = project.templates_dir
    if (own / FORMATS["md"]).is_file():
        return own
    return Path(str(resources.files("pgsuite.report_templates")))


@functools.lru_cache(maxsize=16)
def environment(templates: Path, fmt: str) -> jinja2.sandbox.ImmutableSandboxedEnvironment:
    """One per folder and format for the process: its templates are compiled once (a fleet renders
    a report per target). jinja2 environments are safe to share between threads."""
    options = {"finalize": markdown.finalize} if fmt == "md" else {}
    # sandboxed: the project's own templates come with its checkout (a pull request's, in CI), and a
    # plain environment lets a template reach Python's objects ({{ ''.__class__.__mro__ ... }})
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,  # a template asking for data the model lacks is a bug, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update({"code": markdown.code, "cellcode": markdown.cell_code, "block": markdown.block,
                        "cell": markdown.cell})
    return env


def write_reports(project: Project, results: RunResults, comparison: Comparison, folder: Path,
                  junit_path: Path | None = None) -> dict[str, Path]:
    paths = {fmt: folder / f"report.{fmt}" for fmt in FORMATS}
    if junit_path is not None:
        paths["junit"] = junit_path
    for fmt, path in paths.items():
        try:
            path.write_text(render(project, results, comparison, fmt), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
    return paths
