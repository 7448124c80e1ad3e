"""Hints on request: every exercise has three levels, each call shows the next, usage is kept."""
from __future__ import annotations

import ast
import difflib
import json
import re
import subprocess
import sys

import pytest

from autograder.authoring import stubs
from autograder.learner import hints
from autograder.learner.registry import live_exercises

from .conftest import ROOT, SOLUTIONS, make_helpers

EXERCISES = live_exercises()


def test_every_exercise_has_three_levels_of_hints_and_no_stray_ids():
    texts = hints.load()
    ids = {e.id for e in EXERCISES}
    assert set(texts) == ids, (sorted(ids - set(texts)), sorted(set(texts) - ids))
    for h in texts.values():
        assert len(h.levels) == 3, h.id
        assert all(len(t) >= 12 for t in h.levels), h.id


def test_hint_files_are_one_per_sprint_and_hold_only_their_sprint():
    import tomllib

    for path in sorted(hints.TEXTS.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        assert all(k.startswith(path.stem + ".") for k in doc), path.name


def test_each_call_shows_the_next_level_and_records_it(tmp_path, monkeypatch):
    monkeypatch.delenv(hints.SWITCH, raising=False)
    helpers = make_helpers(tmp_path)
    levels = hints.load()["sprint8.conv2d"].levels
    first = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 1 of 3" in first and levels[0].splitlines()[0] in first
    assert levels[1].splitlines()[0] not in first
    assert hints.usage(helpers) == {"sprint8.conv2d": 1}
    second = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 2 of 3" in second and levels[1].splitlines()[0] in second
    third = hints.next_hint("sprint8.conv2d", helpers)
    assert "level 3 of 3" in third and "last level" in third
    again = hints.next_hint("sprint8.conv2d", helpers)   # stays at the last level
    assert "level 3 of 3" in again
    assert hints.usage(helpers) == {"sprint8.conv2d": 3}
    saved = json.loads((tmp_path / ".course_progress" / "hints.json").read_text())
    assert saved["levels_shown"] == {"sprint8.conv2d": 3}
    assert "sprint8.conv2d" in hints.usage_text(helpers) and "3 of 3" in hints.usage_text(helpers)


def test_an_unknown_exercise_gets_the_list_of_its_sprint(tmp_path):
    helpers = make_helpers(tmp_path)
    text = hints.next_hint("sprint8.conv3d", helpers)
    assert "No hints" in text and "sprint8.conv2d" in text
    assert hints.usage(helpers) == {}


def test_hints_can_be_turned_off_by_the_environment(tmp_path, monkeypatch):
    helpers = make_helpers(tmp_path)
    monkeypatch.setenv(hints.SWITCH, "0")
    text = hints.next_hint("sprint8.conv2d", helpers)
    assert "turned off" in text
    assert hints.usage(helpers) == {}


def test_ship_copies_the_sprints_hints_unless_switched_off(tmp_path, monkeypatch):
    monkeypatch.delenv(hints.SWITCH, raising=False)
    written = hints.ship(tmp_path / "on", "sprint7")
    assert [p.relative_to(tmp_path / "on" / "hint_texts").as_posix() for p in written] == [
        "sprint7.toml", "ja/sprint7.po"]              # the English texts and their translation
    monkeypatch.setenv(hints.SWITCH, "0")
    assert hints.ship(tmp_path / "off", "sprint7") == []
    assert not (tmp_path / "off").exists()


def test_the_terminal_command_reveals_levels_one_by_one(tmp_path):
    helpers = make_helpers(tmp_path)
    cmd = [sys.executable, "-m", "autograder", "hint", "sprint4.affine", "--helpers", str(helpers)]
    outs = [subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert "level 1 of 3" in outs[0] and "level 2 of 3" in outs[1]
    summary = subprocess.run([sys.executable, "-m", "autograder", "hint", "--helpers",
                              str(helpers)], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert re.search(r"sprint4\.affine\s+2 of 3", summary)


def test_level_three_is_nearly_the_code_with_a_gap_left():
    """'Nearly the code': every last level leaves a gap (an ellipsis or question marks)."""
    without_gap = [k for k, h in hints.load().items()
                   if "..." not in h.levels[-1] and "?" not in h.levels[-1]]
    assert not without_gap, without_gap


def test_a_release_folder_ships_its_sprints_hints_and_the_exercise_index(tmp_path, monkeypatch):
    """What write_source puts in an assignment's autograder/ for hint() and needs()."""
    from autograder.instructor import course

    sprint = next(s for s in course.discover_sprints() if s.id == "sprint7")
    monkeypatch.delenv(hints.SWITCH, raising=False)
    on = course.write_source(tmp_path / "on" / "sprint7", sprint)
    shipped = on / "autograder" / "learner"
    texts = shipped / "hint_texts"
    assert sorted(p.relative_to(texts).as_posix() for p in texts.rglob("*") if p.is_file()) == [
        "ja/sprint7.po", "sprint7.toml"]
    index = json.loads((shipped / "exercise_index.json").read_text(encoding="utf-8"))
    assert index["sprint4.affine"] == ["layers", "Affine", "Problem 5: the Affine layer"]
    out = subprocess.run([sys.executable, "-m", "autograder", "hint", "sprint7.conv1d"], cwd=on,
                         capture_output=True, text=True, check=True).stdout
    assert "level 1 of 3" in out
    monkeypatch.setenv(hints.SWITCH, "0")           # a class that grades without hints
    off = course.write_source(tmp_path / "off" / "sprint7", sprint)
    assert not (off / "autograder" / "learner" / "hint_texts").exists()
    monkeypatch.delenv(hints.SWITCH)
    out = subprocess.run([sys.executable, "-m", "autograder", "hint", "sprint7.conv1d"], cwd=off,
                         capture_output=True, text=True, check=True).stdout
    assert "turned off" in out


# ---------------------------------------------------------------- no solution code in docstrings
# A stub's docstring is the contract and the math; code that is (nearly) a line of the reference
# solution belongs in the third hint level instead. The audit compares every docstring line and
# every inline ``code`` fragment of a module with every line inside its solution regions.

def _squash(text: str) -> str:
    """Code without whitespace, one kind of quote, no leading ``return``."""
    text = re.sub(r"\s+", "", text).replace('"', "'")
    return text[len("return"):] if text.startswith("return") else text


def _solution_lines(source: str) -> list:
    inside, out = False, []
    for line in source.splitlines():
        s = line.strip()
        if s == stubs.BEGIN:
            inside = True
        elif s == stubs.END:
            inside = False
        elif inside and s and not s.startswith("#"):
            out.append(s)
    return out


def _docstring_fragments(source: str):
    """``(where, fragment)``: each docstring line (examples excluded) and each ``code`` in it."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
            continue
        doc = ast.get_docstring(node, clean=False) or ""
        where = getattr(node, "name", "module docstring")
        for line in doc.splitlines():
            if line.strip().startswith((">>>", "...")):
                continue                      # doctest examples call the function: a contract
            yield where, line.strip()
            for a, b in re.findall(r"``(.+?)``|`([^`]+)`", line):
                yield where, a or b


#: Fragments that are contracts although they look like code: the checker replays the random
#: draws, so the exact generator call is part of the specification.
RANDOM_CONTRACT = re.compile(r"default_rng|\brng\.|\.random\(|\.permutation\(|\.choice\(")


def solution_code_in_docstrings(source: str, min_length: int = 20, cover: float = 0.9) -> list:
    """``(where, docstring fragment, solution line)`` for each fragment that gives away a whole
    line of the module's solution regions: at least ``cover`` of the line's characters (blanks,
    quotes and a leading ``return`` aside) match the fragment in order, and the line is mostly
    what the fragment says (not one call mentioned in a longer sentence)."""
    targets = [(line, _squash(line)) for line in _solution_lines(source)]
    targets = [(line, t) for line, t in targets if len(t) >= min_length]
    found = []
    for where, fragment in _docstring_fragments(source):
        squashed = _squash(fragment)
        if RANDOM_CONTRACT.search(fragment):
            continue
        for line, target in targets:
            if not cover * len(target) <= len(squashed) <= len(target) / 0.6:
                continue                      # too short to hold the line, or mostly other text
            matcher = difflib.SequenceMatcher(None, squashed, target, autojunk=False)
            matched = sum(block.size for block in matcher.get_matching_blocks())
            if matched >= cover * len(target) and matched >= 0.6 * len(squashed):
                found.append((where, fragment, line))
                break
    return found


#: Accepted after review: ``(module, where)`` -> why the code in the docstring is the contract.
ACCEPTED = {
    ("perceptron.py", "AND"): "the exercise is choosing w and b; the call is the given perceptron",
    ("perceptron.py", "NAND"): "the exercise is choosing w and b; the call is the given perceptron",
}
@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.py")), ids=lambda p: p.name)
def test_no_stub_docstring_carries_solution_code(path):
    found = [f for f in solution_code_in_docstrings(path.read_text())
             if (path.name, f[0]) not in ACCEPTED]
    assert not found, "\n".join(f"{path.name}: {where}: docstring {frag!r} ~ solution {line!r}"
                                for where, frag, line in found)


def test_the_docstring_audit_finds_code_given_away():
    leaky = '''
def forward(self, x):
    """Convolve.

    Steps::

        col = im2col(x, FH, FW, self.stride, self.pad)
        out = np.dot(col, self.W.reshape(FN,-1).T)+self.b
    """
    ### BEGIN SOLUTION
    col = im2col(x, FH, FW, self.stride, self.pad)
    out = np.dot(col, self.W.reshape(FN, -1).T) + self.b
    return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    ### END SOLUTION
'''
    found = solution_code_in_docstrings(leaky)
    assert [line for _, _, line in found] == [
        "col = im2col(x, FH, FW, self.stride, self.pad)",
        "out = np.dot(col, self.W.reshape(FN, -1).T) + self.b"]
    contract = leaky.replace(
        "        col = im2col(x, FH, FW, self.stride, self.pad)\n", "").replace(
        "        out = np.dot(col, self.W.reshape(FN,-1).T)+self.b\n",
        "        out[n, f, i, j] = sum of W[f] * the window of x[n] at (i, j), plus b[f]\n")
    assert solution_code_in_docstrings(contract) == []
