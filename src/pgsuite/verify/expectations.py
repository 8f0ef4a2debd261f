"""What the database must be: the declared catalog, settings and lint suppressions.

Files: every verify/*.yaml (merged; an object declared twice is an error), or one file given
with --expect (then verify/config.yaml still supplies settings and suppressions).
The document, its shape taken from the catalog kinds (verify/kinds/):

    roles:      {name: {login, superuser, bypassrls}}
    extensions: {name: {schema, version}}
    schemas:
      <schema>:
        owner: ...          grants: {role: [USAGE, CREATE]}
        tables:    {name: {owner, grants, rls, columns, constraints, indexes, policies, triggers}}
        functions: {"name(argument types)": {kind, arguments, returns, ..., owner, execute}}

Declaring an object is how you expect it: every attribute of a declared column, constraint,
index, policy, trigger or function is compared, and an optional one left out means "none".
A section left out of a schema or table (say, triggers) is not checked. Role names may be
written `${deployer}` (see placeholders.py). The older single-schema form (top-level
`schema:`, `tables:`, `functions:`) is read as that schema's section.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..lints.registry import Suppression, lints
from . import kinds, yamlfile
from .kinds import STR, STRS

SETTINGS = {"drift": STR, "ignore_tables": STRS, "ignore_functions": STRS, "exclude_schemas": STRS}
DEFAULT_IGNORED_TABLES = ["_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock", "yoyo_tmp_*"]
DEFAULT_EXCLUDED_SCHEMAS = ["pgsuite"]  # pgsuite's own ledger
LEGACY_SECTIONS = ("tables", "functions")


@dataclass
class Expectations:
    document: dict = field(default_factory=lambda: {"roles": {}, "extensions": {}, "schemas": {}})
    drift: str = "fail"  # undeclared objects: "fail" or "warn"
    ignore_tables: list[str] = field(default_factory=lambda: list(DEFAULT_IGNORED_TABLES))
    ignore_functions: list[str] = field(default_factory=list)
    exclude_schemas: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDED_SCHEMAS))
    suppress: list[Suppression] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)


def object_spec(kind: kinds.Kind) -> tuple:
    """The expectations schema of one object of `kind`, the kinds declared inside it included."""
    attributes = dict(kind.attributes)
    for child in kinds.children(kind):
        attributes[child.name] = ("map", object_spec(child))
    return ("object", attributes, kind.required)


def document_spec() -> dict:
    spec = {"settings": SETTINGS, "suppress": "suppressions"}
    for kind in kinds.at_level("database"):
        spec[kind.name] = ("map", object_spec(kind))
    schema_spec = object_spec(kinds.by_name("schemas"))[1]
    spec.update({"schema": STR, **{s: schema_spec[s] for s in LEGACY_SECTIONS}})
    return spec


def load(verify_dir: Path, expect_file: Path | None = None) -> Expectations:
    """Load verify/*.yaml, or verify/config.yaml plus `expect_file`."""
    if expect_file is not None:
        files = [p for p in [verify_dir / "config.yaml"] if p.exists()] + [expect_file]
        if not expect_file.exists():
            raise ConfigError(f"{expect_file}: no such expectations file")
    else:
        files = sorted(verify_dir.glob("*.yaml")) if verify_dir.is_dir() else []
        if not files:
            raise ConfigError(f"{verify_dir}: no expectations (*.yaml); write them with `pgsuite verify snapshot`")
    result = Expectations(sources=files)
    seen: dict[tuple, Path] = {}
    spec = document_spec()
    for path in files:
        data, lines = yamlfile.load(path)
        if data is None:
            continue
        _check(data, spec, (), path, lines)
        _merge(result, data, path, lines, seen)
    return result


def _merge(result: Expectations, data: dict, path: Path, lines: dict, seen: dict) -> None:
    settings = data.get("settings") or {}
    if "drift" in settings:
        if settings["drift"] not in ("fail", "warn"):
            raise ConfigError(f"{_where(path, lines, ('settings', 'drift'))} settings.drift: "
                              f"expected fail or warn, found {settings['drift']!r}")
        result.drift = settings["drift"]
    result.ignore_tables += settings.get("ignore_tables", [])
    result.ignore_functions += settings.get("ignore_functions", [])
    result.exclude_schemas += settings.get("exclude_schemas", [])
    known = {lint.id for lint in lints()}
    for i, entry in enumerate(data.get("suppress") or []):
        if entry.get("lint") not in known:
            raise ConfigError(f"{_where(path, lines, ('suppress', i))} suppress[{i}].lint: "
                              f"unknown lint {entry.get('lint')!r}")
        result.suppress.append(Suppression(entry["lint"], entry["object"], entry["reason"]))
    declared = [(kind.name, name, (kind.name, name), spec)
                for kind in kinds.at_level("database") if kind.name != "schemas"
                for name, spec in (data.get(kind.name) or {}).items()]
    for schema, schema_doc in (data.get("schemas") or {}).items():
        schema_doc = schema_doc or {}
        own = {k: v for k, v in schema_doc.items() if k in kinds.by_name("schemas").attributes}
        result.document["schemas"].setdefault(schema, {}).update(own)
        for section in (k.name for k in kinds.at_level("schemas")):
            for name, spec in (schema_doc.get(section) or {}).items():
                declared.append((f"schemas.{schema}.{section}", name, ("schemas", schema, section, name), spec))
    legacy_schema = data.get("schema", "public")
    for section in LEGACY_SECTIONS:
        for name, spec in (data.get(section) or {}).items():
            declared.append((f"schemas.{legacy_schema}.{section}", name, (section, name), spec))
    for where, name, key, spec in declared:
        if (where, name) in seen:
            raise ConfigError(f"{_where(path, lines, key)} {where}.{name} is already declared in {seen[(where, name)]}")
        seen[(where, name)] = path
        section = _section(result.document, where)
        section[name] = spec or {}


def _section(document: dict, where: str) -> dict:
    """The mapping at a dotted place of the document ("roles", "schemas.public.tables"), made if missing."""
    node = document
    for part in where.split("."):
        node = node.setdefault(part, {})
    return node


def _check(value, spec, key: tuple, path: Path, lines: dict) -> None:
    """Validate `value` against `spec`, raising ConfigError naming file, line and key."""
    dotted = ".".join(map(str, key)) or "(document)"
    if spec == "suppressions":
        if not isinstance(value, list):
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected a list of {{lint, object, reason}}")
        for i, entry in enumerate(value):
            if not isinstance(entry, dict) or set(entry) != {"lint", "object", "reason"} or not all(
                isinstance(v, str) and v.strip() for v in entry.values()
            ):
                raise ConfigError(f"{_where(path, lines, key + (i,))} {dotted}[{i}]: a suppression is "
                                  "{lint, object, reason}, each a non-empty string (the reason is required)")
        return
    if isinstance(spec, tuple) and spec[0] == "map":  # names -> spec[1]
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected a mapping of names, found {_kind(value)}")
        for name, item in value.items():
            _check(item if item is not None else {}, spec[1], key + (name,), path, lines)
        return
    if isinstance(spec, tuple) and spec[0] == "object":
        _check_mapping(value, spec[1], key, path, lines)
        missing = spec[2] - set(value)
        if missing:
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: missing {', '.join(sorted(missing))}")
        return
    if isinstance(spec, dict):
        _check_mapping(value, spec, key, path, lines)
        return
    ok = {
        STR: isinstance(value, str),
        kinds.OPTIONAL_STR: value is None or isinstance(value, str),
        kinds.BOOL: isinstance(value, bool),
        STRS: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[spec]
    if not ok:
        raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected {spec}, found {_kind(value)} {value!r}")


def _check_mapping(value, spec: dict, key: tuple, path: Path, lines: dict) -> None:
    dotted = ".".join(map(str, key)) or "(document)"
    if not isinstance(value, dict):
        raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected a mapping, found {_kind(value)}")
    for name, item in value.items():
        if name not in spec:
            raise ConfigError(f"{_where(path, lines, key + (name,))} {dotted}.{name}: unknown key "
                              f"(known: {', '.join(spec)})")
        _check(item, spec[name], key + (name,), path, lines)


def _where(path: Path, lines: dict, key: tuple) -> str:
    while key and key not in lines:
        key = key[:-1]
    return f"{path}:{lines.get(key, 1)}:"


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", str: "a string", type(None): "null"}.get(
        type(value), type(value).__name__)
