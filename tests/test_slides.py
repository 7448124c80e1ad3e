"""Slides: every sprint notebook carries slide metadata, renders as reveal.js, and the slides
never show reference code (the solution regions of ``solutions/*.py``) or a hidden case."""
from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.authoring import slides
from autograder.learner.registry import live_exercises

from .conftest import HELPERS, ROOT, SOLUTIONS

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
def rendered_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    slides.render_all(out, progress=False)
    return out


@pytest.fixture(scope="module")
def rendered(rendered_dir):
    return {p.name.replace(".slides.html", ""): p.read_text(encoding="utf-8")
            for p in rendered_dir.glob("*.slides.html")}


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


def test_the_check_names_each_untagged_cell_and_the_command_that_tags_them(
        tmp_path, monkeypatch, capsys):
    from autograder.__main__ import main

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    slides.tag_notebook(nb)
    nb.cells.append(nbformat.v4.new_code_cell("y = 2"))       # added after tagging
    path = tmp_path / "sprint9_new.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(slides, "sprint_notebooks", lambda: [path])
    assert main(["slides", "--check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["sprint9_new.ipynb: cells without a slide type: [2]",
                   "run `python -m autograder slides --tag`"], err
    slides.tag_notebook(nb)
    nbformat.write(nb, path)
    assert main(["slides", "--check"]) == 0
    assert capsys.readouterr().out == "every sprint notebook has slide metadata\n"


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


# Hosts that serve JavaScript, CSS or fonts to web pages: none of them may appear in a deck.
CDN_HOSTS = ("unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "jsdelivr.net",
             "fonts.googleapis.com", "fonts.gstatic.com", "ajax.googleapis.com",
             "code.jquery.com", "cdn.mathjax.org", "polyfill.io", "esm.sh", "skypack.dev")


class _Loads(HTMLParser):
    """Every URL an HTML page *loads* (scripts, style sheets, images, frames, CSS ``url()`` and
    ``@import``, JavaScript ``import``), as opposed to the links a reader may follow."""

    ATTRS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
             "video": "src", "audio": "src", "embed": "src", "object": "data"}
    CSS_URL = re.compile(r"""(?:url\(|@import\s+(?!url\())\s*['"]?([^'")\s]+)""")
    JS_IMPORT = re.compile(r"""\bimport\s*(?:\(\s*|[\w{},*\s]+from\s*)['"]([^'"]+)['"]""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self._in = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get(self.ATTRS.get(tag, "")):
            self.urls.append(attrs[self.ATTRS[tag]])
        for value in (attrs.get("style") or "",):
            self.urls += self.CSS_URL.findall(value)
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.urls += self.CSS_URL.findall(re.sub(r"/\*.*?\*/", "", data, flags=re.S))
        elif self._in == "script":
            self.urls += self.JS_IMPORT.findall(data)


def loaded_urls(page: str) -> list:
    parser = _Loads()
    parser.feed(page)
    return parser.urls


def remote_loads(page: str) -> list:
    """What ``page`` would fetch from the network: loaded URLs that are not relative or data:,
    and any mention of a CDN host."""
    remote = [u for u in loaded_urls(page) if re.match(r"(?i)(https?:)?//", u)]
    return remote + [h for h in CDN_HOSTS if h in page]


def test_the_network_check_finds_what_nbconvert_loads_from_cdns():
    """The check can fail: nbconvert's own slides template loads reveal.js, RequireJS, jQuery,
    MathJax and mermaid from CDNs, and the check names them."""
    from nbconvert import SlidesExporter

    page, _ = SlidesExporter().from_notebook_node(slides.slide_deck(
        nbformat.read(NOTEBOOKS[0], as_version=4)))
    found = " ".join(remote_loads(page))
    for what in ("reveal.js", "require", "jquery", "mathjax", "mermaid"):
        assert what in found.lower(), what
    assert remote_loads('<p><a href="https://example.org/paper">a paper</a></p>') == []
    assert remote_loads('<style>@import url(https://x.org/a.css);</style>') == [
        "https://x.org/a.css"]
    assert remote_loads('<script type="module">import m from "//x.org/m.js";</script>') == [
        "//x.org/m.js"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_deck_loads_nothing_from_the_network_and_everything_it_loads_is_beside_it(
        path, rendered_dir):
    page = (rendered_dir / f"{path.stem}.slides.html").read_text(encoding="utf-8")
    assert remote_loads(page) == []
    local = {u.split("?")[0].split("#")[0] for u in loaded_urls(page)
             if not u.startswith("data:")}
    assert {"assets/reveal.js/dist/reveal.js", "assets/reveal.js/plugin/notes/notes.js",
            "assets/mathjax/MathJax.js", "assets/reveal.js/dist/theme/white.css"} <= local
    for rel in local:
        assert (rendered_dir / rel).is_file(), f"{path.name} loads {rel}, which is not there"


def test_the_assets_hold_what_mathjax_and_the_theme_load(rendered_dir):
    """MathJax loads its configuration and web fonts, the theme its fonts, by relative URL."""
    assets = rendered_dir / slides.ASSETS
    config = slides.MATHJAX_CONFIG.split(",")[0]
    assert (assets / "mathjax" / "config" / f"{config}.js").is_file()
    assert list((assets / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web").rglob("*.woff"))
    theme = (assets / "reveal.js" / "dist" / "theme" / "white.css").read_text()
    for rel in re.findall(r"@import url\(([^)]+)\)", theme):
        css = assets / "reveal.js" / "dist" / "theme" / rel
        assert css.is_file(), rel
        for font in re.findall(r"url\('?\./([^'?#)]+)", css.read_text()):
            assert (css.parent / font).is_file(), font
    for css in assets.rglob("*.css"):  # what a style sheet loads, comments left out
        assert remote_loads(f"<style>{css.read_text(errors='replace')}</style>") == [], css


def test_without_the_packages_rendering_says_what_to_install(tmp_path, monkeypatch):
    gone = slides.AssetSource("reveal.js", "no_such_module_here", "sphinx-revealjs", "x", ("y",))
    monkeypatch.setattr(slides, "ASSET_SOURCES", (gone,))
    with pytest.raises(FileNotFoundError, match="sphinx-revealjs.*pip install -r requirements"):
        slides.render_all(tmp_path / "out", NOTEBOOKS[:1], progress=False)


def _pinned(name: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.split("==")[0].strip().lower() == name:
            return line.split("==")[1].split("#")[0].strip()
    raise AssertionError(f"{name} is not pinned in requirements.txt")


def test_the_asset_packages_are_pinned_requirements():
    for source in slides.ASSET_SOURCES:
        assert _pinned(source.distribution)


def _jupyter(*args) -> str:
    done = subprocess.run([sys.executable, "-m", "jupyter", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)


def test_rise_is_installed_and_enabled_in_jupyterlab():
    """Live slides: RISE's JupyterLab extension and its server extension (the slide-show page)
    are installed and enabled, at the pinned version; MathJax is served by the server too."""
    if importlib.util.find_spec("jupyterlab_rise") is None:
        pytest.skip("RISE (jupyterlab-rise) is not installed: pip install -r requirements.txt")
    version = _pinned("jupyterlab-rise")
    lab = _jupyter("labextension", "list")
    assert re.search(rf"jupyterlab-rise v{re.escape(version)} enabled\s+OK", lab), lab
    server = _jupyter("server", "extension", "list")
    for ext in ("jupyterlab_rise", "jupyter_server_mathjax"):
        assert re.search(rf"{ext} enabled", server), server


def test_rise_set_up_writes_the_course_defaults_where_jupyterlab_reads_them(tmp_path,
                                                                           monkeypatch):
    import json

    from jupyterlab_server.settings_utils import _get_overrides

    if importlib.util.find_spec("jupyterlab_rise") is None:
        pytest.skip("RISE (jupyterlab-rise) is not installed: pip install -r requirements.txt")
    target = tmp_path / "lab" / "settings" / "overrides.d" / slides.RISE_OVERRIDES
    monkeypatch.setattr(slides, "rise_overrides_file", lambda: target)
    assert slides.set_up_rise() == target
    overrides, error = _get_overrides(str(tmp_path / "lab" / "settings"))
    assert not error
    assert overrides["jupyterlab-rise:plugin"] == {"theme": "white", "scroll": True}
    schema = json.loads((Path(sys.prefix) / "share" / "jupyter" / "labextensions" /
                         "jupyterlab-rise" / "schemas" / "jupyterlab-rise" / "plugin.json")
                        .read_text())
    assert "white" in schema["properties"]["theme"]["enum"]
    assert schema["properties"]["scroll"]["type"] == "boolean"


def test_an_inline_formula_over_a_line_break_is_joined_as_jupyterlab_reads_it():
    """A formula whose second line starts with ``+`` is a list item to nbconvert's markdown (and
    the cell's later formulas stay raw TeX); on the slides it is one line, as in JupyterLab."""
    cell = ("- then $\\partial L / \\partial x_1 = \\delta_0 w_1\n  + \\delta_1 w_0$. In general"
            " $a$ over\n- next\n\n```\ncosts $5\n+ $6\n```\n$$\na\n+ b\n$$\nprice `$x\n$`")
    joined = slides.join_inline_math(cell)
    assert "$\\partial L / \\partial x_1 = \\delta_0 w_1 + \\delta_1 w_0$" in joined
    assert joined.split("- next", 1)[1] == cell.split("- next", 1)[1]  # code and $$ untouched
    assert slides.join_inline_math("$a$ costs $5\n\nand $6") == "$a$ costs $5\n\nand $6"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell(cell)]
    text = _visible_text(slides.render(nb))
    assert "\\delta_0 w_1 + \\delta_1 w_0" in text    # one formula for MathJax, not a list item
