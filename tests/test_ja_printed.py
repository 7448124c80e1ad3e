"""What the Japanese edition does with the English lines code cells print.

Code cells are shared by both editions, so the lines they ``print`` are English: numbers with
their labels ("test accuracy: 0.95"), which the Japanese text around them explains. A printed
line that tells the learner what to *do* (a Diver cell's "not tried yet", a fallback's "not
written yet", a skipped race, a missing PyTorch) must be explained by the Japanese text: the
nearest markdown cell before it says, in Japanese, what happens then, or quotes the English
line in 「」 and says what it means. A new
instruction printed in English without that fails here, naming the notebook and the cell.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder.learner import i18n

from .conftest import NOTEBOOKS, ROOT
from .support import JAPANESE

TRANSLATED = [p for p in NOTEBOOKS
              if (i18n.TRANSLATIONS / "ja" / f"{p.stem}.po").is_file()]
#: English a printed line tells the learner to act with
INSTRUCTION = re.compile(r"not written yet|not tried yet|not installed|Skipped|is needed here|"
                         r"cannot be used yet|not on this machine|was not found", re.I)
#: Japanese that explains such a line (a condition and what happens then)
EXPLAINED = re.compile(r"まだ書いていな|まだ書かれていな|書くまで|書いていなければ|"
                       r"入っていなければ|インストールされていな|ないときは|になければ|"
                       r"スキップ|飛ばされ|見つからな")
PRINTED = re.compile(r"""print\(\s*f?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
#: said once for the whole notebook: an earlier Japanese cell naming the subject explains it
NOTEBOOK_WIDE = {"PyTorch is not installed": "PyTorch"}
#: printed only in a branch a learner cannot reach: (notebook, the line's start, why)
UNREACHABLE = {
    ("sprint5_scratch_classifier", "Not written yet:"):
        "after needs('sprint5.fit') passes, _gradient is written (fit calls it)",
}


def instructions(nb) -> list:
    """``(cell index, printed English)`` of each instruction a code cell prints."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            out += [(i, lit[1:-1]) for lit in PRINTED.findall(cell.source)
                    if INSTRUCTION.search(lit)]
    return out


def explains(text: str, line: str) -> bool:
    """Whether the Japanese ``text`` explains the printed ``line``: it says in Japanese what
    happens, or it quotes the line's English in 「」."""
    if not JAPANESE.search(text):
        return False
    quoted = [q.split("...")[0].strip() for q in re.findall(r"「([^」]*[A-Za-z][^」]*)」", text)]
    return bool(EXPLAINED.search(text)) or any(q and q in line for q in quoted)


def unexplained(stem: str, nb) -> list:
    missing = []
    for i, line in instructions(nb):
        if any(stem == s and line.lstrip("\\n").startswith(start) for s, start in UNREACHABLE):
            continue
        before = [c.source for c in nb.cells[:i] if c.cell_type == "markdown"
                  and explains(c.source, line)]
        subject = next((w for start, w in NOTEBOOK_WIDE.items() if line.startswith(start)), None)
        nearest = [c.source for c in nb.cells[:i] if c.cell_type == "markdown"][-1:]
        if not (nearest and nearest[0] in before
                or subject and any(subject in text for text in before)):
            missing.append(f"{stem}.ipynb cell {i}: {line[:70]!r}")
    return missing


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_every_english_instruction_a_cell_prints_is_explained_in_japanese_before_it(path):
    nb = i18n.build_notebook(path, "ja")
    assert not unexplained(path.stem, nb), "\n".join(unexplained(path.stem, nb))


def test_the_check_finds_the_instructions_and_an_unexplained_one():
    path = ROOT / "notebooks" / "sprint1_perceptron.ipynb"
    nb = i18n.build_notebook(path, "ja")
    found = instructions(nb)
    cell = next(i for i, line in found if "full_adder: not tried yet" in line)
    assert unexplained(path.stem, nb) == []
    # the English cell before it, untranslated: the instruction is no longer explained
    english = nbformat.read(path, as_version=4)
    nb.cells[cell - 1] = english.cells[cell - 1]
    assert unexplained(path.stem, nb) == [
        f"sprint1_perceptron.ipynb cell {cell}: "
        "'\\\\nfull_adder: not tried yet. Write it above and run this cell again.'"]
