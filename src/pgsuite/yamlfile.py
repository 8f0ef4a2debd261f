"""Every YAML input pgsuite reads (expectations, verify/config.yaml, the fleet file, bench
workloads), one way: parsed as plain data with the line of every key path, then validated by
its format's JSON Schema; the first thing refused is reported as `file:line: key: what`.

Inputs are data, and data from a file someone else may have written (a pull request's): only
plain mappings, lists and scalars are accepted. A tag (`!foo`, `!!python/object`), an alias that
contains itself, or aliases that expand to more than ALIAS_BUDGET nodes (a "billion laughs"
file of a few hundred bytes) is bad input, named by file and line.
"""

from pathlib import Path
from typing import Callable

import yaml

from .errors import ConfigError

# libyaml's parser when PyYAML was built with it (the wheels are): 20x faster on big files
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
ALIAS_BUDGET = 10_000  # nodes an aliased subtree may expand to, over the whole file
MAX_DEPTH = 64  # nesting of mappings and lists; pgsuite's deepest format needs 8
_TAG = "tag:yaml.org,2002:"
PLAIN_SCALARS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null")}
_STRUCTURES = {f"{_TAG}map", f"{_TAG}seq"}

Path_ = tuple  # a key path: ("tables", "appointments", "columns", "id")


def load(path: Path) -> tuple[object, dict[Path_, int]]:
    """The document and {key path: 1-based line}; ConfigError names file and line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        _bounded_depth(path, text)
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    lines: dict[Path_, int] = {}
    return _Converter(path, lines).convert(node, ()), lines


def load_valid(path: Path, schema: dict, explain: Callable | None = None) -> tuple[object, dict[Path_, int]]:
    """load(), then validate() against `schema`: (data, lines) of a document the schema accepts."""
    data, lines = load(path)
    validate(data, path, lines, schema, explain)
    return data, lines


def validate(data, path: Path, lines: dict, schema: dict, explain: Callable | None = None) -> None:
    """ConfigError naming file, line and key for the first thing the schema refuses (first by line).

    A schema says what it expects in `description`; `x-message` replaces the whole message where
    JSON Schema's own would be obscure (of a oneOf, anyOf or not: "exactly one of dsn or dsn_env"). `explain(error)`
    may word an error its own way (return (key path, message)) or leave it to the rules below (None)."""
    import jsonschema  # only when a file is validated (a cached one was already)

    validator = jsonschema.Draft202012Validator(schema)
    # first by line; at one place, a wrong type before what follows from it (a oneOf a string passes twice)
    errors = sorted(validator.iter_errors(data), key=lambda e: (line_of(lines, tuple(e.absolute_path)),
                                                                 list(map(str, e.absolute_path)), e.validator != "type"))
    if errors:
        key, message = (explain and explain(errors[0])) or _explain(errors[0])
        raise error_at(path, lines, key, message)


def error_at(path: Path, lines: dict, key: tuple, message: str) -> ConfigError:
    """The error for what is wrong at `key` (a check the schema cannot make: a duplicate name)."""
    return ConfigError(f"{path}:{line_of(lines, key)}: {dotted(key)}: {message}")


def _explain(error) -> tuple[tuple, str]:
    """(key path, message) in the words of the format, not of JSON Schema."""
    key, schema, value = tuple(error.absolute_path), error.schema, error.instance
    if error.validator == "additionalProperties":
        unknown = sorted(set(value) - set(schema.get("properties", {})))[0]
        return key + (unknown,), f"unknown key (known: {', '.join(schema.get('properties', {}))})"
    if "x-message" in schema and error.validator in ("oneOf", "anyOf", "not"):
        return key, schema["x-message"]
    if error.validator == "required":
        return key, "missing " + ", ".join(sorted(set(schema["required"]) - set(value)))
    parent = error.parent.schema if error.parent else None
    expected = schema.get("description") or (parent or {}).get("description") or error.message
    if error.validator in ("type", "enum"):
        return key, f"expected {expected}, found {kind_of(value)} {value!r}"
    return key, f"{expected}: {error.message}"


def line_of(lines: dict, key: tuple) -> int:
    """The line of `key`, or of its nearest parent that has one."""
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key, 1)


def dotted(key: tuple) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def kind_of(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", str: "a string", type(None): "null",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)


def _bounded_depth(path: Path, text: str) -> None:
    """ConfigError for a document nested deeper than MAX_DEPTH, read as a stream of events (no
    recursion), before anything builds it: a file of a few hundred brackets would otherwise
    exhaust the stack of the code that turns it into data."""
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{path}:{event.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels: "
                                  "not a pgsuite file")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _Converter:
    def __init__(self, file: Path, lines: dict):
        self.file, self.lines = file, lines
        self.seen: set[int] = set()  # nodes converted once: meeting one again is an alias
        self.open: set[int] = set()  # nodes being converted: meeting one of those is recursion
        self.aliased = 0  # nodes expanded through aliases

    def convert(self, node, path: Path_, through_alias: bool = False):
        self.lines[path] = node.start_mark.line + 1 if node is not None else 1
        if node is None:
            return None
        line = node.start_mark.line + 1
        if id(node) in self.open:
            raise ConfigError(f"{self.file}:{line}: an alias that contains itself (recursive YAML) is not allowed")
        through_alias = through_alias or id(node) in self.seen
        if through_alias:
            self.aliased += 1
            if self.aliased > ALIAS_BUDGET:
                raise ConfigError(f"{self.file}:{line}: aliases expand to more than {ALIAS_BUDGET} nodes: "
                                  "write the data out instead")
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line)
        if node.tag not in _STRUCTURES:
            raise ConfigError(f"{self.file}:{line}: YAML tag {node.tag!r} is not allowed: expectations are plain data")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, through_alias)
            return [self.convert(item, path + (i,), through_alias) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node, path: Path_, through_alias: bool) -> dict:
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConfigError(f"{self.file}:{key_node.start_mark.line + 1}: a key must be a plain name")
            key = key_node.value  # keys are names: kept as the text written
            if key_node.tag == f"{_TAG}merge":
                raise ConfigError(f"{self.file}:{key_node.start_mark.line + 1}: merge keys (<<) are not allowed")
            if key in result:
                raise ConfigError(f"{self.file}:{key_node.start_mark.line + 1}: key "
                                  f"{'.'.join(map(str, path + (key,)))} is given twice")
            child = path + (key,)
            result[key] = self.convert(value_node, child, through_alias)
            self.lines[child] = key_node.start_mark.line + 1
        return result

    def _scalar(self, node, line: int):
        if node.tag == f"{_TAG}timestamp":
            return node.value  # a date-like value stays the text written
        if node.tag not in PLAIN_SCALARS:
            raise ConfigError(f"{self.file}:{line}: YAML tag {node.tag!r} is not allowed: expectations are plain data")
        # the composer already resolved each plain scalar's tag (true -> bool, 5 -> int, null -> None)
        if node.tag == f"{_TAG}str":
            return _CONSTRUCTOR.construct_scalar(node)
        return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)


class _Dumper(yaml.SafeDumper):
    """Multi-line text (a function's body) as a literal block, readable and diffable in review. The
    text is kept exactly (verify compares bodies as written): where a block cannot hold it (a line
    ending in a space), PyYAML writes it quoted instead."""


def _text(dumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def dump(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=None, allow_unicode=True,
                     width=200)
