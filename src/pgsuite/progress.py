"""The one progress interface: every long run (deploy, migrate, rehearse, fleet, bench) reports
each step as a Step to a callback it is given; the CLI prints them, a library caller may collect
them or pass `quiet`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    what: str  # "applied", "deploying", "setting up: fill.sql"
    subject: str = ""  # what it is about: a migration's id, a fleet target's name
    seconds: float | None = None  # set when the step is one finished thing that took this long

    def line(self) -> str:
        if self.seconds is not None:
            return f"{self.what} {self.subject} ({self.seconds:.2f} s)"
        return f"[{self.subject}] {self.what}" if self.subject else self.what


Progress = Callable[[Step], None]


def quiet(step: Step) -> None:
    """Shows nothing (CI, redirected output, library use)."""
