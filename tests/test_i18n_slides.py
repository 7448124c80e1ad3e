"""The slides in Japanese: ``python -m autograder slides OUT --lang ja`` renders each translated
notebook's Japanese text, with the same slides as the English deck."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring import slides
from autograder.learner import i18n

from .conftest import ROOT

SPRINT0 = ROOT / "notebooks" / "sprint0_start_here.ipynb"
HIRAGANA = re.compile(r"[\u3041-\u309f]")
LOCALE_VARS = ("COURSE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _text(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Sprint 0's deck rendered by the command, in English and in Japanese."""
    out = {}
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    for lang in ("en", "ja"):
        folder = tmp_path_factory.mktemp(f"slides-{lang}")
        src = folder / "src"
        src.mkdir()
        (src / SPRINT0.name).write_bytes(SPRINT0.read_bytes())
        proc = subprocess.run([sys.executable, "-m", "autograder", "slides", str(folder / "out"),
                               "--from", str(src), "--lang", lang], cwd=ROOT, env=clean,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        out[lang] = (folder / "out" / "sprint0_start_here.slides.html").read_text(encoding="utf-8")
    return out


def test_the_japanese_deck_reads_in_japanese(decks):
    en, ja = _text(decks["en"]), _text(decks["ja"])
    assert len(HIRAGANA.findall(ja)) > 20 * max(1, len(HIRAGANA.findall(en)))
    catalog = i18n.read_catalog(i18n.TRANSLATIONS / "ja" / "sprint0_start_here.po")
    first = next(m for m in catalog if m.id and m.string)
    english_line = " ".join(first.id.split("\n", 1)[0].lstrip("# ").split())
    japanese_line = " ".join(first.string.split("\n", 1)[0].lstrip("# ").split())
    assert english_line in en and english_line not in ja
    assert japanese_line in ja
    assert '<html lang="ja">' in decks["ja"] and '<html lang="en">' in decks["en"]
    # the browser tab: the deck's own first heading, in its language
    titles = {k: re.search(r"<title>(.*?)</title>", v, re.S).group(1) for k, v in decks.items()}
    assert titles["en"].startswith("Sprint 0") and "slides" not in titles["en"], titles
    assert HIRAGANA.search(titles["ja"]), titles
    assert titles["ja"] != titles["en"], titles


def test_the_japanese_deck_has_the_english_decks_slides_and_code(decks):
    en, ja = decks["en"], decks["ja"]
    assert en.count("<section") == ja.count("<section") >= 5
    assert en.count("jp-CodeCell") == ja.count("jp-CodeCell") > 0
    assert en.count("jp-MarkdownCell") == ja.count("jp-MarkdownCell") > 0


def test_english_is_the_default_and_a_stale_catalog_is_refused(tmp_path, monkeypatch):
    nb = slides.in_language(SPRINT0, None)
    assert nb == nbformat.read(SPRINT0, as_version=4)
    changed = nbformat.read(SPRINT0, as_version=4)
    cell = next(c for c in changed.cells if c.cell_type == "markdown")
    cell.source += "\n\nA new English sentence."
    english = tmp_path / "notebooks"
    english.mkdir()
    nbformat.write(changed, english / SPRINT0.name)
    monkeypatch.setattr(slides, "NOTEBOOKS", english)
    with pytest.raises(i18n.TranslationError, match=cell.id):
        slides.in_language(english / SPRINT0.name, "ja")
