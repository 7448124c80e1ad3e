"""The notes under each discussion question, and the class release that leaves them out.

Every discussion question (考察) of a notebook is followed by a collapsible markdown cell tagged
``answer-notes``: "what a good answer mentions", for a learner working alone to compare with
*after* writing their own answer. In a class the instructor grades these answers by hand, so
the course's nbgrader source (:func:`autograder.instructor.course.write_source`, hence every
release) leaves the notes out. A class that does not grade the questions can keep them: build the
course with ``COURSE_ANSWER_NOTES=1``.
"""
from __future__ import annotations

import os
from pathlib import Path

TAG = "answer-notes"
SWITCH = "COURSE_ANSWER_NOTES"


def is_note(cell) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def strip(notebook: Path) -> int:
    """Remove the tagged note cells from ``notebook`` in place (unless ``COURSE_ANSWER_NOTES=1``).

    Returns the number of cells removed.
    """
    if os.environ.get(SWITCH) == "1":
        return 0
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    kept = [c for c in nb.cells if not is_note(c)]
    removed = len(nb.cells) - len(kept)
    if removed:
        nb.cells = kept
        nbformat.write(nb, notebook)
    return removed
