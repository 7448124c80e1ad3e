"""Reading the instructor's CSV files (grades.csv, a platform's submission times, a roster):
one way to open them, and one way to say what is wrong with a row, for every command.

A spreadsheet that saves "CSV UTF-8" puts a byte-order mark first, which is read as nothing;
one that saves in another encoding (Excel's default on a Japanese Windows is Shift_JIS) gives
text that is not UTF-8, which is refused with that advice instead of being read garbled.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..learner.errors import CourseError


@dataclass
class CsvFile:
    """An open CSV file: its header's ``columns``, and its rows, read once, in order."""

    path: Path
    error: type[CourseError]
    reader: csv.DictReader[str]

    @property
    def columns(self) -> list[str]:
        return list(self.reader.fieldnames or [])

    def rows(self, required: Iterable[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, row)`` for each row, ``line`` where the row ends (a quoted cell may span
        lines); a row of the wrong shape (:func:`row_problem`) raises the file's error."""
        for row in self.reader:
            if why := row_problem(row, required):
                raise self.error_at(self.reader.line_num, why)
            yield self.reader.line_num, row

    def error_at(self, line: int, why: str) -> CourseError:
        """The file's error about its line ``line``, to raise."""
        return self.error(f"{self.path}, line {line}: {why}")


@contextmanager
def open_csv(path: Path, error: type[CourseError]) -> Iterator[CsvFile]:
    """``path`` open as a :class:`CsvFile`: UTF-8 with or without a byte-order mark, and
    fields of any size (a long message). Text that is not UTF-8, and a header that names a
    column twice, raise ``error``, naming the file and what to do."""
    csv.field_size_limit(max(csv.field_size_limit(), 2 ** 31 - 1))
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            names = [n.strip() for n in reader.fieldnames or []]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:   # csv.DictReader would keep the last such cell of each row, silently
                raise error(f"{path}: the header names {', '.join(twice)} more than once")
            yield CsvFile(Path(path), error, reader)
    except UnicodeDecodeError as exc:
        raise error(f"{path} is not UTF-8 text ({exc.reason}): a spreadsheet may have saved "
                    "it in another encoding, such as Shift_JIS; save it again as \"CSV UTF-8\""
                    ) from None


def row_problem(row: Mapping[str | None, Any], columns: Iterable[str]) -> str:
    """What is wrong with the shape of a row read by :class:`csv.DictReader`, or ``""``: it
    lacks cells of ``columns`` (a row shorter than the header leaves them ``None``), or it has
    more cells than the header (kept under the key ``None``): most often a comma inside a cell
    that is not in quotes, which shifts every cell after it into the wrong column.

    >>> row_problem({"student": "bob", "assignment": None}, ["student", "assignment"])
    'no cell for assignment (the row is shorter than the header)'
    >>> row_problem({"student": "Sato", "name": " Hanako", None: ["12"]}, ["student"])
    '1 cell(s) more than the header: put a cell that holds a comma in double quotes'
    """
    missing = [c for c in columns if row.get(c) is None]
    if missing:
        return f"no cell for {', '.join(missing)} (the row is shorter than the header)"
    if row.get(None):
        return (f"{len(row[None])} cell(s) more than the header: put a cell that holds a comma "
                "in double quotes")
    return ""
