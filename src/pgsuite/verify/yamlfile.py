"""YAML with line numbers: every key path of a loaded document maps to its line."""

from pathlib import Path

import yaml

from ..errors import ConfigError

# libyaml's parser when PyYAML was built with it (the wheels are): 20x faster on big files
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()

Path_ = tuple  # a key path: ("tables", "appointments", "columns", "id")


def load(path: Path) -> tuple[object, dict[Path_, int]]:
    """The document and {key path: 1-based line}; ConfigError names file and line on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    lines: dict[Path_, int] = {}
    return _convert(node, (), lines, path), lines


def _convert(node, path: Path_, lines: dict, file: Path):
    lines[path] = node.start_mark.line + 1 if node is not None else 1
    if node is None:
        return None
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = key_node.value  # keys are names: kept as the text written
            if key in result:
                raise ConfigError(f"{file}:{key_node.start_mark.line + 1}: key {'.'.join(map(str, path + (key,)))} "
                                  "is given twice")
            child = path + (key,)
            result[key] = _convert(value_node, child, lines, file)
            lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), lines, file) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node):
    # the composer already resolved each scalar's tag (true -> bool, 5 -> int, null -> None)
    return _CONSTRUCTOR.construct_scalar(node) if node.tag == "tag:yaml.org,2002:str" else \
        _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)


def dump(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=None, allow_unicode=True, width=200)
