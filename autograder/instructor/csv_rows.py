"""Reading the rows of the instructor's CSV files (grades.csv, a platform's submission times)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping


def short_row(row: Mapping[str, str | None], columns: Iterable[str]) -> str:
    """Why a row read by :class:`csv.DictReader` lacks cells of ``columns`` (a row shorter
    than the header leaves them ``None``), or ``""`` when it has them all.

    >>> short_row({"student": "bob", "assignment": None}, ["student", "assignment"])
    'no cell for assignment (the row is shorter than the header)'
    """
    missing = [c for c in columns if row.get(c) is None]
    return (f"no cell for {', '.join(missing)} (the row is shorter than the header)"
            if missing else "")
