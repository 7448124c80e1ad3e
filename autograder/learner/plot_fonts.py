"""Japanese in plots: IPAexGothic as matplotlib's fallback font, offline.

matplotlib's default font (DejaVu Sans) has no Japanese glyphs: a title such as ``損失の推移``
would draw empty boxes and warn ``Glyph ... missing from font(s) DejaVu Sans``. The course's own
plots keep their labels language-neutral (code cells are shared by both editions), but a
learner of the Japanese edition labels their plots in Japanese, and the class report may too.

:func:`use_japanese_fallback` adds IPAexGothic, the font the ``matplotlib-fontja`` package
ships (requirements.txt; no download once installed), at the *end* of ``font.family``:
matplotlib (3.6 and newer) draws each character with the first font of the list that has it,
so every glyph DejaVu Sans has is drawn exactly as before (an English figure is pixel for
pixel the same) and only the missing ones come from IPAexGothic. ``import matplotlib_fontja``
is avoided on purpose: it would make IPAexGothic the font of every text.

``from autograder import check`` (every notebook's setup cell, after ``import
matplotlib.pyplot``) calls it once matplotlib is imported; it does nothing when the package is
absent.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE = "matplotlib_fontja"
FONT_NAME = "IPAexGothic"
FONT_FILE = "fonts/ipaexg.ttf"


def font_file() -> Path | None:
    """The IPAexGothic file of the installed ``matplotlib-fontja``, else ``None``.

    The package is located, not imported (importing it changes every text's font)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    return path if path.is_file() else None


def use_japanese_fallback() -> bool:
    """Append IPAexGothic to matplotlib's ``font.family`` (once); ``False`` when not installed."""
    path = font_file()
    if path is None:
        return False
    import matplotlib
    from matplotlib import font_manager

    if FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    families = list(matplotlib.rcParams["font.family"])
    if FONT_NAME not in families:
        matplotlib.rcParams["font.family"] = [*families, FONT_NAME]
    return True
