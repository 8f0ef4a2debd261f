"""Markdown that shows data as data: every value a template prints is escaped, unless a filter
made it Markdown on purpose (a code span, a code block, a table cell).

A Markdown viewer renders inline HTML and emphasis: an object named `<img src=x onerror=...>`
or `*x*` must print as those characters, never as an image or italics.
"""

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# backslash-escaped: what opens emphasis, links, code and tables. An underscore inside a word
# (idx_appointments_customer) never opens emphasis in CommonMark, so it stays as written.
_SPECIAL = re.compile(r"([\\`*\[\]|#~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


class Markdown(str):
    """Text that is already Markdown: printed as it is."""


def escape(value) -> Markdown:
    if isinstance(value, Markdown):
        return value
    text = "" if value is None else str(value)
    text = _SPECIAL.sub(r"\\\1", text)
    return Markdown("".join(_HTML.get(ch, ch) for ch in text))


def code(value) -> Markdown:
    """An inline code span, fenced with more backticks than the text holds."""
    text = "" if value is None else str(value).replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")


def cell_code(value) -> Markdown:
    """An inline code span inside a table cell: GFM splits cells at every unescaped `|`, code spans
    included (a name like `c|<script>` would leave raw HTML in a cell of its own), and shows
    `\\|` there as `|`."""
    return Markdown(code(value).replace("|", "\\|"))


def block(value, language: str = "") -> Markdown:
    """A fenced code block whose fence no line of the text can close."""
    text = "" if value is None else str(value).rstrip("\n")
    fence = "`" * max(3, max((len(run) + 1 for run in re.findall(r"^\s*(`{3,})", text, re.MULTILINE)), default=3))
    return Markdown(f"{fence}{language}\n{text}\n{fence}")


def cell(value) -> Markdown:
    """A value inside a table cell: escaped, line breaks as <br>."""
    return Markdown(escape(value).replace("\r\n", "\n").replace("\n", "<br>"))


def finalize(value):
    """jinja2's finalize for Markdown templates: whatever is printed is escaped."""
    return escape(value)
