"""`pgsuite bench`: benchmarks as ratios against a baseline measured in the same run."""

from types import SimpleNamespace

import click

from ..bench import suite, tool as bench_lib
from ..render import formats
from ..render.formats import Document
from ..render.table import table
from . import Context, dsn_option, examples, main, output_option, progress_printer, show

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
    doc = suite.run_workload(obj.project, obj.target(dsn, fmt), loaded, progress=progress_printer())
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
    workloads = suite.load_all(obj.project, repeat, duration)  # a bad file: exit 2 before any server
    done = suite.run_all(obj.project, obj.target(dsn, fmt), workloads, tables=tables, migrations=migrations,
                         repeat=repeat, targets=targets, progress=progress_printer())

    def text() -> str:
        parts = ["verify\n" + _measurements_text(done.verify, "checks"),
                 "lint\n" + _measurements_text(done.lint, "checks"),
                 "fleet\n" + _measurements_text(done.fleet, "targets")]
        return "\n\n".join(parts + [_workload_text(loaded, doc) for loaded, doc in done.workloads])

    show(Document("bench all", {"verify": _measurements_json(done.verify), "lint": _measurements_json(done.lint),
                                "fleet": _measurements_json(done.fleet), "workloads": done.documents}, text),
         fmt, output)
    _fail_on_problems(done.documents)


def _fail_on_problems(docs: list[dict]) -> None:
    """A threshold not met or a regression: exit 1 (after the results were printed and saved)."""
    from ..bench import judge as bench_judge
    from ..errors import CheckFailed

    found = bench_judge.problems(docs)
    if found:
        raise CheckFailed("\n".join(found))


def _workload_text(loaded, doc: dict) -> str:
    results = [SimpleNamespace(**c) for c in doc["cases"]]
    columns = ["case", "clients", "runs", "p50 ms", "p95 ms", "p99 ms", "max ms", "ratio"]
    rows = [[r.case, r.clients, r.runs, f"{r.p50_ms:.3f}", f"{r.p95_ms:.3f}", f"{r.p99_ms:.3f}", f"{r.max_ms:.3f}",
             f"{r.ratio:.2f}"] for r in results]
    if loaded.clients:
        columns += ["tps", "tps ratio"]
        for row, r in zip(rows, results):
            row += [f"{r.tps:.1f}", f"{r.tps_ratio:.2f}"] if r.tps is not None else ["", ""]
    if loaded.max_tries > 1:
        columns.append("retries")
        for row, r in zip(rows, results):
            row.append(r.retries)
    if loaded.writer and not loaded.clients:
        columns.append("writer max ms")
        for row, r in zip(rows, results):
            row.append(None if r.writer_max_ms is None else f"{r.writer_max_ms:.1f}")
    lines = [f"{loaded.name}: {loaded.description}" if loaded.description else loaded.name,
             table(columns, rows, rule=False, align="l" + "r" * (len(columns) - 1))]
    lines.append(f"ratio: p50 / the p50 of {loaded.baseline!r}" + (" at the same client count" if loaded.clients else "")
                 + ("; the workload's check held after every case" if loaded.check else ""))
    for t in doc["thresholds"]:
        value = "not measured" if t["value"] is None else f"{t['value']:g}"
        lines.append(f"threshold {t['threshold']}: {value}, {t['why'].upper() if t['state'] == 'fail' else t['why']}")
    if doc["baseline_run"] is None:
        lines.append(f"regressions: not assessed, {doc['regressions_not_assessed']}")
    else:
        worse = [r for r in doc["regressions"] if r["state"] == "fail"]
        lines.append(f"regressions against run {doc['baseline_run']} (tolerance {doc['regression_tolerance']:.0%}): "
                     + ("; ".join(f"{r['case']} {r['metric']} {r['before']:g} -> {r['now']:g} ({r['change']:+.0%})"
                                  for r in worse) if worse else "none"))
    lines.append(f"saved: {doc['saved_to']}")
    return "\n".join(lines)


def _show(command: str, measurements, fmt: str, unit: str) -> None:
    show(Document(command, {"cases": _measurements_json(measurements)},
                  lambda: _measurements_text(measurements, unit)), fmt)


def _measurements_json(measurements) -> list[dict]:
    return [{**m.__dict__, "per_object_ms": None if m.per_object_ms is None else round(m.per_object_ms, 3)}
            for m in measurements]


def _measurements_text(measurements, unit: str) -> str:
    rows = [(m.case, "not run", None, None, None, None) if m.median_ms is None else
            (m.case, m.objects, f"{m.median_ms:.1f}", f"{m.per_object_ms:.3f}", f"{m.ratio:.2f}",
             ", ".join(f"{r:.0f}" for r in m.runs)) for m in measurements]
    shown = table(("case", unit, "median ms", f"ms/{unit.rstrip('s')}", "ratio", "runs (ms)"), rows, rule=False,
                  align="lrrrrl")
    return "\n".join([shown] + [m.note for m in measurements if m.note])
