"""What the database must be: the declared catalog, settings and lint suppressions.

Files: every verify/*.yaml (merged; an object declared twice is an error), or one file given
with --expect (then verify/config.yaml still supplies settings and suppressions).
Declaring an object is how you expect it: every attribute of a declared column, constraint,
index, policy, trigger or function is compared, and an optional one left out means "none".
A section left out of a table (say, triggers) is not checked.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..lints.registry import Suppression, lints
from . import yamlfile

STR, BOOL, STRS = "a string", "true or false", "a list of strings"
OPTIONAL_STR = "a string or null"

COLUMN = {"type": STR, "nullable": BOOL, "default": OPTIONAL_STR, "identity": OPTIONAL_STR}
CONSTRAINT = {"type": STR, "columns": STRS, "references": STR, "on_delete": STR, "on_update": STR,
              "definition": STR}
INDEX = {"unique": BOOL, "method": STR, "keys": STRS, "include": STRS, "predicate": OPTIONAL_STR}
POLICY = {"command": STR, "permissive": BOOL, "roles": STRS, "using": OPTIONAL_STR, "with_check": OPTIONAL_STR}
TRIGGER = {"definition": STR}
TABLE = {
    "rls": {"enabled": BOOL, "forced": BOOL},
    "grants": ("map", STRS),
    "columns": ("map", COLUMN),
    "constraints": ("map", CONSTRAINT),
    "indexes": ("map", INDEX),
    "policies": ("map", POLICY),
    "triggers": ("map", TRIGGER),
}
FUNCTION = {"kind": STR, "arguments": STR, "returns": OPTIONAL_STR, "language": STR, "volatility": STR,
            "security_definer": BOOL, "config": STRS, "owner": STR, "execute": STRS}
SETTINGS = {"drift": STR, "ignore_tables": STRS, "ignore_functions": STRS}
DOCUMENT = {
    "schema": STR,
    "settings": SETTINGS,
    "suppress": "suppressions",
    "extensions": ("map", {"schema": STR, "version": STR}),
    "roles": ("map", {"login": BOOL, "superuser": BOOL, "bypassrls": BOOL}),
    "tables": ("map", TABLE),
    "functions": ("map", FUNCTION),
}
REQUIRED = {id(COLUMN): {"type", "nullable"}, id(CONSTRAINT): {"type"}, id(INDEX): {"method", "keys"},
            id(POLICY): {"command", "roles"}, id(TRIGGER): {"definition"}}
DEFAULT_IGNORED_TABLES = ["_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock", "yoyo_tmp_*"]


@dataclass
class Expectations:
    schema: str = "public"
    drift: str = "fail"  # undeclared objects: "fail" or "warn"
    ignore_tables: list[str] = field(default_factory=lambda: list(DEFAULT_IGNORED_TABLES))
    ignore_functions: list[str] = field(default_factory=list)
    suppress: list[Suppression] = field(default_factory=list)
    extensions: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)


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
    for path in files:
        data, lines = yamlfile.load(path)
        if data is None:
            continue
        _check(data, DOCUMENT, (), path, lines)
        _merge(result, data, path, lines, seen)
    return result


def _merge(result: Expectations, data: dict, path: Path, lines: dict, seen: dict) -> None:
    if "schema" in data:
        result.schema = data["schema"]
    settings = data.get("settings") or {}
    if "drift" in settings:
        if settings["drift"] not in ("fail", "warn"):
            raise ConfigError(f"{_where(path, lines, ('settings', 'drift'))} settings.drift: "
                              f"expected fail or warn, found {settings['drift']!r}")
        result.drift = settings["drift"]
    result.ignore_tables += settings.get("ignore_tables", [])
    result.ignore_functions += settings.get("ignore_functions", [])
    known = {lint.id for lint in lints()}
    for i, entry in enumerate(data.get("suppress") or []):
        key = ("suppress", i)
        if entry.get("lint") not in known:
            raise ConfigError(f"{_where(path, lines, key)} suppress[{i}].lint: unknown lint {entry.get('lint')!r}")
        result.suppress.append(Suppression(entry["lint"], entry["object"], entry["reason"]))
    for section in ("extensions", "roles", "tables", "functions"):
        for name, spec in (data.get(section) or {}).items():
            if (section, name) in seen:
                raise ConfigError(f"{_where(path, lines, (section, name))} {section}.{name} is already declared in "
                                  f"{seen[(section, name)]}")
            seen[(section, name)] = path
            getattr(result, section)[name] = spec or {}


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
    if isinstance(spec, tuple):  # ("map", spec of each value)
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected a mapping of names, found {_kind(value)}")
        for name, item in value.items():
            _check(item if item is not None else {}, spec[1], key + (name,), path, lines)
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected a mapping, found {_kind(value)}")
        for name, item in value.items():
            if name not in spec:
                raise ConfigError(f"{_where(path, lines, key + (name,))} {dotted}.{name}: unknown key "
                                  f"(known: {', '.join(spec)})")
            _check(item, spec[name], key + (name,), path, lines)
        missing = REQUIRED.get(id(spec), set()) - set(value)
        if missing:
            raise ConfigError(f"{_where(path, lines, key)} {dotted}: missing {', '.join(sorted(missing))}")
        return
    ok = {
        STR: isinstance(value, str),
        OPTIONAL_STR: value is None or isinstance(value, str),
        BOOL: isinstance(value, bool),
        STRS: isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[spec]
    if not ok:
        raise ConfigError(f"{_where(path, lines, key)} {dotted}: expected {spec}, found {_kind(value)} {value!r}")


def _where(path: Path, lines: dict, key: tuple) -> str:
    while key and key not in lines:
        key = key[:-1]
    return f"{path}:{lines.get(key, 1)}:"


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", str: "a string", type(None): "null"}.get(
        type(value), type(value).__name__)
