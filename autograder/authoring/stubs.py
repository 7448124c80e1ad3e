"""Generate the learner's ``helpers/`` package from the reference ``solutions/`` package.

``solutions/`` is the one source of truth. In its modules, the code a learner writes is
marked (the same markers nbgrader uses in notebooks)::

    def step_function(x):
        \"\"\"...the lesson...\"\"\"
        ### BEGIN SOLUTION
        return (x > 0).astype(int)
        ### END SOLUTION

Each region becomes, at the same indentation::

        # YOUR CODE HERE (Problem ... in the notebook; the docstring above says what to do)
        raise NotImplementedError("step_function: not implemented yet")

The Japanese edition's stubs (a release ``--lang ja``, or a clone after ``./course start
--lang ja``) say it in Japanese, ``"step_function: まだ実装されていません"``
(:func:`localize_messages`), beside their Japanese docstrings.

A module without markers (plotting, data loading, provided layers) is copied whole.
``python -m autograder stubs`` writes ``helpers/``; ``python -m autograder stubs --check``
exits 1 when ``helpers/`` differs from what it would write.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..learner.errors import CourseError
from ..learner.i18n import NOT_YET, not_yet

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HEADER = ("# Generated from solutions/{name} by `python -m autograder stubs`: "
          "edit the stubs below.\n")
INIT = '''"""Your helper package: the functions and classes the course's notebooks ask you to write.

Each module belongs to a sprint (``perceptron.py`` to sprint 1, ...). Replace each
``raise NotImplementedError`` with your code, then run the check the notebook shows, e.g.
``check("sprint1.and_gate")`` or ``python -m autograder check sprint1``.
"""
'''
_DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")
#: A stub's raise line, as :func:`stub_raise` writes it (the groups: up to the words, after).
_RAISE = re.compile(r'^(\s*raise NotImplementedError\("[\w.<>]+: )' + re.escape(NOT_YET)
                    + r'("\)\n)', re.MULTILINE)


def stub_raise(where: str, words: str = NOT_YET) -> str:
    """The statement of a stub: ``raise NotImplementedError("<where>: not implemented yet")``
    (``words``: those of another language, :func:`autograder.learner.i18n.not_yet`)."""
    return f'raise NotImplementedError("{where}: {words}")'


def localize_messages(source: str, lang: str) -> str:
    """``source`` (a generated stub module) with each stub's ``NotImplementedError`` message
    in ``lang`` (``Affine.forward: まだ実装されていません``); nothing else changes."""
    words = not_yet(lang)
    if words == NOT_YET or '"' in words or "\\" in words:
        return source
    return _RAISE.sub(lambda m: m.group(1) + words + m.group(2), source)


class MarkerError(CourseError, ValueError):
    pass


def _enclosing(lines: list[str], index: int, indent: int) -> str:
    names = []
    for line in reversed(lines[:index]):
        m = _DEF.match(line)
        if m and len(m.group(1)) < indent:
            names.append(m.group(3))
            indent = len(m.group(1))
    return ".".join(reversed(names)) or "this part"


def strip_solutions(source: str, filename: str = "<source>") -> str:
    """``source`` with every solution region replaced by a ``NotImplementedError`` stub."""
    lines = source.splitlines(keepends=True)
    out, inside, start = [], False, 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise MarkerError(f"{filename}:{i + 1}: {BEGIN} inside another region")
            inside, start = True, i
            indent = line[: len(line) - len(line.lstrip())]
            where = _enclosing(lines, i, len(indent))
            out.append(f"{indent}# YOUR CODE HERE\n")
            out.append(f'{indent}{stub_raise(where)}\n')
        elif stripped == END:
            if not inside:
                raise MarkerError(f"{filename}:{i + 1}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{filename}:{start + 1}: {BEGIN} is never closed")
    return "".join(out)


def expected_helpers(solutions_dir: Path = ROOT / "solutions") -> dict[str, str]:
    """``{file name: text}`` of the ``helpers/`` package generated from ``solutions_dir``."""
    files = {"__init__.py": INIT}
    for src in sorted(Path(solutions_dir).glob("*.py")):
        if src.name == "__init__.py":
            continue
        text = src.read_text(encoding="utf-8")
        if BEGIN in text:
            files[src.name] = HEADER.format(name=src.name) + strip_solutions(text, str(src))
        else:
            files[src.name] = text
    return files


def differences(helpers_dir: Path = ROOT / "helpers",
                solutions_dir: Path = ROOT / "solutions") -> list[str]:
    """File names in ``helpers_dir`` that differ from the generated package (or are extra)."""
    want = expected_helpers(solutions_dir)
    have = {p.name for p in Path(helpers_dir).glob("*.py")}
    diff = [n for n, text in want.items()
            if not (Path(helpers_dir) / n).is_file()
            or (Path(helpers_dir) / n).read_text(encoding="utf-8") != text]
    return sorted(diff + sorted(have - set(want)))


def write_helpers(helpers_dir: Path = ROOT / "helpers",
                  solutions_dir: Path = ROOT / "solutions") -> list[str]:
    """Write the generated package; removes generated modules that no longer exist."""
    helpers_dir = Path(helpers_dir)
    helpers_dir.mkdir(exist_ok=True)
    want = expected_helpers(solutions_dir)
    for stale in set(p.name for p in helpers_dir.glob("*.py")) - set(want):
        (helpers_dir / stale).unlink()
    for name, text in want.items():
        (helpers_dir / name).write_text(text, encoding="utf-8")
    return sorted(want)
