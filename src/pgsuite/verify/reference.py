"""The expectations format's reference, made from the same JSON Schema that validates the files:
docs/expectations.md (and docs/expectations.schema.json) are this module's output."""

import json

from . import kinds
from .expectations import document_schema, object_schema

LEVELS = [("database", "Top level"), ("schemas", "In each schema: `schemas.<schema>.<kind>`"),
          ("tables", "In each table: `schemas.<schema>.tables.<table>.<kind>`")]


def json_schema() -> str:
    return json.dumps(document_schema(), indent=2) + "\n"


def markdown() -> str:
    lines = ["# The expectations format", "",
             "Generated from the JSON Schema that validates `verify/*.yaml` (`pgsuite verify reference`;",
             "the schema itself: `docs/expectations.schema.json`). One section per catalog kind, each",
             "`src/pgsuite/verify/kinds/<kind>.py` with its query beside it.", "",
             "Declaring an object is how you expect it. For most kinds every attribute is compared and",
             "one left out means none; for the kinds marked *declared only*, only what is declared is",
             "compared. Role names may be written `${deployer}`: the role that applied the latest",
             "migration (pgsuite's ledger). A kind left out of a schema or a table is not checked.", ""]
    for level, title in LEVELS:
        lines += [f"## {title}", ""]
        for kind in kinds.at_level(level):
            lines += _kind(kind)
    settings = document_schema()["properties"]
    lines += ["## settings, project, suppress", "",
              "`settings:` " + ", ".join(f"`{k}` ({v['description']})" for k, v in
                                         settings["settings"]["properties"].items()) + ".", "",
              "`project:` (read by the lints) " + ", ".join(f"`{k}` ({v['description']})" for k, v in
                                                            settings["project"]["properties"].items()) + ".", "",
              "`suppress:` " + settings["suppress"]["items"]["description"] + "; `object` may be a glob.", ""]
    return "\n".join(lines)


def _kind(kind: kinds.Kind) -> list[str]:
    schema = object_schema(kind)
    marks = []
    if kind.declared_only:
        marks.append("declared only" + (f" (but {', '.join(sorted(kind.always))}: absent means none)"
                                        if kind.always else ""))
    if kind.required:
        marks.append("required: " + ", ".join(sorted(kind.required)))
    out = [f"### `{kind.name}`" + (f" ({'; '.join(marks)})" if marks else ""), "", kind.doc, "",
           "| attribute | value |", "|---|---|"]
    for name, value in schema["properties"].items():
        absent = f"; absent: {kind.absent[name]}" if name in kind.absent else ""
        out.append(f"| `{name}` | {value.get('description', '')}{absent} |")
    return out + [""]
