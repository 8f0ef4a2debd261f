"""`pgsuite bench run NAME`: a project's SQL workload (bench/NAME.yaml), timed case against a
baseline case in the same run, on a scratch database with the project's schema.

The workload file says what the project's own functions are measured against; pgsuite only
runs it (so this module knows nothing of bookings or webhooks):

    description: one line
    setup: fill.sql          # run once on the migrated scratch database, then VACUUM ANALYZE
                             # (or a list of files, run in order)
    settings: {rows: 1000}   # readable in the setup as current_setting('pgsuite.bench.rows')
    repeat: 200              # runs of each case (a warm-up of repeat/10 is not counted)
    fresh: false             # true: each run on a fresh copy of the set-up database (a case that
                             # deletes what the next run needs)
    writer: INSERT ...       # optional: run in a loop on another connection during each run;
                             # its longest wait is reported per case
    baseline: bare insert    # the case every other is divided by
    cases:                   # name: SQL; %(i)s is the run's number (distinct rows per run;
                             # with it, write a literal % as %%)
      bare insert: INSERT ...
      book: SELECT ...
    check: SELECT ...        # optional: after each case, must return true (say, no overlap)
    clients: [1, 16]         # optional: run each case with pgbench, that many clients at once
    duration: 10             # seconds per case and client count (with clients)
    max_tries: 10            # pgbench retries a transaction that failed to serialize (40001, 40P01)
    thresholds: [...]        # limits on the results, and regression_tolerance: see bench.judge

With `clients`, pgbench (the embedded wheel's) runs each case for
`duration` seconds per client count, from a script made of the case: %(i)s becomes a number
from a sequence (each transaction first takes one: the same cost for every case) and
%(client)s pgbench's client id. It reports throughput too, and the percentiles come from
pgbench's log of every transaction.

Cases run interleaved (A, B, A, B ...) so that a machine that speeds up or slows down in the
middle affects every case alike, in a new random order each round: the statement that runs
right after another pays for some of its work (measured: a booking right after the bare INSERT
took 0.1 ms more than the same booking after another booking), so no case may always follow
the same one. A statement's error stops the workload, naming the case.
"""

import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import sql

from .. import db
from . import judge as bench_judge
from ..errors import CheckFailed, ConfigError
from ..migrate import runner
from ..progress import Progress, Step, quiet
from ..project import Project
from ..server import client_program

SQL = {"type": "string", "pattern": r"\S", "description": "an SQL statement"}
SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["cases", "baseline"],
    "description": "a workload: a mapping of cases, baseline and settings (see `pgsuite bench run --help`)",
    "properties": {
        "description": {"type": "string", "description": "one line"},
        "setup": {"type": ["string", "array", "null"], "items": {"type": "string"},
                  "description": "a file name or a list of them"},
        "settings": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "number", "boolean"]},
                     "description": "a mapping of names to values"},
        "repeat": {"type": "integer", "minimum": 1, "maximum": 1_000_000,
                   "description": "a whole number between 1 and 1000000"},
        "fresh": {"type": "boolean", "description": "true or false"},
        "writer": SQL, "check": SQL,
        "baseline": {"type": "string", "description": "the name of one of the cases"},
        "cases": {"type": "object", "minProperties": 1, "additionalProperties": SQL,
                  "description": "a mapping of names to SQL statements"},
        "clients": {"type": ["array", "null"], "items": {"type": "integer", "minimum": 1, "maximum": 1000,
                                                          "description": "a client count between 1 and 1000"},
                    "description": "a list of client counts between 1 and 1000"},
        "duration": {"type": "integer", "minimum": 1, "maximum": 3600,
                     "description": "seconds, a whole number between 1 and 3600"},
        "max_tries": {"type": "integer", "minimum": 1, "maximum": 1000,
                      "description": "a whole number between 1 and 1000"},
        "thresholds": bench_judge.THRESHOLDS,
        "regression_tolerance": bench_judge.TOLERANCE,
    },
}
SEQUENCE = "pgsuite_bench_i"  # the numbers of pgbench's transactions


@dataclass
class Workload:
    name: str
    folder: Path
    cases: dict[str, str]
    baseline: str
    description: str = ""
    setup: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    repeat: int = 100
    fresh: bool = False
    writer: str | None = None
    check: str | None = None
    clients: list[int] = field(default_factory=list)
    duration: int = 10
    max_tries: int = 1
    thresholds: list[bench_judge.Threshold] = field(default_factory=list)
    regression_tolerance: float = bench_judge.DEFAULT_TOLERANCE
    overridden: list[str] = field(default_factory=list)  # settings changed with --set
    own_repeat: int | None = None  # the file's repeat (None: as run), against --repeat
    own_duration: int | None = None  # the file's duration (None: as run), against --duration

    def shortened(self) -> str | None:
        """Why this run is too short to judge a regression (a ratio's noise grows as runs shrink),
        or None: measured with fewer runs or seconds than the workload's own."""
        if self.clients and self.own_duration is not None and self.duration < self.own_duration:
            return f"--duration {self.duration} is shorter than the workload's own {self.own_duration} s"
        if not self.clients and self.own_repeat is not None and self.repeat < self.own_repeat:
            return f"--repeat {self.repeat} is fewer than the workload's own {self.own_repeat} runs"
        return None


@dataclass(frozen=True)
class CaseResult:
    case: str
    runs: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    ratio: float  # p50 / the baseline's p50
    writer_max_ms: float | None = None  # the concurrent writer's longest wait during this case
    writer_runs: int = 0
    clients: int = 1
    tps: float | None = None  # with pgbench: transactions per second
    tps_ratio: float | None = None  # tps / the baseline's tps at the same client count
    retries: int | None = None  # with max_tries: transactions pgbench ran again (40001, 40P01)
    distribution: tuple[float, ...] = ()  # the latency (ms) at each percentile 0, 1, ... 100


def names(project: Project) -> list[str]:
    """The project's workloads: bench/*.yaml, by name."""
    return sorted(p.stem for p in (project.root / "bench").glob("*.yaml"))


def load(project: Project, name: str, repeat: int | None = None) -> Workload:
    """bench/NAME.yaml of the project (or a path to a workload file), validated."""
    from .. import yamlfile

    path = Path(name) if name.endswith((".yaml", ".yml")) else project.root / "bench" / f"{name}.yaml"
    if not path.is_file():
        known = names(project)
        raise ConfigError(f"{path}: no such workload" + (f" (this project has: {', '.join(known)})" if known else ""))
    data, lines = yamlfile.load_valid(path, SCHEMA)

    def wrong(key: tuple, message: str) -> ConfigError:
        return yamlfile.error_at(path, lines, key, message)

    cases = data["cases"]
    if data["baseline"] not in cases:
        raise wrong(("baseline",), f"must name one of the cases ({', '.join(cases)})")
    own_repeat = data.get("repeat", 100)
    setup = data.get("setup") or []
    setup = [setup] if isinstance(setup, str) else setup
    for name in setup:
        if not (path.parent / name).is_file():
            raise wrong(("setup",), f"{path.parent / name} does not exist")
    clients = data.get("clients") or []
    duration = data.get("duration", 10)
    max_tries = data.get("max_tries", 1)
    return Workload(name=path.stem, folder=path.parent, cases=cases, baseline=data["baseline"],
                    description=data.get("description", ""), setup=setup, settings=data.get("settings") or {},
                    repeat=own_repeat if repeat is None else repeat, own_repeat=own_repeat, own_duration=duration,
                    fresh=bool(data.get("fresh", False)), writer=data.get("writer"),
                    check=data.get("check"), clients=clients, duration=duration, max_tries=max_tries,
                    thresholds=bench_judge.parse_thresholds(data, cases, clients, wrong),
                    regression_tolerance=float(data.get("regression_tolerance", bench_judge.DEFAULT_TOLERANCE)))


def run(project: Project, dsn: str, workload: Workload, progress: Progress = quiet) -> list[CaseResult]:
    """Set up a scratch database, run the cases interleaved, check after each, drop everything."""
    with db.scratch_database(dsn, "pgsuite_bench_tpl") as target:
        progress(Step(f"migrating a scratch database ({db.database_name(target)})"))
        runner.apply(project, target)
        if workload.setup:
            progress(Step(f"setting up: {', '.join(workload.setup)}"))
            _setup(target, workload)
        if workload.clients:
            return _with_pgbench(target, workload, progress)
        times: dict[str, list[float]] = {name: [] for name in workload.cases}
        writer_waits: dict[str, list[float]] = {name: [] for name in workload.cases}
        if workload.fresh:
            template = db.database_name(target)
            for i in range(workload.repeat):
                for name, statement in workload.cases.items():
                    progress(Step(f"{name}: run {i + 1} of {workload.repeat}"))
                    with db.scratch_database(dsn, "pgsuite_bench_run", template=template) as copy:
                        _timed(copy, workload, name, statement, [i], times, writer_waits)
        else:
            warmup = max(1, workload.repeat // 10)
            progress(Step(f"{len(workload.cases)} case(s), {workload.repeat} run(s) each "
                          f"after {warmup} warm-up run(s)"))
            with db.connect(target, autocommit=True) as conn:
                for i in range(warmup):
                    for case, statement in workload.cases.items():
                        _execute(conn, workload, case, statement, 10**8 + i, "warm-up run")
            _timed(target, workload, "every case", None, None, times, writer_waits, interleaved=True)
        return _results(workload, times, writer_waits)


def _timed(target, workload, name, statement, numbers, times, writer_waits, interleaved=False) -> None:
    """Time `statement` once per number (or, interleaved, every case in turn), with the writer on."""
    stop, waits = threading.Event(), []
    writer = threading.Thread(target=_write, args=(target, workload.writer, stop, waits)) if workload.writer else None
    if writer:
        writer.start()
    try:
        with db.connect(target, autocommit=True) as conn:
            if interleaved:
                order, shuffle = list(workload.cases.items()), random.Random(0).shuffle  # the same orders every run
                for i in range(workload.repeat):
                    shuffle(order)
                    for case, text in order:
                        times[case].append(_execute(conn, workload, case, text, i))
            else:
                for i in numbers:
                    times[name].append(_execute(conn, workload, name, statement, i))
            _check(conn, workload, "the interleaved runs of every case" if interleaved else f"case {name!r}")
    finally:
        stop.set()
        if writer:
            writer.join()
    if interleaved:
        for case in workload.cases:
            writer_waits[case] += waits
    else:
        writer_waits[name] += waits


def _with_pgbench(target: str, workload: Workload, progress) -> list[CaseResult]:
    """Each case under pgbench at each client count, in rounds of about 2 s, the cases in a new
    random order each round (as the interleaved runs: drift and order touch every case alike);
    percentiles from pgbench's per-transaction logs, the check after every round."""
    binary = str(client_program("pgbench"))
    with db.connect(target, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(sql.Identifier(SEQUENCE)))
    rounds = max(1, workload.duration // 2)
    seconds = workload.duration // rounds
    order, shuffle = list(workload.cases.items()), random.Random(0).shuffle
    results = []
    for clients in workload.clients:
        measured = {name: [] for name in workload.cases}
        retries: dict[str, int | None] = {name: None for name in workload.cases}
        for n in range(rounds):
            shuffle(order)
            for name, statement in order:
                progress(Step(f"{name}: {clients} client(s), round {n + 1} of {rounds}, {seconds} s (pgbench)"))
                latencies, retried = _pgbench_case(binary, target, workload, name, statement, clients, seconds)
                measured[name] += latencies
                if retried is not None:
                    retries[name] = (retries[name] or 0) + retried
            with db.connect(target, autocommit=True) as conn:
                _check(conn, workload, f"round {n + 1} at {clients} client(s)")
        elapsed = rounds * seconds
        for name, latencies in measured.items():
            if not latencies:
                raise CheckFailed(f"bench {workload.name}: case {name!r} completed no transaction in "
                                  f"{elapsed} s with {clients} client(s)")
        base = measured[workload.baseline]
        for name in workload.cases:
            latencies = sorted(measured[name])
            tps = len(latencies) / elapsed
            results.append(CaseResult(
                case=name, runs=len(latencies), p50_ms=round(statistics.median(latencies), 3),
                p95_ms=round(_percentile(latencies, 0.95), 3), p99_ms=round(_percentile(latencies, 0.99), 3),
                max_ms=round(latencies[-1], 3), ratio=round(_pgbench_ratio(workload, latencies, base), 2),
                clients=clients, tps=round(tps, 1), tps_ratio=round(len(latencies) / len(base), 2),
                retries=retries[name], distribution=_distribution(latencies)))
    return results


def _pgbench_ratio(workload: Workload, latencies: list[float], base: list[float]) -> float:
    """p50 over the baseline's p50. pgbench reads its clock lazily: a transaction that ends as the
    next begins can log 0 us, and a baseline of sub-millisecond statements can have a median of 0;
    then the means are compared, every transaction counted (docs/benchmarks.md says so)."""
    if statistics.median(base) > 0:
        return statistics.median(latencies) / statistics.median(base)
    if statistics.fmean(base) > 0:
        return statistics.fmean(latencies) / statistics.fmean(base)
    raise CheckFailed(f"bench {workload.name}: pgbench logged 0 us for every transaction of the baseline "
                      f"{workload.baseline!r}: no ratio can be taken")


def _pgbench_case(binary: str, target: str, workload: Workload, name: str, statement: str, clients: int,
                  seconds: int) -> tuple[list[float], int | None]:
    """One pgbench run of one case: every transaction's latency (ms), and the retries it counted."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "case.sql"
        script.write_text(f"SELECT nextval('{SEQUENCE}') AS i \\gset\n{_pgbench_sql(statement)}\n", encoding="utf-8")
        done = subprocess.run(
            [binary, "-n", "-c", str(clients), "-j", str(min(clients, 4)), "-T", str(seconds),
             "-f", str(script), "--log", f"--log-prefix={tmp}/log"]
            + ([f"--max-tries={workload.max_tries}"] if workload.max_tries > 1 else []) + [target],
            capture_output=True, text=True, cwd=tmp)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise CheckFailed(f"bench {workload.name}: case {name!r} failed under pgbench with {clients} "
                              f"client(s): {' | '.join(tail)}")
        fields = [line.split()[2] for log in Path(tmp).glob("log*")
                  for line in log.read_text().splitlines() if line.strip()]
    latencies = [float(f) / 1000 for f in fields if f.replace(".", "", 1).isdigit()]
    if len(latencies) < len(fields):  # "failed": a transaction pgbench gave up on
        raise CheckFailed(f"bench {workload.name}: case {name!r}: {len(fields) - len(latencies)} "
                          f"transaction(s) failed under pgbench with {clients} client(s)")
    retried = re.search(r"total number of retries: (\d+)", done.stdout)
    return latencies, int(retried.group(1)) if retried else None


def _pgbench_sql(statement: str) -> str:
    """The case as a pgbench command: its placeholders as pgbench variables, one statement."""
    text = statement.replace("%(i)s", ":i").replace("%(client)s", ":client_id").replace("%%", "%").strip()
    return text if text.endswith(";") else text + ";"


def _execute(conn, workload: Workload, case: str, statement: str, i: int, run: str = "run") -> float:
    import psycopg

    params = {"i": i, "client": 0} if "%(" in statement else None  # without them, a % is just a %
    started = time.perf_counter()
    try:
        cursor = conn.execute(statement, params)
        if cursor.description:
            cursor.fetchall()
    except psycopg.Error as exc:
        raise CheckFailed(f"bench {workload.name}: case {case!r} failed on {run} {i}: "
                          f"[{exc.sqlstate}] {str(exc).strip().splitlines()[0]}") from exc
    return (time.perf_counter() - started) * 1000


def _check(conn, workload: Workload, when: str) -> None:
    if workload.check and not conn.execute(workload.check).fetchone()[0]:
        raise CheckFailed(f"bench {workload.name}: after {when}, the check failed: {workload.check.strip()}")


def _write(target: str, statement: str, stop: threading.Event, waits: list[float]) -> None:
    with db.connect(target, autocommit=True) as conn:
        n = 0
        while not stop.is_set():
            n += 1
            started = time.perf_counter()
            conn.execute(statement, {"i": n} if "%(i)s" in statement else None)
            waits.append((time.perf_counter() - started) * 1000)


def _setup(target: str, workload: Workload) -> None:
    with db.connect(target, autocommit=True) as conn:
        for key, value in workload.settings.items():
            conn.execute("SELECT set_config(%s, %s, false)", (f"pgsuite.bench.{key}", str(value)))
        for name in workload.setup:
            conn.execute((workload.folder / name).read_text(encoding="utf-8"))
        conn.execute("VACUUM ANALYZE")


def _results(workload: Workload, times: dict, writer_waits: dict) -> list[CaseResult]:
    base = statistics.median(times[workload.baseline])
    out = []
    for name, values in times.items():
        ordered = sorted(values)
        waits = writer_waits.get(name) or []
        out.append(CaseResult(
            case=name, runs=len(values), p50_ms=round(statistics.median(values), 3),
            p95_ms=round(_percentile(ordered, 0.95), 3), p99_ms=round(_percentile(ordered, 0.99), 3),
            max_ms=round(ordered[-1], 3), ratio=round(statistics.median(values) / base, 2) if base else 0.0,
            writer_max_ms=round(max(waits), 1) if waits else None, writer_runs=len(waits),
            distribution=_distribution(ordered)))
    return out


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _distribution(ordered: list[float]) -> tuple[float, ...]:
    """What the report draws: the latency at each whole percentile, the maximum last."""
    return tuple(round(_percentile(ordered, p / 100), 3) for p in range(100)) + (round(ordered[-1], 3),)
