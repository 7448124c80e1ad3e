"""Slides for study sessions: each sprint notebook as a reveal.js slide show (facilitator side).

Two deterministic steps make the slide files, and JupyterLab presents the notebooks live:

1. **Tagging** (``python -m autograder slides --tag``) writes the standard Jupyter slide metadata,
   ``cell.metadata.slideshow.slide_type``, into every cell of ``notebooks/sprint*.ipynb`` by a
   rule (:func:`slide_type_for`):

   - a markdown cell starting with ``# `` (a part of the sprint): ``slide``;
   - one starting with ``## `` or ``### `` (a section, a problem 【問題N】, an experiment):
     ``subslide``;
   - the setup cell (the first code cell), a check cell (nbgrader grade cell) and a
     discussion answer cell (``YOUR ANSWER HERE``): ``skip``;
   - anything else: ``-`` (it goes on the current slide).

   A cell that already has a slide type keeps it: that is the author's choice (set it in
   JupyterLab's property inspector, "Slide Type"). ``--reset`` forgets those choices and applies
   the rule to every cell.

2. **Rendering** (``python -m autograder slides OUT_DIR``) writes
   ``OUT_DIR/sprintN_<slug>.slides.html``
   for every sprint with nbconvert's reveal.js exporter. Before rendering, every cell the slide
   show skips is dropped, and any solution region (``### BEGIN SOLUTION`` ... ``### END
   SOLUTION``) or hidden-test region (``### BEGIN HIDDEN TESTS`` ...) in a cell is replaced by
   ``# YOUR CODE HERE``: the slides never show reference code or a hidden case (the reference
   lives in ``solutions/`` and the hidden cases in ``autograder/exercises/``, neither of which
   the notebooks include). The HTML loads nothing from the network: reveal.js and MathJax are
   copied from the Python packages that ship them (``sphinx-revealjs``, ``jupyter-server-mathjax``,
   pinned in ``requirements.txt``) to ``OUT_DIR/assets``, beside the HTML files
   (:data:`ASSET_SOURCES`), so the folder presents from disk in a room without network.
   ``--from DIR`` renders the notebooks of another folder, e.g. copies the facilitator ran, whose
   plots then show on the slides (embedded in the HTML). ``--lang ja`` (default: the course's
   language, ``COURSE_LANG`` or the locale) renders the Japanese edition: each notebook's text
   from its catalog, as ``python -m autograder translate build`` builds it (:func:`in_language`).

3. **Live slides** in JupyterLab: RISE (``jupyterlab-rise``) presents the open notebook from the
   same metadata, with its kernel running. ``python -m autograder slides --rise`` sets RISE's
   defaults for the course (:data:`RISE_SETTINGS`: a theme whose fonts ship with RISE, long
   slides scroll).
"""
from __future__ import annotations

import copy
import importlib.util
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as html_escape
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..learner import sprints

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
REGIONS = (("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
ANSWER_PLACEHOLDER = "YOUR ANSWER HERE"


def sprint_notebooks(folder: Path | None = None) -> list[Path]:
    """``notebooks/sprintN_<slug>.ipynb`` in course order."""
    return sprints.sprint_notebooks(folder or NOTEBOOKS)


def _is_check_cell(cell: NotebookNode) -> bool:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(nbg.get("grade")) and not nbg.get("solution")


def _is_answer_cell(cell: NotebookNode) -> bool:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return bool(nbg.get("solution")) or cell.source.strip() == ANSWER_PLACEHOLDER


def slide_type_for(cell: NotebookNode, *, is_setup: bool = False) -> str:
    """The slide type the rule gives ``cell`` (see the module docstring)."""
    if cell.cell_type == "code" and (is_setup or _is_check_cell(cell)):
        return "skip"
    if _is_answer_cell(cell):
        return "skip"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith("# "):
            return "slide"
        if first.startswith(("## ", "### ")):
            return "subslide"
    return "-"


def tag_notebook(nb: NotebookNode, *, reset: bool = False) -> int:
    """Set ``metadata.slideshow.slide_type`` on every cell of ``nb``; returns how many changed.

    A slide type already present (the author's) is kept unless ``reset``.
    """
    changed = 0
    setup_seen = False
    for cell in nb.cells:
        is_setup = cell.cell_type == "code" and not setup_seen
        setup_seen = setup_seen or cell.cell_type == "code"
        current = cell.metadata.get("slideshow", {}).get("slide_type")
        if current in SLIDE_TYPES and not reset:
            continue
        want = slide_type_for(cell, is_setup=is_setup)
        if current != want:
            cell.metadata["slideshow"] = nbformat.from_dict(
                {**cell.metadata.get("slideshow", {}), "slide_type": want})
            changed += 1
    return changed


def write_notebook(nb: NotebookNode, path: Path | str) -> None:
    """Write as the repository keeps notebooks (nbformat's layout, a final newline)."""
    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def tag_all(paths: Iterable[Path | str] | None = None, *, reset: bool = False,
            ) -> dict[Path, int]:
    """Tag the given notebooks (default: every sprint notebook); ``{path: cells changed}``."""
    out = {}
    for path in paths or sprint_notebooks():
        nb = nbformat.read(path, as_version=4)
        n = tag_notebook(nb, reset=reset)
        if n:
            write_notebook(nb, path)
        out[Path(path)] = n
    return out


def untagged_cells(nb: NotebookNode) -> list[int]:
    """Indices of the cells without a valid slide type."""
    return [i for i, c in enumerate(nb.cells)
            if c.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]


# --------------------------------------------------------------------------- rendering
def strip_regions(source: str) -> str:
    """Replace solution and hidden-test regions by ``# YOUR CODE HERE``."""
    lines, out, inside = source.splitlines(), [], None
    for line in lines:
        stripped = line.strip()
        if inside is None:
            for begin, end in REGIONS:
                if stripped == begin:
                    inside = end
                    out.append(line[: len(line) - len(line.lstrip())] + "# YOUR CODE HERE")
                    break
            else:
                out.append(line)
        elif stripped == inside:
            inside = None
    return "\n".join(out)


_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)(?<!\\)\$")


def join_inline_math(source: str) -> str:
    """Put every inline formula (``$...$``) of a markdown cell on one line.

    JupyterLab takes the formulas out before it reads the markdown, so a formula may run over a
    line break; nbconvert reads the markdown first, and a formula whose second line starts with
    ``+`` or ``-`` becomes a list item, its ``$`` signs pair wrongly and the rest of the cell
    shows raw TeX. Joining the formula's lines (TeX reads a line break as a space) makes the
    slides show what JupyterLab shows. Code (fenced blocks, backticks) and ``$$`` display math
    are left alone; a formula never spans a blank line.
    """
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        text = "\n".join(block)
        parts = re.split(r"(`+[^`]*`+|\$\$.*?\$\$)", text, flags=re.S)
        for i in range(0, len(parts), 2):  # the text between code spans and display math
            parts[i] = _INLINE_MATH.sub(
                lambda m: m.group(0) if "\n\n" in m.group(1)
                else "$" + re.sub(r"\s*\n\s*", " ", m.group(1)) + "$", parts[i])
        out.append("".join(parts))
        block.clear()

    fenced = None
    for line in source.split("\n"):
        fence = _FENCE.match(line)
        if fenced:
            out.append(line)
            if fence and fence.group(1) == fenced:
                fenced = None
        elif fence:
            if block:
                flush()
            out.append(line)
            fenced = fence.group(1)
        else:
            block.append(line)
    if block:
        flush()
    return "\n".join(out)


def slide_deck(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` as the slides show it: skipped cells dropped, no outputs of
    check cells, regions stripped; untagged cells get the rule's slide type."""
    nb = copy.deepcopy(nb)
    tag_notebook(nb)
    kept = []
    for cell in nb.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "skip":
            continue
        if _is_check_cell(cell) or _is_answer_cell(cell):
            continue  # whatever the author's tag: a check's output or an answer is no slide
        cell.source = strip_regions(cell.source)
        if cell.cell_type == "markdown":
            cell.source = join_inline_math(cell.source)
        kept.append(cell)
    nb.cells = kept
    return nb


# --------------------------------------------------------------------------- offline assets
@dataclass(frozen=True)
class AssetSource:
    """Where an installed package (pinned in requirements.txt) keeps files the slides load."""
    folder: str         # the folder beside the HTML files: ``OUT_DIR/assets/<folder>``
    module: str         # the package's import name (found, never imported)
    distribution: str   # its name on PyPI, for the error message
    inside: str         # the folder of the files inside the package
    keep: tuple[str, ...]   # the files and folders to copy, relative to ``inside``


ASSET_SOURCES = (
    # reveal.js 5 (its dist/ build and the speaker-notes plugin), as sphinx-revealjs ships it;
    # the "white" theme, whose fonts are local (the "simple" theme imports web fonts).
    AssetSource("reveal.js", "sphinx_revealjs", "sphinx-revealjs", "_static/revealjs",
                ("LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css",
                 "dist/theme/white.css", "dist/theme/fonts/source-sans-pro",
                 "plugin/notes/notes.js")),
    # MathJax 2.7 with its TeX input, HTML-CSS output and STIX web fonts, as the Jupyter
    # server's MathJax extension ships it (the MathJax of nbconvert's templates).
    AssetSource("mathjax", "jupyter_server_mathjax", "jupyter-server-mathjax", "static",
                ("LICENSE", "MathJax.js", "config", "extensions", "fonts", "jax",
                 "localization")),
)
ASSETS = "assets"  # OUT_DIR/assets, referred to by a relative URL from every deck
THEME = "white"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"


def asset_source_dir(source: AssetSource) -> Path:
    """The installed folder of ``source``; ``FileNotFoundError`` naming the package if absent."""
    spec = importlib.util.find_spec(source.module)
    folder = Path(spec.origin).parent / source.inside if spec and spec.origin else None
    missing = [] if folder is None else [k for k in source.keep if not (folder / k).exists()]
    if folder is None or missing:
        raise FileNotFoundError(
            f"the slides' {source.folder} comes from the Python package {source.distribution}, "
            f"which is not installed{f' whole (no {missing[0]})' if missing else ''}: "
            "run `pip install -r requirements.txt` once, with network")
    return folder


def copy_assets(out_dir: Path) -> Path:
    """Copy reveal.js and MathJax from their installed packages to ``out_dir/assets``."""
    target = Path(out_dir) / ASSETS
    for source in ASSET_SOURCES:
        origin = asset_source_dir(source)
        dest = target / source.folder
        if dest.exists():
            shutil.rmtree(dest)
        for rel in source.keep:
            src = origin / rel
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest / rel, ignore=shutil.ignore_patterns("*.map"))
            else:
                shutil.copyfile(src, dest / rel)
    return target


# nbconvert's reveal template, with every script it would load from a CDN (jQuery, RequireJS,
# mermaid, the widget manager, reveal.js, MathJax) replaced by the local copies in ``assets/``.
# Reveal.js and its notes plugin are plain scripts (no RequireJS); the long-slide scrolling of
# nbconvert's template is kept, without jQuery.
OFFLINE_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
    TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
    tex2jax: {inlineMath: [['$', '$'], ['\\(', '\\)']],
              displayMath: [['$$', '$$'], ['\\[', '\\]']],
              processEscapes: true, processEnvironments: true},
    "HTML-CSS": {availableFonts: [], imageFont: null, preferredFont: null,
                 webFont: "STIX-Web", linebreaks: {automatic: true}},
    displayAlign: "center",
    messageStyle: "none",
    menuSettings: {zoom: "None"}
});
</script>
<script src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
(function () {
    Reveal.initialize({
        controls: true,
        progress: true,
        history: true,
        transition: "{{ resources.reveal.transition | default('slide', true) }}",
        slideNumber: "{{ resources.reveal.number | default('', true) }}",
        plugins: [RevealNotes],
        width: {{ resources.reveal.width | default('960', true) }},
        height: {{ resources.reveal.height | default('700', true) }}
    });
    var scroll = {{ resources.reveal.scroll | default(false, true) | json_dumps }};
    function setScrollingSlide() {
        if (!scroll) return;
        var h = document.querySelector('.reveal').offsetHeight * 0.95;
        document.querySelectorAll('.slides > section.present section').forEach(function (s) {
            if (s.offsetHeight > h) {
                s.style.height = 'calc(95vh)';
                s.style.overflowY = 'scroll';
                s.style.marginTop = '20px';
            }
        });
    }
    function rerender() {
        var slide = Reveal.getCurrentSlide();
        if (window.MathJax && MathJax.Hub && slide && MathJax.Hub.getAllJax(slide).length) {
            MathJax.Hub.Rerender(slide);
        }
    }
    Reveal.on('ready', setScrollingSlide);
    Reveal.on('slidechanged', function () { rerender(); setScrollingSlide(); });
})();
</script>
{% endblock footer_js %}
"""


def render(nb: NotebookNode) -> str:
    """The reveal.js HTML of ``nb`` (as :func:`slide_deck` makes it), loading reveal.js and
    MathJax from ``assets/`` beside it (:func:`copy_assets`) and nothing from the network."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
                              template_file="offline.html.j2")
    exporter.reveal_url_prefix = f"{ASSETS}/reveal.js"
    exporter.reveal_theme = THEME
    exporter.mathjax_url = f"{ASSETS}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    exporter.reveal_scroll = True  # long cells scroll instead of being cut off
    # <html lang="ja"> for a Japanese deck: browsers then draw kanji with Japanese glyph shapes
    exporter.language_code = nb.metadata.get("course_language", "en")
    html, _ = exporter.from_notebook_node(slide_deck(nb))
    # the browser tab shows the deck's own heading, in the deck's language (nbconvert writes
    # "<name> slides", the name of a notebook read from memory being "Notebook")
    return re.sub(r"<title>.*?</title>", lambda m: f"<title>{html_escape(deck_title(nb))}</title>",
                  html, count=1, flags=re.S)


def deck_title(nb: NotebookNode) -> str:
    """The notebook's first heading (``# Sprint 1: ...``), without its markup."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return nb.metadata.get("title", "")


# --------------------------------------------------------------------------- live slides (RISE)
# RISE's defaults, for this course's notebooks: the "white" theme (its fonts ship with RISE; the
# default "simple" theme imports web fonts) and long slides that scroll instead of being cut.
RISE_PLUGIN = "jupyterlab-rise:plugin"
RISE_SETTINGS = {"theme": THEME, "scroll": True}
RISE_OVERRIDES = "course-slides.json"


def rise_overrides_file() -> Path:
    """Where JupyterLab (and RISE's slide-show page) read default settings that packages or a
    set-up step provide: ``<app dir>/settings/overrides.d/`` (a user's own settings win)."""
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir()) / "settings" / "overrides.d" / RISE_OVERRIDES


def set_up_rise() -> Path:
    """Write :data:`RISE_SETTINGS` as RISE's defaults in this environment; returns the file.

    ``FileNotFoundError`` when RISE (``jupyterlab-rise``) is not installed.
    """
    if importlib.util.find_spec("jupyterlab_rise") is None:
        raise FileNotFoundError("RISE is not installed: run `pip install -r requirements.txt` "
                                "once, with network")
    import json

    path = rise_overrides_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({RISE_PLUGIN: RISE_SETTINGS}, indent=2) + "\n", encoding="utf-8")
    return path


def in_language(path: Path, lang: str | None) -> NotebookNode:
    """The notebook at ``path`` in ``lang``: a course notebook with a catalog
    (``translations/<lang>/<stem>.po``) gets its markdown cells from it, as ``translate build``
    makes the Japanese notebook (a notebook of another folder, e.g. one the facilitator ran,
    keeps its code, outputs and any cell that is not the course's English); any other notebook,
    and English, as it is."""
    from ..learner import i18n

    nb = nbformat.read(path, as_version=4)
    if not lang or lang == i18n.DEFAULT:
        return nb
    english = NOTEBOOKS / Path(path).name
    po = i18n.TRANSLATIONS / lang / f"{english.stem}.po"
    if not (english.is_file() and po.is_file()):
        return nb
    return i18n.build_notebook(english, lang, po, target=Path(path))


def render_all(out_dir: Path, paths: Iterable[Path | str] | None = None, *,
               progress: bool = True, lang: str | None = None) -> list[Path]:
    """Render every sprint notebook to ``out_dir/<notebook>.slides.html``, with reveal.js and
    MathJax copied to ``out_dir/assets`` (:func:`copy_assets`); returns the HTML files.
    ``lang``: the language of the slides' text (:func:`in_language`; default English).

    The folder is then self-contained: opened from disk or served, it loads nothing from the
    network.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    paths = list(paths or sprint_notebooks())
    if progress:
        from tqdm.auto import tqdm
        paths = tqdm(paths, desc="slides", unit="notebook")
    written = []
    for path in paths:
        nb = in_language(Path(path), lang)
        dest = out_dir / f"{Path(path).stem}.slides.html"
        dest.write_text(render(nb), encoding="utf-8")
        written.append(dest)
    return written
