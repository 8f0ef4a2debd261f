"""Deploy the project in this folder and read the verdict, as a CI job's Python step would."""

from pgsuite import api

project = api.project(".")
target = api.target(project)  # --dsn's order: PGSUITE_DSN, DATABASE_URL, libpq's variables, else embedded
outcome = api.deploy(project, target, progress=lambda step: print(" ", step.line()))
results = outcome.results
print(results.verdict, f"({len(results.checks)} checks)")
for category in results.categories():
    print(f"  {category['name']}: {category['status']}")
print("report:", outcome.report_paths["md"])

again = api.verify(project, target)
print("verify:", again.verdict, [c.id for c in again.checks if c.status in ("fail", "error")])
