"""What the database must be: the declared catalog, settings and lint suppressions.

Files: every verify/*.yaml (merged; an object declared twice is an error), or one file given
with --expect (then verify/config.yaml still supplies settings and suppressions). Each file is
validated against the document's JSON Schema (made from the catalog kinds, verify/kinds/; also
the format's reference, docs/expectations.md), and an error names file, line and key.

Declaring an object is how you expect it: every attribute of a declared column, constraint,
policy, trigger, view, sequence, type or function is compared, and an optional one left out
means "none" (tables, schemas, indexes, roles and extensions: only what is declared). A section
left out of a schema or table (say, triggers) is not checked. Role names may be written
`${deployer}` (see placeholders.py). The older single-schema form (top-level `schema:`,
`tables:`, `functions:`) is read as that schema's section.
"""

import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .. import check_ids
from ..content_cache import ContentCache
from ..errors import ConfigError
from ..catalog_lint.registry import Suppression
from . import kinds
from .kinds import STR, STRS

DEFAULT_IGNORED_TABLES = ["_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock", "yoyo_tmp_*"]
DEFAULT_EXCLUDED_SCHEMAS = ["pgsuite"]  # pgsuite's own ledger
LEGACY_SECTIONS = ("tables", "functions")
NON_EMPTY = {"type": "string", "minLength": 1, "pattern": r"\S", "description": "a non-empty string"}
PROJECT = {  # what a project is made of, for the lints: nothing of it is pgsuite's own
    "api_schemas": STRS, "api_roles": STRS, "trusted_roles": STRS, "tenant_column": STR,
    "tenant_tables": STRS, "claim_functions": STRS, "unused_index_days": kinds.INT,
}


@dataclass
class ProjectFacts:
    """This project's knowledge, from verify/config.yaml's `project:`: the lints read it."""

    api_schemas: list[str] = field(default_factory=list)  # what PostgREST (or the like) exposes
    api_roles: list[str] = field(default_factory=list)  # untrusted: the API's callers
    trusted_roles: list[str] = field(default_factory=list)  # API roles that may bypass tenancy
    tenant_column: str = ""  # the column naming the tenant in every tenant table
    tenant_tables: list[str] = field(default_factory=list)  # tables without that column that are tenants'
    claim_functions: list[str] = field(default_factory=list)  # what policies call to read the caller's claim
    unused_index_days: int = 7  # statistics younger than this cannot call an index unused


@dataclass
class Expectations:
    document: dict = field(default_factory=lambda: {"roles": {}, "extensions": {}, "schemas": {}})
    drift: str = "fail"  # undeclared objects: "fail" or "warn"
    ignore_tables: list[str] = field(default_factory=lambda: list(DEFAULT_IGNORED_TABLES))
    ignore_functions: list[str] = field(default_factory=list)
    exclude_schemas: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDED_SCHEMAS))
    suppress: list[Suppression] = field(default_factory=list)
    project: ProjectFacts = field(default_factory=ProjectFacts)
    sources: list[Path] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)  # "kind.attribute": differences deliberately ignored
    function_bodies: str = "as written"  # or "normalised": whitespace and comments ignored


def object_schema(kind: kinds.Kind) -> dict:
    """The JSON Schema of one object of `kind`, the kinds declared inside it included."""
    properties = dict(kind.attributes)
    for child in kinds.children(kind):
        properties[child.name] = {"type": "object", "additionalProperties": object_schema(child),
                                  "description": f"a mapping of {child.label()} names"}
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": sorted(kind.required), "description": f"a {kind.label()}", "x-kind": kind.name}


@cache
def document_schema() -> dict:
    """The JSON Schema of an expectations file: the format's reference (docs/expectations.md)."""
    settings = {"drift": {"enum": ["fail", "warn"], "description": "fail or warn"}, "ignore_tables": STRS,
                "ignore_functions": STRS, "exclude_schemas": STRS,
                "not_compared": {"type": "array",
                                 "items": {"enum": _attribute_names(), "description": "a KIND.ATTRIBUTE that verify "
                                           "compares (docs/expectations.md lists them)"},
                                 "description": "a list of KIND.ATTRIBUTE (functions.cost, columns.statistics, ...)"},
                "function_bodies": {"enum": ["as written", "normalised"],
                                    "description": "as written or normalised"}}
    suppression = {"type": "object", "required": ["lint", "object", "reason"], "additionalProperties": False,
                   "description": "a suppression is {lint, object, reason}, each a non-empty string (the reason "
                                  "is required)",
                   "properties": {"lint": {"pattern": check_ids.pattern(), "description": "a known lint"},
                                  "object": NON_EMPTY, "reason": NON_EMPTY}}
    properties = {
        "settings": kinds.mapping(settings),
        "project": kinds.mapping(PROJECT),
        "suppress": {"type": "array", "items": suppression, "description": "a list of {lint, object, reason}"},
        "accepted": {"type": "array", "items": suppression,
                     "description": "a list of {lint, object, reason}: findings the schema had when the project "
                                    "began (pgsuite init), reported as pre-existing warnings, never as passes"},
    }
    for kind in kinds.at_level("database"):
        properties[kind.name] = {"type": "object", "additionalProperties": object_schema(kind),
                                 "description": f"a mapping of {kind.label()} names"}
    schema_spec = object_schema(kinds.by_name("schemas"))["properties"]
    properties.update({"schema": STR, **{s: schema_spec[s] for s in LEGACY_SECTIONS}})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "pgsuite expectations",
            "type": "object", "properties": properties, "additionalProperties": False,
            "description": "a mapping"}


def _attribute_names() -> list[str]:
    """What settings.not_compared may name: every attribute of every kind."""
    return sorted(f"{k.name}.{a}" for k in kinds.all_kinds() for a in k.attributes)


def load(verify_dir: Path, expect_file: Path | None = None, cache_dir: Path | None = None) -> Expectations:
    """Load verify/*.yaml, or verify/config.yaml plus `expect_file`. `cache_dir` keeps each file's
    parsed and validated form, keyed by its content (a big file parses once, not every run)."""
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
    cache = _parsed_cache(cache_dir) if cache_dir else None
    for path in files:
        content = path.read_bytes()
        data, lines = (cache.get(content) if cache else None) or (None, None)
        if lines is None:
            from .. import yamlfile  # only when a file is parsed (a cached one was already)

            data, lines = yamlfile.load(path)
            if data is None:
                continue
            validate(data, path, lines)
            if cache:
                cache.put(content, (data, lines))
                cache.prune()
        _merge(result, data, path, lines, seen)
    return result


def _parsed_cache(folder: Path) -> ContentCache:
    """Validated documents by their file's content, the format and the Python they were made by.
    The format is named by the code it is made from (this module, the kinds, the lint and rule
    names): hashing those files costs far less than building the schema (which imports pglast)."""
    package = Path(__file__).resolve().parents[1]
    salt = [sys.version, *check_ids.catalog_lints(), *check_ids.sql_rules()]
    for source in [Path(__file__), *sorted((package / "verify" / "kinds").glob("*.py"))]:
        salt.append(source.read_text(encoding="utf-8"))
    return ContentCache(folder, "\0".join(salt).encode())


def validate(data, path: Path, lines: dict) -> None:
    """ConfigError naming file, line and key for the first thing the expectations schema refuses."""
    from .. import yamlfile

    yamlfile.validate(data, path, lines, document_schema(), _explain)


def _explain(error) -> tuple[tuple, str] | None:
    """A suppression's errors in its own words; the rest as every YAML input words them."""
    key, schema, value = tuple(error.absolute_path), error.schema, error.instance
    if error.validator == "required" and "suppression" in schema.get("description", ""):
        return key, schema["description"]
    if error.validator in ("enum", "pattern") and schema.get("description") == "a known lint":
        return key, f"unknown lint {value!r}"
    if error.validator in ("minLength", "pattern") and key and key[0] == "suppress":
        return key[:2], _suppression_description()
    if error.validator == "type" and key and key[0] == "suppress" and len(key) == 2:
        return key, _suppression_description()
    return None


def load_suppressions(config: Path) -> list[Suppression]:
    """Only the suppressions of verify/config.yaml (what `pgsuite lint` needs of it), validated."""
    data = _config(config)
    return ([Suppression(e["lint"], e["object"], e["reason"]) for e in data.get("suppress") or []]
            + [Suppression(e["lint"], e["object"], e["reason"], "accepted") for e in data.get("accepted") or []])


def load_project(config: Path) -> dict:
    """Only the `project:` block of verify/config.yaml, validated."""
    return _config(config).get("project") or {}


def _config(config: Path) -> dict:
    from .. import yamlfile

    data, lines = yamlfile.load(config)
    if data is None:
        return {}
    validate(data, config, lines)
    return data


def _suppression_description() -> str:
    return document_schema()["properties"]["suppress"]["items"]["description"]


def _merge(result: Expectations, data: dict, path: Path, lines: dict, seen: dict) -> None:
    settings = data.get("settings") or {}
    if "drift" in settings:
        result.drift = settings["drift"]
    result.ignore_tables += settings.get("ignore_tables", [])
    result.ignore_functions += settings.get("ignore_functions", [])
    result.exclude_schemas += settings.get("exclude_schemas", [])
    result.not_compared += [a for a in settings.get("not_compared", []) if a not in result.not_compared]
    result.function_bodies = settings.get("function_bodies", result.function_bodies)
    for name, value in (data.get("project") or {}).items():
        setattr(result.project, name, value)
    for entry in data.get("suppress") or []:
        result.suppress.append(Suppression(entry["lint"], entry["object"], entry["reason"]))
    for entry in data.get("accepted") or []:
        result.suppress.append(Suppression(entry["lint"], entry["object"], entry["reason"], "accepted"))
    declared = [(kind.name, name, (kind.name, name), spec)
                for kind in kinds.at_level("database") if kind.name != "schemas"
                for name, spec in (data.get(kind.name) or {}).items()]
    for schema, schema_doc in (data.get("schemas") or {}).items():
        schema_doc = schema_doc or {}
        own = {k: v for k, v in schema_doc.items() if k in kinds.by_name("schemas").attributes}
        result.document["schemas"].setdefault(schema, {}).update(own)
        for section in (k.name for k in kinds.at_level("schemas")):
            if section in schema_doc:  # declared, if empty: anything found in it is drift
                result.document["schemas"][schema].setdefault(section, {})
            for name, spec in (schema_doc.get(section) or {}).items():
                declared.append((f"schemas.{schema}.{section}", name, ("schemas", schema, section, name), spec))
    legacy_schema = data.get("schema", "public")
    for section in LEGACY_SECTIONS:
        for name, spec in (data.get(section) or {}).items():
            declared.append((f"schemas.{legacy_schema}.{section}", name, (section, name), spec))
    for where, name, key, spec in declared:
        if (where, name) in seen:
            from .. import yamlfile

            raise ConfigError(f"{path}:{yamlfile.line_of(lines, key)}: {where}.{name} is already declared in "
                              f"{seen[(where, name)]}")
        seen[(where, name)] = path
        _section(result.document, where)[name] = spec or {}


def _section(document: dict, where: str) -> dict:
    """The mapping at a dotted place of the document ("roles", "schemas.public.tables"), made if missing."""
    node = document
    for part in where.split("."):
        node = node.setdefault(part, {})
    return node
