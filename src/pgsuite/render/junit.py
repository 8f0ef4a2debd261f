"""JUnit XML (the schema Jenkins, GitLab and GitHub reporters read): one testsuite per
category, one testcase per check; fail -> <failure>, error -> <error>, skip -> <skipped>.
Written with the standard library's ElementTree, which escapes what XML needs escaped."""

import xml.etree.ElementTree as ET

from ..results import RunResults


def render(results: RunResults) -> str:
    root = ET.Element("testsuites", name="pgsuite", tests=str(len(results.checks)),
                      failures=str(sum(c.status == "fail" for c in results.checks)),
                      errors=str(sum(c.status == "error" for c in results.checks)),
                      skipped=str(sum(c.status == "skip" for c in results.checks)))
    for cat in results.categories():
        checks = [c for c in results.checks if c.category == cat["name"]]
        suite = ET.SubElement(root, "testsuite", name=cat["name"], tests=str(len(checks)),
                              failures=str(cat["fail"]), errors=str(cat["error"]), skipped=str(cat["skip"]),
                              time=f"{sum(c.duration_ms for c in checks) / 1000:.3f}")
        for c in checks:
            case = ET.SubElement(suite, "testcase", classname=f"pgsuite.{c.category}", name=c.id,
                                 time=f"{c.duration_ms / 1000:.3f}")
            if c.status == "fail":
                ET.SubElement(case, "failure", message=c.title, type="check").text = _body(c)
            elif c.status == "error":
                ET.SubElement(case, "error", message=c.title, type="error").text = _body(c)
            elif c.status == "skip":
                ET.SubElement(case, "skipped", message=c.detail or "not run")
            elif c.status == "warn":
                ET.SubElement(case, "system-out").text = "warning: " + c.detail
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _body(check) -> str:
    parts = [check.detail]
    if check.remediation:
        parts.append(f"fix: {check.remediation}")
    if check.sql:
        parts.append(f"SQL:\n{check.sql}")
    return "\n\n".join(p for p in parts if p)
