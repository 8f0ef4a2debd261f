"""`pgsuite bench`: benchmarks as ratios against a baseline measured in the same run."""

from types import SimpleNamespace

import click

from ..bench import tool as bench_lib
from ..render import formats
from ..render.formats import Document
from . import Context, dsn_option, examples, main, on_terminal, output_option, show

format_option = formats.option("text", "json")


class WorkloadGroup(click.Group):
    """`pgsuite bench WORKLOAD` for each of the project's workloads (bench/WORKLOAD.yaml): the same
    as `pgsuite bench run WORKLOAD`. The commands of the group come first."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        obj = ctx.find_object(Context)
        if command is not None or obj is None:
            return command
        from ..bench import workload as bench_workload

        workloads = bench_workload.names(obj.project)
        if name not in workloads:
            raise click.UsageError(
                f"no command or workload {name!r}: commands {', '.join(self.list_commands(ctx))}; "
                f"this project's workloads {', '.join(workloads) or '(none: bench/ holds no .yaml)'}", ctx)
        return click.Command(
            name, params=[p for p in bench_run.params if p.name != "workload"],
            help=f"Run the project's workload bench/{name}.yaml (as `pgsuite bench run {name}`).",
            callback=lambda **options: click.get_current_context().invoke(bench_run, workload=name, **options))


@main.group(cls=WorkloadGroup, epilog=examples("pgsuite bench booking", "pgsuite bench all --format json --output "
                                                                    "bench.json"))
def bench():
    """Benchmarks, reported as ratios against a baseline measured in the same run.

    `pgsuite bench WORKLOAD` runs the project's bench/WORKLOAD.yaml, as `pgsuite bench run WORKLOAD`."""


@bench.command("verify", epilog=examples("pgsuite bench verify", "pgsuite bench verify --tables 200 --repeat 3"))
@dsn_option
@click.option("--tables", default=1000, show_default=True, type=click.IntRange(1, 20000),
              help="Generated tables added to the schema.")
@click.option("--repeat", default=5, show_default=True, type=click.IntRange(1, 50), help="Runs per case (median).")
@format_option
@click.pass_obj
def bench_verify(obj: Context, dsn, tables, repeat, fmt):
    """Time `pgsuite verify` on the schema, then on the schema plus N generated tables (scratch database)."""
    _show("bench verify", bench_lib.bench_verify(obj.project, obj.target(dsn, fmt), tables=tables, repeat=repeat),
          fmt, "checks")


@bench.command("lint", epilog=examples("pgsuite bench lint", "pgsuite bench lint --migrations 50 --format json"))
@click.option("--migrations", default=200, show_default=True, type=click.IntRange(1, 5000),
              help="Generated migrations added to a copy of the project.")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 50), help="Runs per case (median).")
@format_option
@click.pass_obj
def bench_lint(obj: Context, migrations, repeat, fmt):
    """Time `pgsuite lint` on the project, then with N generated migrations: cold and with sqlfluff cached."""
    _show("bench lint", bench_lib.bench_lint(obj.project, migrations=migrations, repeat=repeat), fmt, "checks")


@bench.command("fleet", epilog=examples("pgsuite bench fleet", "pgsuite bench fleet --targets 10 --parallel 4"))
@dsn_option
@click.option("--targets", default=50, show_default=True, type=click.IntRange(1, 500),
              help="Databases deployed each way (scratch databases on the server).")
@click.option("--parallel", default=8, show_default=True, type=click.IntRange(1, 64), help="Targets at once in the fleet.")
@format_option
@click.pass_obj
def bench_fleet(obj: Context, dsn, targets, parallel, fmt):
    """Wall time of N single deploys one after another (the baseline) against one fleet deploy of
    N other databases, PARALLEL at once; each deploy applies, verifies and writes its report."""
    _show("bench fleet", bench_lib.bench_fleet(obj.project, obj.target(dsn, fmt), targets=targets, parallel=parallel),
          fmt, "targets")


@bench.command("run", epilog=examples("pgsuite bench run booking", "pgsuite bench run cleanup --set rows=100000 "
                                                                 "--format json"))
@click.argument("workload", metavar="WORKLOAD")
@dsn_option
@click.option("--repeat", default=None, type=click.IntRange(1, 1_000_000),
              help="Runs per case (default: the workload's own).")
@click.option("--duration", default=None, type=click.IntRange(1, 3600),
              help="Seconds per case and client count, for a workload run with pgbench (clients:).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override one of the workload's settings (e.g. --set rows=10000).")
@format_option
@output_option
@click.pass_obj
def bench_run(obj: Context, workload, dsn, repeat, duration, overrides, fmt, output):
    """Run the project's workload bench/WORKLOAD.yaml (or a .yaml path): each case against the
    workload's baseline, interleaved, on a scratch database; percentiles, ratios, the check after."""
    from ..bench import workload as bench_workload

    loaded = bench_workload.load(obj.project, workload, repeat)  # a bad file: exit 2 before any server
    for override in overrides:
        key, sep, value = override.partition("=")
        if not sep or key not in loaded.settings:
            raise click.BadParameter(f"{override!r}: expected KEY=VALUE with KEY one of the workload's settings "
                                     f"({', '.join(loaded.settings) or 'it has none'})", param_hint="--set")
        loaded.settings[key] = value
        loaded.overridden.append(key)
    if duration is not None:
        loaded.duration = duration
    target = obj.target(dsn, fmt)
    results = bench_workload.run(obj.project, target, loaded, progress=_progress())
    doc = _save(obj.project, target, [(loaded, results)])[0]
    show(Document("bench run", doc, lambda: _workload_text(loaded, doc)), fmt, output)
    _fail_on_problems([doc])


@bench.command("all", epilog=examples("pgsuite bench all", "pgsuite bench all --duration 5 --format json --output "
                                                                 "bench.json"))
@dsn_option
@click.option("--tables", default=1000, show_default=True, type=click.IntRange(1, 20000),
              help="bench verify: generated tables added to the schema.")
@click.option("--migrations", default=200, show_default=True, type=click.IntRange(1, 5000),
              help="bench lint: generated migrations added to a copy of the project.")
@click.option("--repeat", default=None, type=click.IntRange(1, 1_000_000),
              help="Runs per case for every benchmark (default: each one's own).")
@click.option("--duration", default=None, type=click.IntRange(1, 3600),
              help="Seconds per case and client count for the workloads run with pgbench.")
@click.option("--targets", default=50, show_default=True, type=click.IntRange(1, 500),
              help="bench fleet: databases deployed each way.")
@format_option
@output_option
@click.pass_obj
def bench_all(obj: Context, dsn, tables, migrations, repeat, duration, targets, fmt, output):
    """Every benchmark in turn: verify, lint, and each of the project's workloads (bench/*.yaml)."""
    from ..bench import workload as bench_workload

    workloads = [bench_workload.load(obj.project, name, repeat)  # all checked first
                 for name in bench_workload.names(obj.project)]
    for loaded in workloads:
        if duration is not None:
            loaded.duration = duration
    target = obj.target(dsn, fmt)
    progress = _progress()
    progress("bench verify")
    verify = bench_lib.bench_verify(obj.project, target, tables=tables, repeat=repeat or 5)
    progress("bench lint")
    lint = bench_lib.bench_lint(obj.project, migrations=migrations, repeat=repeat or 3)
    progress("bench fleet")
    fleet = bench_lib.bench_fleet(obj.project, target, targets=targets)
    ran = [(loaded, bench_workload.run(obj.project, target, loaded, progress=progress)) for loaded in workloads]
    docs = _save(obj.project, target, ran)
    def text() -> str:
        parts = ["verify\n" + _measurements_text(verify, "checks"), "lint\n" + _measurements_text(lint, "checks"),
                 "fleet\n" + _measurements_text(fleet, "targets")]
        return "\n\n".join(parts + [_workload_text(loaded, doc) for (loaded, _), doc in zip(ran, docs)])

    show(Document("bench all", {"verify": _measurements_json(verify), "lint": _measurements_json(lint),
                                "fleet": _measurements_json(fleet), "workloads": docs}, text), fmt, output)
    _fail_on_problems(docs)


def _save(project, dsn: str, ran: list) -> list[dict]:
    """Each workload run judged and saved under reports/bench/, for its baseline and the report."""
    from .. import db
    from ..bench import store as bench_store
    from ..results import new_run_id
    from ..verify.run import describe_target

    with db.connect(dsn) as conn:
        target = describe_target(conn)
    store, run_id, commit = bench_store.BenchStore(project.bench_dir), new_run_id(), project.git_commit()
    docs = []
    for loaded, results in ran:
        doc = bench_store.record(store, loaded, results, target, commit, run_id)
        doc["saved_to"] = str(store.save(doc))
        docs.append(doc)
    return docs


def _fail_on_problems(docs: list[dict]) -> None:
    """A threshold not met or a regression: exit 1 (after the results were printed and saved)."""
    from ..bench import judge as bench_judge
    from ..errors import CheckFailed

    found = bench_judge.problems(docs)
    if found:
        raise CheckFailed("\n".join(found))


def _workload_text(loaded, doc: dict) -> str:
    results = [SimpleNamespace(**c) for c in doc["cases"]]
    lines = [f"{loaded.name}: {loaded.description}" if loaded.description else loaded.name,
             f"{'case':<36} {'clients':>7} {'runs':>7} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9} {'ratio':>6}"
             + (f" {'tps':>9} {'tps ratio':>9}" if loaded.clients else "")
             + (f" {'retries':>8}" if loaded.max_tries > 1 else "")
             + ("  writer max ms" if loaded.writer and not loaded.clients else "")]
    for r in results:
        lines.append(f"{r.case:<36} {r.clients:>7} {r.runs:>7} {r.p50_ms:>9.3f} {r.p95_ms:>9.3f} {r.p99_ms:>9.3f} "
                     f"{r.max_ms:>9.3f} {r.ratio:>6.2f}"
                     + (f" {r.tps:>9.1f} {r.tps_ratio:>9.2f}" if r.tps is not None else "")
                     + (f" {r.retries if r.retries is not None else '':>8}" if loaded.max_tries > 1 else "")
                     + (f"  {r.writer_max_ms:>13.1f}" if r.writer_max_ms is not None else ""))
    lines.append(f"ratio: p50 / the p50 of {loaded.baseline!r}" + (" at the same client count" if loaded.clients else "")
                 + ("; the workload's check held after every case" if loaded.check else ""))
    for t in doc["thresholds"]:
        value = "not measured" if t["value"] is None else f"{t['value']:g}"
        lines.append(f"threshold {t['threshold']}: {value}, {t['why'].upper() if t['state'] == 'fail' else t['why']}")
    if doc["baseline_run"] is None:
        lines.append("regressions: not assessed, no earlier run of this workload on this server with the same settings "
                     "met its thresholds")
    else:
        worse = [r for r in doc["regressions"] if r["state"] == "fail"]
        lines.append(f"regressions against run {doc['baseline_run']} (tolerance {doc['regression_tolerance']:.0%}): "
                     + ("; ".join(f"{r['case']} {r['metric']} {r['before']:g} -> {r['now']:g} ({r['change']:+.0%})"
                                  for r in worse) if worse else "none"))
    lines.append(f"saved: {doc['saved_to']}")
    return "\n".join(lines)


def _progress():
    """A line per step on a terminal."""
    return (lambda message: click.echo(f"  {message}", err=True)) if on_terminal() else (lambda message: None)


def _show(command: str, measurements, fmt: str, unit: str) -> None:
    show(Document(command, {"cases": _measurements_json(measurements)},
                  lambda: _measurements_text(measurements, unit)), fmt)


def _measurements_json(measurements) -> list[dict]:
    return [{**m.__dict__, "per_object_ms": None if m.per_object_ms is None else round(m.per_object_ms, 3)}
            for m in measurements]


def _measurements_text(measurements, unit: str) -> str:
    per = f"ms/{unit.rstrip('s')}"
    lines = [f"{'case':<38} {unit:>7} {'median ms':>10} {per:>9} {'ratio':>6}  runs (ms)"]
    for m in measurements:
        if m.median_ms is None:
            lines.append(f"{m.case:<38} {'not run':>7}")
        else:
            lines.append(f"{m.case:<38} {m.objects:>7} {m.median_ms:>10.1f} {m.per_object_ms:>9.3f} {m.ratio:>6.2f}  "
                         f"{', '.join(f'{r:.0f}' for r in m.runs)}")
    return "\n".join(lines + [m.note for m in measurements if m.note])
