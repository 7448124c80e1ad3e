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
from pathlib import Path
from typing import Any

from ..learner.errors import CourseError


@contextmanager
def csv_rows(path: Path, error: type[CourseError]) -> Iterator[csv.DictReader[str]]:
    """A :class:`csv.DictReader` over ``path``: UTF-8 with or without a byte-order mark, and
    fields of any size (a long message). Text that is not UTF-8 raises ``error``, naming the
    file and what to do."""
    csv.field_size_limit(max(csv.field_size_limit(), 2 ** 31 - 1))
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            names = [n.strip() for n in reader.fieldnames or []]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:   # csv.DictReader would keep the last such cell of each row, silently
                raise error(f"{path}: the header names {', '.join(twice)} more than once")
            yield reader
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
