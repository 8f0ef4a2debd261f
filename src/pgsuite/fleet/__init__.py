"""Many targets: a fleet file, deploys in waves, one fleet report."""


def failures(results) -> list[dict]:
    """A run's failing checks, each cause as one line (the same on every target it hit, so they group)."""
    def reason(check) -> str:
        first = (check.detail or check.actual or check.title).strip().splitlines()
        return first[0] if first else check.title

    return [{"id": c.id, "category": c.category, "status": c.status, "reason": reason(c)}
            for c in results.checks if c.status in ("fail", "error")]
