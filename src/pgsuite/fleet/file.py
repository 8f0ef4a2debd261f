"""The fleet file: which targets, in which waves, how many at once.

    targets:
      - {name: eu-1, dsn: "host=db1 dbname=app", labels: {region: eu, tier: canary}}
      - name: us-1
        dsn_env: US_1_DSN
        labels: {region: us}
        standbys: [{name: us-1-replica, dsn: "host=db2 dbname=app"}]   # or dsn_env
    waves:                         # optional: default, one wave of every target
      - {name: canary, labels: {tier: canary}}    # the targets with these labels
      - {name: rest, targets: [us-1]}             # or named; `parallel` per wave
    parallel: 4                    # optional: targets at once in a wave (default 4)
    standby_timeout: 60            # optional: seconds a standby may take to replay the deploy

Every target is in exactly one wave, in the file's order; a bad file is refused whole (exit 2)
before any target is touched, naming the entry and what is wrong.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

DEFAULT_PARALLEL = 4
DEFAULT_STANDBY_TIMEOUT = 60

NAME = {"type": "string", "pattern": r"^[^/]*[^/\s][^/]*$", "description": "a non-empty name without '/'"}
ONE_DSN = {  # a target or a standby: its connection string, written out or in an environment variable
    "oneOf": [{"required": ["dsn"], "not": {"required": ["dsn_env"]}},
              {"required": ["dsn_env"], "not": {"required": ["dsn"]}}],
    "x-message": "exactly one of dsn or dsn_env",
}
DSN = {"type": "string", "pattern": r"\S", "description": "a connection string"}
DSN_ENV = {"type": "string", "pattern": r"^\S+$", "description": "the name of an environment variable"}
PARALLEL = {"type": "integer", "minimum": 1, "maximum": 64,
            "description": "a whole number of targets at once, between 1 and 64"}
LABELS = {"type": ["object", "null"], "additionalProperties": {"type": ["string", "number", "boolean"]},
          "description": "a mapping such as {region: eu}"}
SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["targets"],
    "description": "a mapping of targets, and optionally waves, parallel, standby_timeout",
    "properties": {
        "targets": {"type": "array", "minItems": 1, "description": "a list of {name, dsn | dsn_env, labels}",
                    "items": {"type": "object", "additionalProperties": False, "required": ["name"], **ONE_DSN,
                              "description": "a mapping of name, dsn or dsn_env, labels, standbys",
                              "properties": {
                                  "name": NAME, "dsn": DSN, "dsn_env": DSN_ENV, "labels": LABELS,
                                  "standbys": {"type": ["array", "null"], "description": "a list of {name, dsn | dsn_env}",
                                               "items": {"type": "object", "additionalProperties": False,
                                                         "required": ["name"], **ONE_DSN,
                                                         "description": "a mapping of name, and dsn or dsn_env",
                                                         "properties": {"name": NAME, "dsn": DSN,
                                                                        "dsn_env": DSN_ENV}}}}}},
        "waves": {"type": "array", "minItems": 1, "description": "a list of {name, targets | labels, parallel}",
                  "items": {"type": "object", "additionalProperties": False, "required": ["name"],
                            "description": "a mapping with a name, and targets or labels (and parallel)",
                            "oneOf": [{"required": ["targets"]}, {"required": ["labels"]}],
                            "x-message": "exactly one of targets (names) or labels",
                            "properties": {
                                "name": NAME, "parallel": PARALLEL,
                                "targets": {"type": "array", "items": {"type": "string"},
                                            "description": "a list of target names"},
                                "labels": {**LABELS, "type": "object", "minProperties": 1,
                                           "description": "a mapping such as {tier: canary}"}}}},
        "parallel": PARALLEL,
        "standby_timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600,
                            "description": "seconds, more than 0 and at most 3600"},
    },
}


@dataclass(frozen=True)
class Standby:
    name: str
    dsn: str


@dataclass(frozen=True)
class FleetTarget:
    name: str
    dsn: str
    labels: dict = field(default_factory=dict)
    standbys: tuple[Standby, ...] = ()


@dataclass(frozen=True)
class Wave:
    name: str
    targets: tuple[FleetTarget, ...]
    parallel: int


@dataclass(frozen=True)
class Fleet:
    path: Path
    waves: tuple[Wave, ...]
    standby_timeout: float = DEFAULT_STANDBY_TIMEOUT

    @property
    def targets(self) -> list[FleetTarget]:
        return [t for wave in self.waves for t in wave.targets]


def load(path: str | Path, environ=os.environ) -> Fleet:
    """The fleet file, validated whole (its JSON Schema, then names and waves) before any target is touched."""
    from .. import yamlfile

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such fleet file")
    data, lines = yamlfile.load_valid(path, SCHEMA)

    def wrong(key: tuple, message: str) -> ConfigError:
        return yamlfile.error_at(path, lines, key, message)

    parallel = data.get("parallel", DEFAULT_PARALLEL)
    timeout = data.get("standby_timeout", DEFAULT_STANDBY_TIMEOUT)
    targets = _targets(data["targets"], environ, wrong)
    if "waves" not in data:
        return Fleet(path, (Wave("all", tuple(targets), parallel),), timeout)
    by_name = {t.name: t for t in targets}
    placed: dict[str, str] = {}
    waves = []
    for n, wave in enumerate(data["waves"]):
        if "targets" in wave:
            unknown = [x for x in wave["targets"] if x not in by_name]
            if unknown:
                raise wrong(("waves", n, "targets"), f"unknown target(s) {', '.join(unknown)}")
            members = [by_name[x] for x in wave["targets"]]
        else:
            labels = wave["labels"]
            members = [t for t in targets if all(str(t.labels.get(k)) == str(v) for k, v in labels.items())]
            if not members:
                raise wrong(("waves", n, "labels"), f"no target has the labels {labels}")
        for t in members:
            if t.name in placed:
                raise wrong(("waves", n), f"target {t.name} is already in wave {placed[t.name]}")
            placed[t.name] = wave["name"]
        waves.append(Wave(wave["name"], tuple(members), wave.get("parallel", parallel)))
    missing = [t.name for t in targets if t.name not in placed]
    if missing:
        raise wrong(("waves",), f"target(s) in no wave: {', '.join(missing)}")
    return Fleet(path, tuple(waves), timeout)


def _targets(items: list, environ, wrong) -> list[FleetTarget]:
    """The targets and their standbys; a name is used once in the whole file (runs are filed by it)."""
    targets, seen = [], set()
    for n, item in enumerate(items):
        if item["name"] in seen:
            raise wrong(("targets", n, "name"), f"{item['name']} is used twice")
        seen.add(item["name"])
        found = []
        for k, standby in enumerate(item.get("standbys") or []):
            if standby["name"] in seen:
                raise wrong(("targets", n, "standbys", k, "name"), f"{standby['name']} is used twice")
            seen.add(standby["name"])
            found.append(Standby(standby["name"], _dsn(("targets", n, "standbys", k), standby, environ, wrong)))
        labels = {str(key): str(value) for key, value in (item.get("labels") or {}).items()}
        targets.append(FleetTarget(item["name"], _dsn(("targets", n), item, environ, wrong), labels, tuple(found)))
    return targets


def _dsn(key: tuple, item: dict, environ, wrong) -> str:
    if "dsn_env" not in item:
        return item["dsn"]
    dsn = environ.get(item["dsn_env"])
    if not dsn:
        raise wrong(key + ("dsn_env",), f"the environment variable {item['dsn_env']} is not set")
    return dsn
