"""JUnit XML (the schema Jenkins, GitLab and GitHub reporters read): one testsuite per
category, one testcase per check; fail -> <failure>, error -> <error>, skip -> <skipped>.
`message` carries the reason (the first line of the detail), the body the whole detail.
Written with the standard library's ElementTree, which escapes what XML needs escaped; the
characters XML 1.0 cannot hold at all (control characters) are dropped first."""

import re
import xml.etree.ElementTree as ET

from ..results import RunResults

# everything XML 1.0 allows: tab, newline, carriage return and the printable planes
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
            case = ET.SubElement(suite, "testcase", classname=f"pgsuite.{c.category}", name=xml_text(c.id),
                                 time=f"{c.duration_ms / 1000:.3f}")
            reason = xml_text((c.detail.strip().splitlines() or [c.title])[0])
            if c.status == "fail":
                ET.SubElement(case, "failure", message=reason, type=xml_text(c.title)).text = _body(c)
            elif c.status == "error":
                ET.SubElement(case, "error", message=reason, type=xml_text(c.title)).text = _body(c)
            elif c.status == "skip":
                ET.SubElement(case, "skipped", message=reason or "not run")
            elif c.status == "warn":
                ET.SubElement(case, "system-out").text = xml_text("warning: " + c.detail)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _body(check) -> str:
    parts = [check.title, check.detail]
    if check.remediation:
        parts.append(f"fix: {check.remediation}")
    if check.sql:
        parts.append(f"sql:\n{check.sql.strip()}")
    return xml_text("\n".join(p for p in parts if p))


def xml_text(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text or "")
