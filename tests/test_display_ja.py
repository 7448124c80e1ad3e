"""Japanese that displays: plots without missing glyphs, JupyterLab's own interface in Japanese.

The decision for plots: the course's own labels stay **language-neutral** (code cells are
shared by both editions, so a Japanese label would show in the English edition too), and
IPAexGothic from ``matplotlib-fontja`` is matplotlib's *fallback* font
(:mod:`autograder.learner.plot_fonts`), so that a learner's Japanese labels, and any Japanese the
course's tools draw, render offline. matplotlib warns ``Glyph ... missing from font(s)`` for a
character no font has; these tests turn that warning into a failure:

* every string literal the course's plotting code can draw (notebook code cells, the plotting
  modules of ``solutions/``, the class report) renders in matplotlib's default font alone;
* Japanese labels render with the fallback and do warn without it (the check can fail), and an
  English figure is pixel for pixel the same with the fallback as without;
* a notebook's setup cell turns the fallback on, and the Japanese notebooks' code is the
  English notebooks' (so the English notebooks' run, which fails on a missing glyph, draws the
  Japanese edition's figures too; the Japanese sprint 0 runs as well, in test_i18n);
* ``./course start --lang ja`` gives JupyterLab the Japanese language pack as its locale
  without touching the learner's own settings, and English stays the default.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import warnings

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograder.learner import i18n, plot_fonts

from .conftest import NOTEBOOKS, ROOT
from .support import missing_glyphs, write_grading_dir

PLOTTING_MODULES = [p for p in sorted((ROOT / "solutions").glob("*.py"))
                    if "matplotlib" in p.read_text(encoding="utf-8")] + [
    ROOT / "autograder" / "instructor" / "report.py"]
JAPANESE = "損失の推移（学習曲線）: 訓練データとテストデータ"
MISSING = r"Glyph .* missing from font"


def _draw(texts, family=None) -> np.ndarray:
    """A figure with ``texts`` as title, axis labels, legend, annotation and tick labels,
    rendered with ``font.family`` = ``family`` (default: matplotlib's own) and every
    missing-glyph warning an error; its pixels."""
    texts = list(texts)
    rc = {"font.family": family or matplotlib.rcParamsDefault["font.family"]}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING, category=UserWarning)
        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        for i, text in enumerate(texts):
            ax.plot([0, 1], [i, i + 1], label=text)
        ax.set_title(texts[0])
        fig.suptitle(texts[-1])
        ax.set_xlabel(texts[len(texts) // 2])
        ax.set_ylabel(texts[-1])
        ax.annotate(texts[0], (0.5, 0.5))
        ax.set_xticks([0, 1], [texts[0][:8], texts[-1][:8]])
        ax.legend()
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()


DRAWING_NAMES = {"plt", "ax", "axes", "fig", "Figure", "ax1", "ax2"}


def _draws(node) -> bool:
    return any(isinstance(n, ast.Name) and (n.id in DRAWING_NAMES or n.id.startswith("ax_"))
               or isinstance(n, ast.Attribute) and n.attr.startswith("plot")
               for n in ast.walk(node))


def _drawable_literals(tree) -> list:
    """Every string literal of ``tree`` that could end up in a plot: all but docstrings, the
    messages of ``raise`` and what ``print`` prints (f-strings: their literal parts)."""
    skip = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "print"):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        elif isinstance(node, ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and n.value.strip() and id(n) not in skip]


def _code_cell_python(source: str) -> ast.Module:
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


def _course_literals() -> dict:
    found = {}
    for path in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                for text in _drawable_literals(_code_cell_python(cell.source)):
                    found.setdefault(text, f"{path.name} cell {i}")
    for path in PLOTTING_MODULES:                     # their functions that draw
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and _draws(function):
                for text in _drawable_literals(function):
                    found.setdefault(text, f"{path.relative_to(ROOT)}: {function.name}")
    return found


def _written(texts) -> None:
    """Every text of ``texts`` drawn once in one figure, in matplotlib's default font, a
    missing glyph an error."""
    with matplotlib.rc_context({"font.family": matplotlib.rcParamsDefault["font.family"]}), \
            warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING, category=UserWarning)
        fig = Figure(figsize=(4, 4))
        for i, text in enumerate(texts):
            fig.text(0.01, i / max(len(texts), 1), text)
        FigureCanvasAgg(fig).draw()


def _missing_in_default_font(texts) -> list:
    """The texts that warn of a missing glyph in matplotlib's default font (all in one figure,
    then one by one when that warns)."""
    texts = [t.replace("$", r"\$") for t in texts]           # text, not mathtext
    every_character = "".join(sorted({ch for t in texts for ch in t if ch.isprintable()}))
    try:
        _written([every_character.replace("\\", "").replace("$", r"\$")])
        return []
    except UserWarning:
        pass
    bad = []
    for text in texts:
        try:
            _written([text])
        except UserWarning as exc:
            bad.append((text.replace(r"\$", "$"), str(exc)))
    return bad


# --------------------------------------------------------------------------- the course's labels
def test_every_label_the_course_draws_renders_in_matplotlibs_default_font():
    literals = _course_literals()
    assert len(literals) > 300, len(literals)         # the collection found the course's code
    assert "Gradient descent on f(x0, x1) = x0²/4 + x1² from (-3, 4), 30 steps" in literals
    assert "Pass rate per exercise" in literals                   # the class report's plots
    bad = _missing_in_default_font(literals)
    assert not bad, "\n".join(f"{literals[t]}: {t!r}: {why}" for t, why in bad)


def test_the_label_check_finds_a_japanese_title_in_a_plotting_cell():
    tree = _code_cell_python('plt.plot(x, y)\nplt.title("学習曲線")\n'
                             'raise NotImplementedError("write it (今日のDiver)")')
    literals = _drawable_literals(tree)
    assert literals == ["学習曲線"]
    assert _drawable_literals(_code_cell_python('print("学習曲線")')) == []
    assert [t for t, _ in _missing_in_default_font(literals)] == ["学習曲線"]


# --------------------------------------------------------------------------- the fallback font
def test_the_fallback_font_is_installed_offline():
    path = plot_fonts.font_file()
    assert path is not None, "pip install -r requirements.txt (matplotlib-fontja)"
    assert path.stat().st_size > 1_000_000 and path.suffix == ".ttf"


def test_japanese_labels_render_with_the_fallback_and_warn_without_it():
    assert plot_fonts.use_japanese_fallback()
    with_fallback = list(matplotlib.rcParams["font.family"])
    assert with_fallback[-1] == plot_fonts.FONT_NAME and len(with_fallback) >= 2
    _draw([JAPANESE, "ｶﾞｸｼｭｳ — 半角カナ、全角記号：（）「」。", "英語と日本語 mixed ×²→∇"],
          family=with_fallback)
    with pytest.raises(UserWarning, match=MISSING):
        _draw([JAPANESE])                                  # DejaVu Sans alone: empty boxes


def test_an_english_figure_is_pixel_for_pixel_the_same_with_the_fallback():
    assert plot_fonts.use_japanese_fallback()
    texts = ["Gradient descent on f(x0, x1) = x0²/4 + x1²", "784 → 100 → 10, ReLU",
             "the std image (σ per pixel), ‖W‖, λ = 0.1, ∇f, 28×28, ≈ 1.5 million"]
    plain = _draw(texts)
    mixed = _draw(texts, family=list(matplotlib.rcParams["font.family"]))
    assert plain.shape == mixed.shape and np.array_equal(plain, mixed)
    assert not np.array_equal(plain, _draw([t.upper() for t in texts]))   # pixels do tell


def test_a_notebooks_setup_cell_turns_the_fallback_on():
    setup = next(c.source for c in nbformat.read(NOTEBOOKS[0], as_version=4).cells
                 if c.cell_type == "code")
    script = "\n".join(line for line in setup.splitlines() if not line.startswith("%"))
    script += "\nimport matplotlib\nprint(list(matplotlib.rcParams['font.family']))"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "notebooks", env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith(f"'{plot_fonts.FONT_NAME}']"), out.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_setup_cell_imports_matplotlib_before_the_checker(path):
    """The fallback is turned on by ``from autograder import ...`` once matplotlib is loaded."""
    setup = next(c.source for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "code")
    plt_at = setup.find("import matplotlib")
    assert 0 <= plt_at < setup.find("from autograder import"), setup


@pytest.mark.parametrize("stem", i18n.translated_notebooks("ja"))
def test_the_japanese_notebook_draws_the_english_notebooks_figures(stem):
    """Same code cells: the English notebooks' run (no missing glyph) covers their figures."""
    english = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    japanese = i18n.build_notebook(ROOT / "notebooks" / f"{stem}.ipynb", "ja")
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (english, japanese)]
    assert code[0] == code[1] and code[0]
    for path in PLOTTING_MODULES[:-1]:                 # they never read the course's language
        assert not re.search(r"\bi18n\b|COURSE_LANG", path.read_text(encoding="utf-8")), path


def test_missing_glyphs_finds_the_warning_in_a_cells_output():
    warned = nbformat.v4.new_code_cell("plt.title('学習')", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text="events.py:101: UserWarning: Glyph 23398 "
        r"(\N{CJK UNIFIED IDEOGRAPH-5B66}) missing from font(s) DejaVu Sans." "\n")])
    clean = nbformat.v4.new_code_cell("plt.title('x')", outputs=[nbformat.v4.new_output(
        "stream", name="stderr", text="UserWarning: something else\n")])
    nb = nbformat.v4.new_notebook(cells=[clean, warned])
    assert missing_glyphs(nb) == [(1, "Glyph 23398 (\\N{CJK UNIFIED IDEOGRAPH-5B66}) missing "
                                      "from font(s) DejaVu Sans.")]
    assert missing_glyphs(nbformat.v4.new_notebook(cells=[clean])) == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_class_reports_plots_draw_without_a_missing_glyph(lang, tmp_path, monkeypatch):
    """The figures the course's tools draw (the class report's), in both languages."""
    from autograder.instructor import report

    monkeypatch.setenv("COURSE_LANG", lang)
    stats = report.class_stats(report.load_grades(write_grading_dir(tmp_path) / "grades.csv"))
    with matplotlib.rc_context({"font.family": matplotlib.rcParamsDefault["font.family"]}), \
            warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING, category=UserWarning)
        for plot in (report.plot_distribution, report.plot_pass_rates):
            assert plot(stats).startswith("data:image/png;base64,")


# --------------------------------------------------------------------------- JupyterLab's menus
LAB_LOCALE = "@jupyterlab/translation-extension:plugin"


def _start(tmp_path, *args, **env) -> tuple:
    """``./course start ARGS`` in a copy of the course whose ``.venv`` python records the
    ``jupyter lab`` command instead of running it: ``(that command, the JupyterLab app dir)``."""
    course = tmp_path / "course"
    course.mkdir(parents=True)
    for name in ("course", "requirements.txt"):
        shutil.copy2(ROOT / name, course / name)
    shutil.copytree(ROOT / "autograder", course / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "notebooks", course / "notebooks",
                    ignore=shutil.ignore_patterns("ja", ".ipynb_checkpoints"))
    shutil.copytree(ROOT / "helpers", course / "helpers",    # the start rewrites docstrings
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("translations", "solutions"):
        (course / name).symlink_to(ROOT / name)
    venv = course / ".venv"
    (venv / "bin").mkdir(parents=True)
    record = tmp_path / "lab-command.json"
    (venv / "bin" / "python").write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = jupyter ] && [ "$3" = lab ]; then\n'
        f'  exec {sys.executable} -c "import json, sys; json.dump(sys.argv[1:], '
        f"open({str(record)!r}, 'w'))\" \"$@\"\n"
        "fi\n"
        f'exec {sys.executable} "$@"\n')
    (venv / "bin" / "python").chmod(0o755)
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]
    (venv / f".installed-{digest}").touch()                    # no pip install
    home = tmp_path / "home"
    app_dir = tmp_path / "lab-app"
    clean = {k: v for k, v in os.environ.items()
             if k not in ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    out = subprocess.run([str(course / "course"), "start", *args], capture_output=True,
                         text=True, timeout=300,
                         env={**clean, "HOME": str(home), "JUPYTERLAB_DIR": str(app_dir),
                              "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-user-settings"),
                              **env})
    assert out.returncode == 0, out.stderr[-3000:]
    command = json.loads(record.read_text())
    command.append(out.stderr)                                  # for the assertions' messages
    assert not (home / "lab-user-settings").exists(), "the learner's own settings are theirs"
    return command, app_dir


def _locale_default(command) -> str:
    """The locale JupyterLab's settings API gives the interface with ``command``'s options."""
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.settings_utils import _get_overrides, get_settings

    found = [a.split("=", 1)[1] for a in command if a.startswith("--LabApp.app_settings_dir=")]
    app_settings_dir = found[-1] if found else os.path.join(get_app_dir(), "settings")
    overrides, error = _get_overrides(app_settings_dir)
    assert not error, error
    schemas = os.path.join(get_app_dir(), "schemas")
    settings, _ = get_settings(app_settings_dir, schemas, "/nonexistent", LAB_LOCALE,
                               overrides=overrides)
    return settings["schema"]["properties"]["locale"]["default"]


def test_the_japanese_language_pack_fits_the_pinned_jupyterlab():
    from importlib.metadata import entry_points, version

    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    pinned = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                  if "==" in line and not line.startswith("#"))
    pack = pinned["jupyterlab-language-pack-ja-JP"]
    assert version("jupyterlab-language-pack-ja-JP") == pack
    assert pack.split(".")[0] == pinned["jupyterlab"].split(".")[0]     # JupyterLab 4's pack
    assert "ja_JP" in {e.name for e in entry_points(group="jupyterlab.languagepack")}
    assert "ja_JP" in get_language_packs("ja_JP")[0]
    strings, _ = get_language_pack("ja_JP")
    assert strings["jupyterlab"]["Edit"] == ["編集"]                   # a menu's own label


@pytest.mark.slow
def test_course_start_in_japanese_gives_jupyterlab_the_japanese_locale(tmp_path):
    command, app_dir = _start(tmp_path, "--lang", "ja")
    assert command[-2] == "notebooks/ja/sprint0_start_here.ipynb", command[-1]
    assert _locale_default(command) == "ja_JP"
    overrides = json.loads((app_dir / "settings-ja" / "overrides.d" /
                            "course-language.json").read_text())
    assert overrides == {LAB_LOCALE: {"locale": "ja_JP"}}


@pytest.mark.slow
def test_course_start_in_english_leaves_jupyterlab_in_english(tmp_path):
    command, app_dir = _start(tmp_path)
    assert command[-2] == "notebooks/sprint0_start_here.ipynb", command[-1]
    assert not any("app_settings_dir" in a for a in command)
    assert _locale_default(command) == "default"                 # JupyterLab's own: English
    assert not app_dir.exists()
    command, _ = _start(tmp_path / "again", COURSE_LANG="ja")    # the setting, not only --lang
    assert _locale_default(command) == "ja_JP"
