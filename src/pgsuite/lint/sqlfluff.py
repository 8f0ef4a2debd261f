"""sqlfluff (postgres dialect) on the project's SQL, as findings of level warning: style never
refuses a deployment. Configured by the repository's `.sqlfluff`, which chooses the rules; a
file sqlfluff cannot parse in part is said so (its rules did not judge that part)."""

from pathlib import Path

from ..results import Finding
from .statements import SqlFile

DOCS = "https://docs.sqlfluff.com/en/stable/reference/rules.html#rule-{code}"


def run(root: Path, files: list[SqlFile]) -> list[Finding]:
    from sqlfluff.core import FluffConfig, Linter  # heavy: only when linting

    config = FluffConfig.from_path(str(root), overrides={"dialect": "postgres"})
    linter = Linter(config=config)
    found = []
    for sql_file in files:
        if sql_file.syntax_error is not None:
            continue  # pgsuite reports it, from PostgreSQL's parser
        linted = linter.lint_string(sql_file.text, fname=str(sql_file.path))
        for violation in linted.get_violations():
            code = violation.rule_code()
            unparsable = code in ("PRS", "TMP", "LXR")
            found.append(Finding(
                rule=f"sqlfluff.{code}", level="warning",
                message=("sqlfluff could not parse this part, so its rules did not judge it: " if unparsable else "")
                + violation.desc(),
                file=sql_file.name, line=violation.line_no or 0,
                docs="" if unparsable else DOCS.format(code=code.lower())))
    return found
