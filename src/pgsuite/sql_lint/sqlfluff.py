"""sqlfluff (postgres dialect) on the project's SQL, as findings of level warning: style never
refuses a deployment. Configured by the repository's `.sqlfluff`, which chooses the rules; a
file sqlfluff cannot parse in part is said so (its rules did not judge that part).

sqlfluff takes ~35 ms a statement, and migrations never change once written: each file's
violations are kept by its content, sqlfluff's version and the configuration files
(.pgsuite/cache/sqlfluff), so a run lints only what is new or edited."""

from pathlib import Path

from .. import content_cache
from ..content_cache import ContentCache
from ..results import Finding
from ..parse.statements import SqlFile

DOCS = "https://docs.sqlfluff.com/en/stable/reference/rules.html#rule-{code}"
CONFIG_FILES = (".sqlfluff", "pyproject.toml", "setup.cfg", "tox.ini")  # where sqlfluff reads its config


def run(root: Path, files: list[SqlFile]) -> list[Finding]:
    judged = [f for f in files if f.syntax_error is None]  # the others: pgsuite reports PostgreSQL's error
    cache = _cache(root)
    violations = {f.name: cache.get(f.text.encode()) for f in judged}
    missing = [f for f in judged if violations[f.name] is None]
    if missing:
        for sql_file, found in zip(missing, _lint(root, missing)):
            violations[sql_file.name] = found
            cache.put(sql_file.text.encode(), found)
        cache.prune()
    return [_finding(f.name, *violation) for f in judged for violation in violations[f.name]]


def _lint(root: Path, files: list[SqlFile]) -> list[list[tuple]]:
    """(code, description, line) per violation, per file."""
    from sqlfluff.core import FluffConfig, Linter  # heavy: only when something is not cached

    # the raw templater, whatever the project's .sqlfluff says: the jinja and python templaters
    # import code from the checkout (library_path), and a pull request's checkout is not trusted
    linter = Linter(config=FluffConfig.from_path(str(root), overrides={"dialect": "postgres", "templater": "raw"}))
    return [[(v.rule_code(), v.desc(), v.line_no or 0)
             for v in linter.lint_string(f.text, fname=str(f.path)).get_violations()] for f in files]


def _finding(file: str, code: str, description: str, line: int) -> Finding:
    unparsable = code in ("PRS", "TMP", "LXR")
    return Finding(rule=f"sqlfluff.{code}", level="warning",
                   message=("sqlfluff could not parse this part, so its rules did not judge it: " if unparsable
                            else "") + description,
                   file=file, line=line, docs="" if unparsable else DOCS.format(code=code.lower()))


def _cache(root: Path) -> ContentCache:
    from importlib.metadata import version

    salt = ["sqlfluff " + version("sqlfluff")]
    for folder in [root, *root.parents]:  # sqlfluff reads these in the root and every parent
        salt += [(folder / name).read_text(errors="replace") for name in CONFIG_FILES if (folder / name).is_file()]
    return ContentCache(content_cache.folder(root, "sqlfluff"), "\0".join(salt).encode(), keep=4096)
