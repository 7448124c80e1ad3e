"""Slides for study sessions: each sprint notebook as a reveal.js slide show (facilitator side).

Two steps, both deterministic:

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
   the notebooks include). Rendering is offline; *showing* the slides loads reveal.js,
   RequireJS, jQuery and MathJax from their CDNs as nbconvert's template does, unless
   ``--assets DIR`` names a local copy of them (made once, with network and ``npm``, by
   ``--fetch-assets DIR``), which is then copied beside the HTML files.
"""
from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
REGIONS = (("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
ANSWER_PLACEHOLDER = "YOUR ANSWER HERE"


def sprint_notebooks(folder: Path | None = None) -> list:
    """``notebooks/sprintN_<slug>.ipynb`` in course order."""
    found = [p for p in Path(folder or NOTEBOOKS).glob("sprint*_*.ipynb")
             if re.match(r"sprint\d+_", p.name)]
    return sorted(found, key=lambda p: int(re.match(r"sprint(\d+)_", p.name).group(1)))


def _is_check_cell(cell) -> bool:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(nbg.get("grade")) and not nbg.get("solution")


def _is_answer_cell(cell) -> bool:
    nbg = cell.get("metadata", {}).get("nbgrader", {})
    return bool(nbg.get("solution")) or cell.source.strip() == ANSWER_PLACEHOLDER


def slide_type_for(cell, *, is_setup: bool = False) -> str:
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


def tag_notebook(nb, *, reset: bool = False) -> int:
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


def write_notebook(nb, path: Path) -> None:
    """Write as the repository keeps notebooks (nbformat's layout, a final newline)."""
    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def tag_all(paths=None, *, reset: bool = False) -> dict:
    """Tag the given notebooks (default: every sprint notebook); ``{path: cells changed}``."""
    out = {}
    for path in paths or sprint_notebooks():
        nb = nbformat.read(path, as_version=4)
        n = tag_notebook(nb, reset=reset)
        if n:
            write_notebook(nb, path)
        out[Path(path)] = n
    return out


def untagged_cells(nb) -> list:
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


def slide_deck(nb):
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
        kept.append(cell)
    nb.cells = kept
    return nb


# Where the slides find their JavaScript: nbconvert's CDN defaults, or local copies
# (``--assets DIR``, made once with ``--fetch-assets DIR``) for study rooms without network.
ASSET_PACKAGES = {"reveal.js": "reveal.js@4.0.2", "requirejs": "requirejs@2.1.22",
                  "jquery": "jquery@2.1.4", "mathjax": "mathjax@2.7.7"}
ASSET_FILES = {  # exporter trait: path inside the assets folder
    "reveal_url_prefix": "reveal.js",
    "require_js_url": "require.js",
    "jquery_url": "jquery.min.js",
    "mathjax_url": "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}


def render(nb, *, assets_url: str | None = None) -> str:
    """The reveal.js HTML of ``nb`` (as :func:`slide_deck` makes it).

    ``assets_url``: a (relative) URL of an assets folder (see :func:`fetch_assets`) instead of
    the CDNs.
    """
    from nbconvert import SlidesExporter

    exporter = SlidesExporter()
    if assets_url:
        for trait, rel in ASSET_FILES.items():
            setattr(exporter, trait, f"{assets_url.rstrip('/')}/{rel}")
    exporter.reveal_scroll = True  # long cells scroll instead of being cut off
    html, _ = exporter.from_notebook_node(slide_deck(nb))
    return html


def check_assets(assets_dir: Path) -> None:
    """Raise ``FileNotFoundError`` naming what an assets folder lacks."""
    need = ["reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js", "require.js",
            "jquery.min.js", "mathjax/MathJax.js"]
    missing = [n for n in need if not (Path(assets_dir) / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{assets_dir} is not a slide assets folder: it lacks {', '.join(missing)} "
            "(make one with `python -m autograder slides --fetch-assets DIR`)")


def fetch_assets(assets_dir: Path) -> Path:
    """Download reveal.js, RequireJS, jQuery and MathJax 2 with ``npm pack`` into ``assets_dir``.

    Needs ``npm`` and the network once; the folder then serves every later ``--assets``.
    """
    import subprocess
    import tarfile
    import tempfile

    assets_dir = Path(assets_dir)
    with tempfile.TemporaryDirectory(prefix="slide-assets-") as tmp:
        done = subprocess.run(["npm", "pack", "--silent", *ASSET_PACKAGES.values()], cwd=tmp,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"npm pack failed: {done.stderr.strip()[-500:]}")
        unpacked = {}
        for name in ASSET_PACKAGES:
            tgz = next(Path(tmp).glob(f"{name}-*.tgz"))
            dest = Path(tmp) / name
            with tarfile.open(tgz) as tar:
                tar.extractall(dest, filter="data")
            unpacked[name] = dest / "package"
        if assets_dir.exists():
            shutil.rmtree(assets_dir)
        assets_dir.mkdir(parents=True)
        shutil.copytree(unpacked["reveal.js"], assets_dir / "reveal.js")
        shutil.copyfile(unpacked["requirejs"] / "require.js", assets_dir / "require.js")
        shutil.copyfile(unpacked["jquery"] / "dist" / "jquery.min.js",
                        assets_dir / "jquery.min.js")
        shutil.copytree(unpacked["mathjax"], assets_dir / "mathjax",
                        ignore=shutil.ignore_patterns("test", "unpacked", "docs"))
    check_assets(assets_dir)
    return assets_dir


def render_all(out_dir: Path, paths=None, *, assets_dir: Path | None = None,
               progress: bool = True) -> list:
    """Render every sprint notebook to ``out_dir/<notebook>.slides.html``; returns the files.

    ``assets_dir``: a local assets folder (:func:`fetch_assets`), copied to
    ``out_dir/assets`` so the slides show without network; without it they load reveal.js,
    RequireJS and MathJax from the CDNs when opened.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    assets_url = None
    if assets_dir:
        check_assets(assets_dir)
        target = out_dir / "assets"
        if target.resolve() != Path(assets_dir).resolve():
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(assets_dir, target)
        assets_url = "assets"
    paths = list(paths or sprint_notebooks())
    if progress:
        from tqdm.auto import tqdm
        paths = tqdm(paths, desc="slides", unit="notebook")
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        dest = out_dir / f"{Path(path).stem}.slides.html"
        dest.write_text(render(nb, assets_url=assets_url), encoding="utf-8")
        written.append(dest)
    return written
