"""The one text table: columns padded to their widest cell, numbers right-aligned where asked;
None shows as empty. Every table a command prints on a terminal is made here."""


def table(columns, rows, rule: bool = True, align: str = "", header: bool = True, indent: str = "") -> str:
    """`align`: one letter per column, "l" (the default) or "r" (figures); `header=False` prints
    the rows only (their widths still count the column names given, which may be empty)."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    names = [str(c) for c in columns] if header else [""] * len(columns)
    widths = [max([len(names[i])] + [len(r[i]) for r in cells]) for i in range(len(columns))]
    sides = [align[i] if i < len(align) else "l" for i in range(len(columns))]

    def line(values) -> str:
        padded = [v.rjust(w) if side == "r" else v.ljust(w) for v, w, side in zip(values, widths, sides)]
        return (indent + "  ".join(padded)).rstrip()

    lines = [line(names)] if header else []
    if header and rule:
        lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines + [line(row) for row in cells])
