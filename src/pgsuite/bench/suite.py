"""`pgsuite bench run` and `bench all` as library functions: each workload run, judged and saved
under reports/bench/ (its baseline for the next run, and the report's figures)."""

from dataclasses import dataclass

from ..progress import Progress, Step, quiet
from . import tool, workload
from .workload import Workload


@dataclass
class AllBenchmarks:
    verify: list[tool.Measurement]
    lint: list[tool.Measurement]
    fleet: list[tool.Measurement]
    workloads: list[tuple[Workload, dict]]  # each workload and its saved document (store.record)

    @property
    def documents(self) -> list[dict]:
        return [doc for _, doc in self.workloads]


def run_workload(project, dsn: str, loaded: Workload, progress: Progress = quiet) -> dict:
    """One workload (workload.load, then any settings changed), run, judged and saved."""
    return save(project, dsn, [(loaded, workload.run(project, dsn, loaded, progress=progress))])[0]


def load_all(project, repeat: int | None = None, duration: int | None = None) -> list[Workload]:
    """Every workload of the project (bench/*.yaml), validated: a bad file stops before any server is asked."""
    workloads = [workload.load(project, name, repeat) for name in workload.names(project)]
    for loaded in workloads:
        if duration is not None:
            loaded.duration = duration
    return workloads


def run_all(project, dsn: str, workloads: list[Workload], tables: int = 1000, migrations: int = 200,
            repeat: int | None = None, targets: int = 50, progress: Progress = quiet) -> AllBenchmarks:
    """bench verify, lint and fleet, then each of `workloads` (load_all), judged and saved."""
    progress(Step("bench verify"))
    verify = tool.bench_verify(project, dsn, tables=tables, repeat=repeat or 5)
    progress(Step("bench lint"))
    lint = tool.bench_lint(project, migrations=migrations, repeat=repeat or 3)
    progress(Step("bench fleet"))
    fleet = tool.bench_fleet(project, dsn, targets=targets)
    ran = [(loaded, workload.run(project, dsn, loaded, progress=progress)) for loaded in workloads]
    return AllBenchmarks(verify, lint, fleet, list(zip(workloads, save(project, dsn, ran))))


def save(project, dsn: str, ran: list) -> list[dict]:
    """Each (workload, results) judged and saved under reports/bench/, one run id for them all."""
    from .. import db
    from ..results import new_run_id
    from ..verify.run import describe_target
    from . import store as bench_store

    with db.connect(dsn) as conn:
        target = describe_target(conn)
    store, run_id, commit = bench_store.BenchStore(project.bench_dir), new_run_id(), project.git_commit()
    docs = []
    for loaded, results in ran:
        doc = bench_store.record(store, loaded, results, target, commit, run_id)
        doc["saved_to"] = str(store.save(doc))
        docs.append(doc)
    return docs
