"""Typed errors. The library raises these; only the CLI maps them to exit codes."""

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_CONNECT = 3
EXIT_INTERNAL = 4  # a bug of pgsuite's: one line, and --debug shows the traceback
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class PgsuiteError(Exception):
    """Base of every error pgsuite reports to a user."""

    exit_code = EXIT_USAGE


class ConfigError(PgsuiteError):
    """Bad usage or configuration: a bad option, file or name (exit 2)."""

    exit_code = EXIT_USAGE


class ConnectError(PgsuiteError):
    """The target server cannot be reached (exit 3)."""

    exit_code = EXIT_CONNECT


class CheckFailed(PgsuiteError):
    """Something was checked or attempted against the database and failed (exit 1)."""

    exit_code = EXIT_CHECK_FAILED


class MigrationFailed(CheckFailed):
    """A migration statement failed; its transaction was rolled back."""

    def __init__(self, migration_id: str, statement: str, error: Exception):
        self.migration_id = migration_id
        self.statement = statement.strip()
        self.error = error
        self.sqlstate = getattr(error, "sqlstate", None)
        sqlstate = self.sqlstate or "?"
        diag = getattr(error, "diag", None)
        primary = (diag.message_primary if diag is not None else None) or str(error).strip().splitlines()[0]
        # the cause on the first line: summaries (the verdict, the console) show only that one
        super().__init__(
            f"migration {migration_id} failed and was rolled back: {primary} [{sqlstate}]\n"
            f"  statement: {_first_lines(self.statement)}\n"
            f"  error [{sqlstate}]: {str(error).strip()}"
        )


    def explain(self, *lines: str) -> "MigrationFailed":
        """The same failure, with more said (kept in the message every output shows)."""
        self.args = (self.args[0] + "".join(f"\n  {line}" for line in lines if line),)
        return self


class ValidationFailed(CheckFailed):
    """Migration files disagree with what was applied (edited, renamed, deleted...)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("migration validation failed:\n" + "\n".join(f"  - {p}" for p in problems))


class LockTimeout(CheckFailed):
    """Another run holds the migration lock for longer than the lock timeout."""


def _first_lines(text: str, limit: int = 6) -> str:
    lines = text.splitlines()
    shown = "\n             ".join(lines[:limit])
    return shown + ("\n             ..." if len(lines) > limit else "")
