"""SARIF 2.1.0 (what GitHub code scanning and most CI annotators read): one run, one rule per
lint rule that ran, one result per finding. A suppressed finding is kept with its suppression
(and the reason), as SARIF means it to be; a finding without a file points at its object."""

import json

from ..results import RunResults

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def render(results: RunResults) -> str:
    rules, sarif_results = {}, []
    for check in results.checks:
        for finding in check.findings:
            rules.setdefault(finding.rule, {
                "id": finding.rule,
                "shortDescription": {"text": check.title},
                **({"helpUri": finding.docs} if finding.docs.startswith("http") else {}),
                **({"help": {"text": finding.fix}} if finding.fix else {}),
            })
            result = {"ruleId": finding.rule, "level": LEVELS.get(finding.level, "note"),
                      "message": {"text": finding.message}}
            if finding.file:
                result["locations"] = [{"physicalLocation": {
                    "artifactLocation": {"uri": finding.file},
                    "region": {"startLine": max(finding.line, 1)}}}]
            elif finding.object:
                result["locations"] = [{"logicalLocations": [{"fullyQualifiedName": finding.object}]}]
            if finding.suppressed:
                result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
            sarif_results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pgsuite", "version": results.run.get("tool", "").split(" ")[-1],
                                "rules": list(rules.values())}},
            "results": sarif_results,
        }],
    }
    return json.dumps(document, indent=2)
