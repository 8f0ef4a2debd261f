"""Many targets: a fleet file, deploys in waves, one fleet report."""


def summary(results) -> dict:
    """What the fleet report keeps of a run: its categories' statuses and its failures, each cause
    as one line (the same on every target it hit, so they group)."""
    def reason(check) -> str:
        first = (check.detail or check.actual or check.title).strip().splitlines()
        return first[0] if first else check.title

    return {"verdict": results.verdict, "run_id": results.run["id"],
            "categories": {c["name"]: c["status"] for c in results.categories()},
            "failures": [{"id": c.id, "category": c.category, "status": c.status, "reason": reason(c)}
                         for c in results.checks if c.status in ("fail", "error")]}
