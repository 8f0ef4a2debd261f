"""The conventions every command keeps: --help shows examples and names its arguments (DSN, FILE,
never TEXT), --format comes from the one format registry, and each JSON document a command prints
has its documented shape (docs/json/*.schema.json, listed in docs/json.md)."""

import re

import click
import pytest

from helpers import ROOT
from pgsuite.cli import COMMANDS, main
from pgsuite.render.formats import FORMATS

# commands whose JSON is the one results model (docs/json/results.schema.json)
RESULTS_COMMANDS = {"verify", "lint", "migrate trace", "migrate check-rollback", "report"}
# whose JSON is the expectations format's JSON Schema, not a report
NOT_A_REPORT = {"verify reference"}


def commands():
    """(path, command) of every command, groups included, as `pgsuite --help` reaches them."""
    ctx = click.Context(main, info_name="pgsuite")
    found = []

    def walk(path, command):
        found.append((path, command))
        if isinstance(command, click.Group):
            sub = click.Context(command, info_name=path, parent=ctx)
            for name in command.list_commands(sub):
                walk(f"{path} {name}".strip(), command.get_command(sub, name))

    for name in sorted(COMMANDS):
        walk(name, main.get_command(ctx, name))
    return found


ALL = commands()


def help_text(path: str, command: click.Command) -> str:
    ctx = click.Context(command, info_name=f"pgsuite {path}")
    return command.get_help(ctx)


@pytest.mark.parametrize("path,command", ALL, ids=[p for p, _ in ALL])
def test_help_shows_examples_and_names_every_argument(path, command):
    text = help_text(path, command)
    assert re.search(r"Examples:\n +(\S+=\S+ )?(psql .*)?pgsuite ", text), f"pgsuite {path} --help has no example:\n{text}"
    assert not re.search(r"\bTEXT\b", text), f"pgsuite {path} --help says TEXT where it means a name:\n{text}"
    for param in command.params:
        if param.name == "dsn":
            assert param.metavar == "DSN", path


@pytest.mark.parametrize("path,command", ALL, ids=[p for p, _ in ALL])
def test_every_format_option_comes_from_the_registry(path, command):
    for param in command.params:
        if param.name == "fmt":
            assert set(param.type.choices) <= set(FORMATS), path
            assert param.help.startswith("Output: "), path  # written by formats.option, naming each format


def test_every_json_document_has_its_documented_shape():
    with_json = {path for path, command in ALL for p in command.params if p.name == "fmt" and "json" in p.type.choices}
    schemas = {p.name.removesuffix(".schema.json") for p in (ROOT / "docs" / "json").glob("*.schema.json")}
    missing = sorted(path for path in with_json - RESULTS_COMMANDS - NOT_A_REPORT
                     if path.replace(" ", "-") not in schemas)
    assert not missing, f"no docs/json/<command>.schema.json for: {missing}"
    listed = (ROOT / "docs" / "json.md").read_text()
    assert all(f"json/{name}.schema.json" in listed for name in schemas), "docs/json.md lists every shape"
