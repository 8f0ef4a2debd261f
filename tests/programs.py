"""System programs some tests drive (PgBouncer, Chromium, sqitch), found on PATH as a user's shell finds
them. Where one is missing, its tests are "not run" with the reason and the install command
(pytest -ra lists them); where CI promises it (PGSUITE_TEST_EXPECT_<NAME>=1), a missing one fails."""

import os
import shutil

import pytest

PROGRAMS = {  # program -> (Debian package, the variable that says it must be there)
    "pgbouncer": ("pgbouncer", "PGSUITE_TEST_EXPECT_PGBOUNCER"),
    "chromium": ("chromium", "PGSUITE_TEST_EXPECT_CHROMIUM"),
    "sqitch": ("sqitch libdbd-pg-perl", "PGSUITE_TEST_EXPECT_SQITCH"),
}


def require(program: str) -> str:
    """The program's path, else skip (or fail, when expected) naming how to install it."""
    package, expected = PROGRAMS[program]
    path = shutil.which(program)
    if path:
        return path
    reason = f"not run: {program} is not installed (apt-get install {package})"
    if os.environ.get(expected):
        pytest.fail(f"{reason}, and {expected} is set: this run promised it")
    pytest.skip(reason)
