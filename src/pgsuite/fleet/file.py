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

TARGET_KEYS = {"name", "dsn", "dsn_env", "labels", "standbys"}
WAVE_KEYS = {"name", "targets", "labels", "parallel"}
DEFAULT_PARALLEL = 4
DEFAULT_STANDBY_TIMEOUT = 60


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
    from ..verify import yamlfile  # plain data only: no tags, no alias bombs

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such fleet file")
    data, _ = yamlfile.load(path)
    if not isinstance(data, dict) or set(data) - {"targets", "waves", "parallel", "standby_timeout"}:
        raise ConfigError(f"{path}: a fleet file is a mapping of targets, and optionally waves, parallel, "
                          "standby_timeout")
    parallel = _parallel(path, "parallel", data.get("parallel", DEFAULT_PARALLEL))
    timeout = data.get("standby_timeout", DEFAULT_STANDBY_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise ConfigError(f"{path}: standby_timeout: seconds, more than 0 and at most 3600")
    targets = _targets(path, data.get("targets"), environ)
    waves_data = data.get("waves")
    if waves_data is None:
        return Fleet(path, (Wave("all", tuple(targets), parallel),), timeout)
    if not isinstance(waves_data, list) or not waves_data:
        raise ConfigError(f"{path}: waves: a list of {{name, targets | labels, parallel}}")
    by_name = {t.name: t for t in targets}
    placed: dict[str, str] = {}
    waves = []
    for n, wave in enumerate(waves_data, 1):
        where = f"{path}: waves[{n}]"
        if not isinstance(wave, dict) or set(wave) - WAVE_KEYS or not isinstance(wave.get("name"), str):
            raise ConfigError(f"{where}: a mapping with a name, and targets or labels (and parallel)")
        if ("targets" in wave) == ("labels" in wave):
            raise ConfigError(f"{where} ({wave['name']}): exactly one of targets (names) or labels")
        if "targets" in wave:
            names = wave["targets"]
            if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
                raise ConfigError(f"{where} ({wave['name']}): targets: a list of target names")
            unknown = [x for x in names if x not in by_name]
            if unknown:
                raise ConfigError(f"{where} ({wave['name']}): unknown target(s) {', '.join(unknown)}")
            members = [by_name[x] for x in names]
        else:
            labels = wave["labels"]
            if not isinstance(labels, dict) or not labels:
                raise ConfigError(f"{where} ({wave['name']}): labels: a mapping such as {{tier: canary}}")
            members = [t for t in targets if all(str(t.labels.get(k)) == str(v) for k, v in labels.items())]
            if not members:
                raise ConfigError(f"{where} ({wave['name']}): no target has the labels {labels}")
        for t in members:
            if t.name in placed:
                raise ConfigError(f"{where} ({wave['name']}): target {t.name} is already in wave {placed[t.name]}")
            placed[t.name] = wave["name"]
        waves.append(Wave(wave["name"], tuple(members),
                          _parallel(where, "parallel", wave.get("parallel", parallel))))
    missing = [t.name for t in targets if t.name not in placed]
    if missing:
        raise ConfigError(f"{path}: waves: target(s) in no wave: {', '.join(missing)}")
    return Fleet(path, tuple(waves), timeout)


def _targets(path: Path, items, environ) -> list[FleetTarget]:
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: targets: a list of {{name, dsn | dsn_env, labels}}")
    targets, seen = [], set()
    for n, item in enumerate(items, 1):
        where = f"{path}: targets[{n}]"
        if not isinstance(item, dict) or set(item) - TARGET_KEYS:
            raise ConfigError(f"{where}: a mapping of {', '.join(sorted(TARGET_KEYS))}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or "/" in name:
            raise ConfigError(f"{where}: name: a non-empty name without '/'")
        if name in seen:
            raise ConfigError(f"{where}: name: {name} is used twice")
        seen.add(name)
        dsn = _dsn(f"{where} ({name})", item, environ)
        labels = item.get("labels") or {}
        if not isinstance(labels, dict):
            raise ConfigError(f"{where} ({name}): labels: a mapping such as {{region: eu}}")
        standbys = item.get("standbys") or []
        if not isinstance(standbys, list):
            raise ConfigError(f"{where} ({name}): standbys: a list of {{name, dsn | dsn_env}}")
        found = []
        for k, standby in enumerate(standbys, 1):
            at = f"{where} ({name}): standbys[{k}]"
            if not isinstance(standby, dict) or set(standby) - {"name", "dsn", "dsn_env"} \
                    or not isinstance(standby.get("name"), str) or not standby["name"].strip():
                raise ConfigError(f"{at}: a mapping of name, and dsn or dsn_env")
            if standby["name"] in seen or "/" in standby["name"]:
                raise ConfigError(f"{at}: name: {standby['name']} is used twice, or holds '/'")
            seen.add(standby["name"])
            found.append(Standby(standby["name"], _dsn(at, standby, environ)))
        targets.append(FleetTarget(name, dsn, {str(k): str(v) for k, v in labels.items()}, tuple(found)))
    return targets


def _dsn(where: str, item: dict, environ) -> str:
    if ("dsn" in item) == ("dsn_env" in item):
        raise ConfigError(f"{where}: exactly one of dsn or dsn_env")
    if "dsn_env" in item:
        dsn = environ.get(str(item["dsn_env"]))
        if not dsn:
            raise ConfigError(f"{where}: dsn_env: the environment variable {item['dsn_env']} is not set")
        return dsn
    if not isinstance(item["dsn"], str) or not item["dsn"].strip():
        raise ConfigError(f"{where}: dsn: a connection string")
    return item["dsn"]


def _parallel(where, key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
        raise ConfigError(f"{where}: {key}: a whole number of targets at once, between 1 and 64")
    return value

