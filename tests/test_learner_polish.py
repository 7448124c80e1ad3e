"""Learner-facing polish, checked statically (cheap: nothing is executed).

- Every plot has a title and labelled axes: a notebook cell that draws (``ax.plot``,
  ``plt.imshow``, a ``plot_*`` helper, ...) also sets a title and both axis labels, or hides the
  axes (an image, a diagram); the plotting helpers of ``helpers/`` that draw do so themselves
  (or take a ``title`` that the notebook gives). Calls into a helper count with what the helper
  sets, so a notebook may leave the labels to ``plotting.plot_errors``.
- Every long step shows a progress bar: the training loops of the provided helpers use
  ``tqdm.auto``.
- Error messages of the provided helpers name the shapes, expected and got.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import nbformat
import pytest

from .conftest import HELPERS, NOTEBOOKS

DRAW = {"plot", "scatter", "imshow", "hist", "bar", "barh", "contour", "contourf", "pcolormesh",
        "semilogy", "semilogx", "loglog", "errorbar", "fill_between", "quiver", "matshow",
        "stackplot", "violinplot", "boxplot", "pie"}
TITLE = {"set_title", "title", "suptitle"}
XLABEL = {"set_xlabel", "xlabel", "supxlabel"}
YLABEL = {"set_ylabel", "ylabel", "supylabel"}
OFF = {"set_axis_off"}


@dataclass
class Marks:
    """What a piece of code does to a figure."""

    draws: bool = False
    title: bool = False
    xlabel: bool = False
    ylabel: bool = False
    off: bool = False
    calls: set = field(default_factory=set)   # names of functions it calls

    def absorb(self, other: Marks) -> None:
        for k in ("draws", "title", "xlabel", "ylabel", "off"):
            setattr(self, k, getattr(self, k) or getattr(other, k))

    @property
    def labelled(self) -> bool:
        return self.title and (self.off or (self.xlabel and self.ylabel))


def _empty_list(node) -> bool:
    return isinstance(node, (ast.List, ast.Tuple)) and not node.elts


def marks_of(tree: ast.AST) -> Marks:
    m = Marks()
    hidden_ticks = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        m.calls.add(name)
        if name in DRAW:
            m.draws = True
        m.title |= name in TITLE
        m.xlabel |= name in XLABEL
        m.ylabel |= name in YLABEL
        m.off |= name in OFF
        if name == "axis" and node.args and isinstance(node.args[0], ast.Constant) \
                and node.args[0].value in ("off", False):
            m.off = True
        if name in ("set_xticks", "xticks") and node.args and _empty_list(node.args[0]):
            hidden_ticks.add("x")
        if name in ("set_yticks", "yticks") and node.args and _empty_list(node.args[0]):
            hidden_ticks.add("y")
        for kw in node.keywords:
            if kw.arg == "title" and not (isinstance(kw.value, ast.Constant)
                                          and kw.value.value is None):
                m.title = True
            m.xlabel |= kw.arg == "xlabel"
            m.ylabel |= kw.arg == "ylabel"
            if kw.arg == "xticks" and _empty_list(kw.value):
                hidden_ticks.add("x")
            if kw.arg == "yticks" and _empty_list(kw.value):
                hidden_ticks.add("y")
    m.off |= hidden_ticks == {"x", "y"}  # a diagram without axes
    return m


def helper_functions() -> dict:
    """``{function name: Marks}`` of every function in ``helpers/*.py``, with the marks of
    the same-module functions it calls folded in."""
    out: dict = {}
    for path in sorted(HELPERS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {n.name: marks_of(n) for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for _ in range(3):  # helpers calling helpers, a few levels deep
            for m in local.values():
                for called in m.calls & set(local):
                    m.absorb(local[called])
        out.update(local)
    return out


HELPER_MARKS = helper_functions()


def _code(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def cell_marks(source: str) -> Marks:
    m = marks_of(ast.parse(_code(source)))
    for called in m.calls & set(HELPER_MARKS):
        helper = HELPER_MARKS[called]
        if helper.draws:
            m.draws = True
            m.absorb(helper)
    return m


def test_the_audit_can_fail():
    assert not cell_marks("fig, ax = plt.subplots()\nax.plot([1, 2])").labelled
    assert cell_marks("ax.plot([1, 2])").draws
    assert not cell_marks("ax.plot(x)\nax.set_title('t')\nax.set_xlabel('x')").labelled
    assert cell_marks("ax.plot(x)\nax.set(title='t', xlabel='x', ylabel='y')").labelled
    assert cell_marks("ax.imshow(img)\nax.axis('off')\nax.set_title('a digit')").labelled
    assert not cell_marks("net.step(grads, lr)").draws


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_plot_in_the_notebook_has_a_title_and_axis_labels(path):
    nb = nbformat.read(path, as_version=4)
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            m = cell_marks(cell.source)
        except SyntaxError:
            continue  # a cell the learner completes (``...``): nothing to audit yet
        if m.draws and not m.labelled:
            missing = [k for k in ("title", "xlabel", "ylabel") if not getattr(m, k)]
            bad.append(f"cell {i} lacks {', '.join(missing)}: {cell.source.splitlines()[0][:60]}")
    assert not bad, "plots without a title or axis labels:\n" + "\n".join(bad)


PLOT_HELPERS = sorted(n for n, m in HELPER_MARKS.items() if m.draws and not n.startswith("_"))


@pytest.mark.parametrize("name", PLOT_HELPERS)
def test_every_plotting_helper_labels_its_axes(name):
    m = HELPER_MARKS[name]
    assert m.off or (m.xlabel and m.ylabel), f"{name} draws without labelling both axes"


def test_training_loops_of_the_helpers_show_a_progress_bar():
    """A helper with an epoch loop (``for epoch in ...``) uses ``tqdm.auto``."""
    for path in sorted(HELPERS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"for\s+epoch\s+in\s", text):
            assert "tqdm.auto" in text, f"{path.name} trains in a loop without a progress bar"


def test_shape_errors_of_the_provided_helpers_name_the_shapes():
    """A wrong shape given to a provided helper is answered with the shapes, expected and got."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    from helpers import plotting

    with pytest.raises(ValueError, match=r"shape \(40000, 2\).*\(3,\).*expected \(40000,\)"):
        plotting.decision_grid(lambda X: np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        plotting.plot_line(np.array([1.0, 2.0, 3.0]), 0.0)
