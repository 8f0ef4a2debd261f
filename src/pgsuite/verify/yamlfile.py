"""YAML with line numbers: every key path of a loaded document maps to its line.

Expectations are data, and data from a file someone else may have written: only plain
mappings, lists and scalars are accepted. A tag (`!foo`, `!!python/object`), an alias that
contains itself, or aliases that expand to more than ALIAS_BUDGET nodes (a "billion laughs"
file of a few hundred bytes) is bad input, named by file and line.
"""

from pathlib import Path

import yaml

from ..errors import ConfigError

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
    """Multi-line text (a function's body) as a literal block, readable and diffable in review."""


def _text(dumper, value: str):
    if "\n" in value:
        value = "\n".join(line.rstrip() for line in value.strip("\n").splitlines()) + "\n"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def dump(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=None, allow_unicode=True,
                     width=200)
