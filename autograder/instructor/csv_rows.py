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

from ..learner.errors import CourseError


@contextmanager
def csv_rows(path: Path, error: type[CourseError]) -> Iterator[csv.DictReader[str]]:
    """A :class:`csv.DictReader` over ``path``: UTF-8 with or without a byte-order mark, and
    fields of any size (a long message). Text that is not UTF-8 raises ``error``, naming the
    file and what to do."""
    csv.field_size_limit(max(csv.field_size_limit(), 2 ** 31 - 1))
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            yield csv.DictReader(fh)
    except UnicodeDecodeError as exc:
        raise error(f"{path} is not UTF-8 text ({exc.reason}): a spreadsheet may have saved "
                    "it in another encoding, such as Shift_JIS; save it again as \"CSV UTF-8\""
                    ) from None


def short_row(row: Mapping[str, str | None], columns: Iterable[str]) -> str:
    """Why a row read by :class:`csv.DictReader` lacks cells of ``columns`` (a row shorter
    than the header leaves them ``None``), or ``""`` when it has them all.

    >>> short_row({"student": "bob", "assignment": None}, ["student", "assignment"])
    'no cell for assignment (the row is shorter than the header)'
    """
    missing = [c for c in columns if row.get(c) is None]
    return (f"no cell for {', '.join(missing)} (the row is shorter than the header)"
            if missing else "")
