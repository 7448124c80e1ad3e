"""Slides: every sprint notebook carries slide metadata, renders as reveal.js, and the slides
never show reference code (the solution regions of ``solutions/*.py``) or a hidden case."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import numpy as np
import pytest

from autograder import slides
from autograder.registry import live_exercises

from .conftest import HELPERS, SOLUTIONS

NOTEBOOKS = slides.sprint_notebooks()


# Solution-region lines that a notebook shows on purpose, each with the reason it is no leak.
SHOWN_ON_PURPOSE = {
    "self.w = np.zeros(n_inputs)":
        "sprint 1's problem text tells the learner to start the perceptron's weights at zero",
    "return (np.asarray(x) > 0).astype(float)":
        "sprint 2's plot redefines sprint 1's step function, which is also relu_grad's answer",
    "self.params[key] -= self.lr * self.grads[key]":
        "sprint 5's problem text gives the plain SGD update rule of _update()",
    "self.optimizer.update(self.params, self.grads)":
        "sprint 5's problem text gives the optimizer interface of _update()",
}


def _sprint_number(sprint: str) -> int:
    return int(sprint[len("sprint"):])


def _last_sprint_of_module() -> dict:
    """``{module: the last sprint with an exercise in solutions/<module>.py}``."""
    out: dict = {}
    for ex in live_exercises():
        out[ex.module] = max(out.get(ex.module, -1), _sprint_number(ex.sprint))
    return out


def _solution_lines() -> dict:
    """``{line: {module, ...}}`` for every line inside a solution region of ``solutions/*.py``.

    Lines too generic to be the reference's (``return out``, a bracket) are left out: a notebook
    may well say them on its own. A line counts when it has at least 18 characters besides
    blanks, which every line that does real work in a solution region has. Lines the learner
    is given anyway (in the provided code of ``helpers/``) and the few lines a notebook shows on
    purpose (``SHOWN_ON_PURPOSE``) do not count.
    """
    given = {ln.split("  #")[0].strip() for f in HELPERS.glob("*.py")
             for ln in f.read_text(encoding="utf-8").splitlines()}
    out: dict = {}
    for path in sorted(SOLUTIONS.glob("*.py")):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            marker = line.strip()
            s = line.split("  #")[0].strip()  # the code, without a trailing comment
            if marker == "### BEGIN SOLUTION":
                inside = True
            elif marker == "### END SOLUTION":
                inside = False
            elif inside and len(s.replace(" ", "")) >= 18 and not s.startswith("#") \
                    and s not in given and s not in SHOWN_ON_PURPOSE:
                out.setdefault(s, set()).add(path.stem)
    return out


def _secret_lines(sprint: str) -> dict:
    """The solution lines sprint ``sprint``'s slides must not show: those of its own and of
    later sprints' modules (a later notebook may reuse what an earlier sprint solved)."""
    last = _last_sprint_of_module()
    n = _sprint_number(sprint)
    return {line: mods for line, mods in _solution_lines().items()
            if any(last.get(m, 10 ** 6) >= n for m in mods)}


class _Text(HTMLParser):
    """The text a reader sees: tags dropped, entities decoded (code is highlighted token by
    token, so a source line is only whole again in the text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    files = slides.render_all(out, progress=False)
    return {p.name.replace(".slides.html", ""): p.read_text(encoding="utf-8") for p in files}


def test_the_rule_tags_headings_problems_and_hides_setup_checks_and_answers():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Sprint 9 — a title"),
        nbformat.v4.new_code_cell("# Setup: run this cell first."),
        nbformat.v4.new_markdown_cell("## 【問題1】 Problem 1: a thing"),
        nbformat.v4.new_code_cell('check("sprint9.thing")',
                                  metadata={"nbgrader": {"grade": True, "solution": False}}),
        nbformat.v4.new_markdown_cell("Some text, no heading."),
        nbformat.v4.new_markdown_cell("YOUR ANSWER HERE",
                                      metadata={"nbgrader": {"grade": True, "solution": True}}),
        nbformat.v4.new_code_cell("plt.plot([1, 2])",
                                  metadata={"slideshow": {"slide_type": "fragment"}}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("### Experiment 1.1: a plot"),
    ]
    assert slides.tag_notebook(nb) == 8
    got = [c.metadata.slideshow.slide_type for c in nb.cells]
    assert got == ["slide", "skip", "subslide", "skip", "-", "skip", "fragment", "-", "subslide"]
    assert slides.tag_notebook(nb) == 0, "tagging twice changes nothing"
    assert slides.tag_notebook(nb, reset=True) == 1  # only the author's "fragment" goes
    assert nb.cells[6].metadata.slideshow.slide_type == "-"


def test_regions_are_stripped():
    src = "a = 1\n    ### BEGIN SOLUTION\n    secret = 42\n    ### END SOLUTION\nb = 2\n" \
          "### BEGIN HIDDEN TESTS\nassert hidden\n### END HIDDEN TESTS"
    out = slides.strip_regions(src)
    assert "secret" not in out and "hidden" not in out
    assert out.splitlines() == ["a = 1", "    # YOUR CODE HERE", "b = 2", "# YOUR CODE HERE"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata(path):
    nb = nbformat.read(path, as_version=4)
    missing = slides.untagged_cells(nb)
    assert not missing, (f"cells {missing} of {path.name} have no slide type: run "
                         "`python -m autograder slides --tag`")
    first = nb.cells[0]
    assert first.metadata.slideshow.slide_type == "slide", "the title opens the first slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides_render_with_every_part_and_problem(path, rendered):
    page = rendered[path.stem]
    assert "reveal" in page and page.count("<section") >= 5
    text = _normalise(_visible_text(page))
    nb = nbformat.read(path, as_version=4)
    titles = [c.source.lstrip().split("\n", 1)[0].lstrip("# ").strip() for c in nb.cells
              if c.cell_type == "markdown" and c.source.lstrip().startswith("#")]
    problems = [t for t in titles if "【問題" in t]
    assert problems, "the sprint's problems appear on the slides"
    for title in titles:
        first_words = _normalise(re.split(r"[`*$\\_]", title)[0]).strip()[:25]  # before markup
        assert first_words in text, f"heading {title!r} is not on the slides"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides_show_no_solution_code_no_check_and_no_hidden_case(path, rendered):
    page = rendered[path.stem]
    text = _normalise(_visible_text(page))
    sprint = path.name.split("_", 1)[0]
    leaked = [f"{'/'.join(sorted(mods))}.py: {line}"
              for line, mods in _secret_lines(sprint).items() if _normalise(line) in text]
    assert not leaked, f"reference code on the slides: {leaked[:5]}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS"):
        assert marker not in text, f"{marker!r} is on the slides"
    deck = slides.slide_deck(nbformat.read(path, as_version=4))
    graded = [c for c in deck.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert not graded, "no check cell and no answer cell on the slides"
    for ex in live_exercises():
        if ex.sprint != sprint:
            continue
        # hidden cases with a long enough label to be recognisable (a salted edge case is a
        # function of a generator: any seed gives its label)
        for c in (e(np.random.default_rng(0)) if callable(e) else e for e in ex.edge_cases):
            label = c.get("label", "")
            if len(label) >= 30:
                assert _normalise(label) not in text, f"hidden case {label!r} of {ex.id}"


def test_solution_lines_are_found_when_they_are_there():
    """The leak check can fail: a notebook that pastes a solution line is caught."""
    line, _ = next(iter(_secret_lines("sprint0").items()))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("# setup"),
                nbformat.v4.new_code_cell(line)]
    text = _normalise(_visible_text(slides.render(nb)))
    assert _normalise(line) in text


def test_the_command_renders_into_a_folder(tmp_path):
    from autograder.__main__ import main

    assert main(["slides", "--check"]) == 0
    assert main(["slides", str(tmp_path / "out")]) == 0
    names = sorted(p.name for p in (tmp_path / "out").glob("*.slides.html"))
    assert names == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)


def test_an_assets_folder_is_checked_and_used(tmp_path):
    assets = tmp_path / "assets-src"
    with pytest.raises(FileNotFoundError, match="reveal.js/dist/reveal.js"):
        slides.render_all(tmp_path / "out", NOTEBOOKS[:1], assets_dir=assets, progress=False)
    for rel in ("reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js", "require.js",
                "jquery.min.js", "mathjax/MathJax.js"):
        (assets / rel).parent.mkdir(parents=True, exist_ok=True)
        (assets / rel).write_text("// stand-in\n")
    [page] = slides.render_all(tmp_path / "out", NOTEBOOKS[:1], assets_dir=assets,
                               progress=False)
    body = page.read_text(encoding="utf-8")
    assert 'src="assets/require.js"' in body and "assets/reveal.js/dist/reveal.js" in body
    assert "assets/mathjax/MathJax.js" in body and "unpkg.com" not in body
    assert (tmp_path / "out" / "assets" / "require.js").is_file()
