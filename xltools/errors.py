"""Input errors that point at the cell: file › sheet › row › column: value.

Every reader collects *all* the problems of a file before it raises, so the
statistician fixes the export once, not once per run.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Issue:
    """One problem, located as precisely as it can be."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None  # Excel row number, 1-based, as Excel shows it
    column: str | None = None  # the column's header text as in the file
    col_index: int | None = None  # 0-based column index, shown as a letter
    value: object = None
    has_value: bool = False

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet if self.sheet != self.file else None) if p]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column is not None or self.col_index is not None:
            col = self.column or ""
            if self.col_index is not None:
                col = f"{col}[{column_letter(self.col_index)}列]" if col else f"{column_letter(self.col_index)}列"
            parts.append(col)
        return " › ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        what = f"{self.value!r} {self.message}" if self.has_value else self.message
        return f"{where}：{what}" if where else what


@dataclass
class IssueList:
    """Collects issues for one file; `raise_if_any` ends the read with all of them."""

    file: str | None = None
    sheet: str | None = None
    items: list[Issue] = field(default_factory=list)

    def add(self, message: str, *, row=None, column=None, col_index=None, value=None,
            has_value=None, sheet=None) -> None:
        self.items.append(Issue(
            message, file=self.file, sheet=sheet if sheet is not None else self.sheet,
            row=row, column=column, col_index=col_index, value=value,
            has_value=(value is not None) if has_value is None else has_value))

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


class InputError(Exception):
    """Bad input: the CLI prints every issue in Chinese and exits with status 2."""

    def __init__(self, issues: list[Issue] | Issue | str):
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def __reduce__(self):  # across processes (summary --jobs) with every issue intact
        return (InputError, (self.issues,))

    def report(self, limit_per_column: int = 20) -> str:
        """All issues, with long runs in one column shortened to the first few and a count."""
        lines: list[str] = []
        seen: dict[tuple, int] = {}
        hidden: dict[tuple, int] = {}
        for issue in self.issues:
            key = (issue.file, issue.sheet, issue.column, issue.col_index, issue.message)
            seen[key] = seen.get(key, 0) + 1
            if issue.row is not None and seen[key] > limit_per_column:
                hidden[key] = hidden.get(key, 0) + 1
                continue
            lines.append(str(issue))
        for key, count in hidden.items():
            where = " › ".join(p for p in key[:3] if p)
            lines.append(f"{where}：同类问题另有 {count} 处未逐一列出")
        total = len(self.issues)
        head = f"输入数据有 {total} 处错误：" if total > 1 else "输入数据有误："
        return "\n".join([head, *("  " + line for line in lines)])


class OutputError(Exception):
    """An output cannot be written (folder missing or read-only, file open in another program).

    The CLI prints the message and exits with status 1; nothing half-written is left behind.
    """
