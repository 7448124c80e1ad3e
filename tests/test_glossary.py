"""The glossary (docs/glossary.md) covers every Japanese term the notebooks use.

A *term* is a run of Japanese text written in parentheses — ``shape (形状)``, ``(パーセプトロン,
perceptron)`` — or in 【】 (``【問題1】``, digits dropped). A new sprint that introduces a term
not in the glossary fails here: add a row for it.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder.learner.sprints import sprint_number

from .conftest import NOTEBOOKS
from .support import COLUMNS, JAPANESE, glossary_rows, glossary_terms, known, terms_in

# Terms the brief anticipates for the sprints still being written, so that their notebooks
# find them in the glossary.
ANTICIPATED = ("ミニバッチ", "学習曲線", "最適化手法", "確率的勾配降下法", "モーメンタム",
               "重みの初期値", "ドロップアウト", "畳み込み", "パディング", "ストライド",
               "プーリング", "重み共有", "特徴マップ", "フィルタ", "過学習", "正則化",
               "混同行列", "正解率")


def notebook_terms() -> dict:
    """``{term: first notebook using it}`` over every sprint notebook."""
    out: dict = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for t in terms_in(cell.source, markdown=cell.cell_type == "markdown"):
                out.setdefault(t, path.name)
    return out


def test_the_term_finder_finds_terms():
    text = ("a **shape** (形状) and (パーセプトロン, perceptron); 【問題12】 (not a term) "
            "(`NumPy準備運動`)\n## A heading (見出しの題)\n(図3-15) (6230万) (これは文です。はい)"
            "\n(the gradient method 勾配法)")
    assert terms_in(text) == {"形状", "パーセプトロン", "問題", "NumPy準備運動",
                              "the gradient method 勾配法"}
    assert known("the gradient method 勾配法", {"勾配法"})
    assert known("ReLU 関数", {"ReLU 関数"}) and not known("ReLU 関数", {"ReLU"})


def test_glossary_rows_are_complete():
    rows = glossary_rows()
    assert len(rows) >= 100
    for r in rows:
        assert all(r[c] for c in COLUMNS), f"an empty column in {r}"
        assert JAPANESE.search(r["日本語"]), f"no Japanese term in {r}"
        assert re.fullmatch(r"\d+(–\d+)?", r["sprint"]), f"sprint must be a number or a range: {r}"
    english = [r["English"].lower() for r in rows]
    assert len(english) == len(set(english)), "an English term is listed twice"


def test_glossary_covers_every_sprint():
    sprints = {int(r["sprint"].split("–")[0]) for r in glossary_rows()}
    want = {sprint_number(p.name) for p in NOTEBOOKS}
    assert sprints == want, f"sprints without a term: {want - sprints}"


def test_glossary_has_the_anticipated_terms_of_sprints_5_to_8():
    missing = [t for t in ANTICIPATED if t not in glossary_terms()]
    assert not missing, f"not in docs/glossary.md: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_japanese_term_of_the_notebook_is_in_the_glossary(path):
    have = glossary_terms()
    nb = nbformat.read(path, as_version=4)
    used = set().union(*(terms_in(c.source, markdown=c.cell_type == "markdown")
                         for c in nb.cells))
    missing = sorted(t for t in used if not known(t, have))
    assert not missing, (f"{path.name} uses Japanese terms that docs/glossary.md lacks: "
                         f"{missing} (add a row: English | 日本語 | reading | meaning | sprint)")
