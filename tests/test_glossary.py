"""The glossary (docs/glossary.md) covers every Japanese term the notebooks use.

A *term* is a run of Japanese text written in parentheses — ``shape (形状)``, ``(パーセプトロン,
perceptron)`` — or in 【】 (``【問題1】``, digits dropped). A new sprint that introduces a term
not in the glossary fails here: add a row for it.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from .conftest import ROOT

GLOSSARY = ROOT / "docs" / "glossary.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("sprint*_*.ipynb"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆]")
PARENS = re.compile(r"[（(]([^()（）\n]{1,80})[)）]")
LENTICULAR = re.compile(r"【([^】\n]{1,40})】")
COLUMNS = ("English", "日本語", "reading", "meaning", "sprint")
# Terms the brief anticipates for the sprints still being written, so that their notebooks
# find them in the glossary.
ANTICIPATED = ("ミニバッチ", "学習曲線", "最適化手法", "確率的勾配降下法", "モーメンタム", "重みの初期値",
               "ドロップアウト", "畳み込み", "パディング", "ストライド", "プーリング", "重み共有",
               "特徴マップ", "フィルター", "過学習", "正則化", "混同行列", "正解率")


def clean(term: str) -> str:
    """A term as the glossary spells it: no markup, no blanks at the ends."""
    term = re.sub(r"[`*_$]", "", term)
    return term.strip(" 　:：.。")


def _is_term(part: str) -> bool:
    """Not a quotation (a sentence, a long phrase), a figure reference or a number."""
    return (bool(JAPANESE.search(part)) and "。" not in part
            and len(JAPANESE.findall(part)) <= 14
            and not re.match(r"^図\s*\d", part) and not re.fullmatch(r"[\d,.]+[万億]", part))


def terms_in(text: str, *, markdown: bool = True) -> set:
    """The Japanese terms of ``text`` (see the module docstring).

    In markdown, headings are titles (their Japanese is the section's title, often a phrase)
    and are left out; the key terms they name appear in the text below them.
    """
    found = set()
    for line in text.splitlines():
        if markdown and re.match(r"^#{1,6}\s", line):
            continue
        for m in PARENS.finditer(line):
            for part in re.split(r"[,、;/，；:：]| or | = ", m.group(1)):
                part = clean(part)
                if _is_term(part):
                    found.add(part)
        for m in LENTICULAR.finditer(line):
            found.add(re.sub(r"[0-9０-９]+$", "", clean(m.group(1))))  # 【問題1】 -> 問題
    return {t for t in found if t}


def known(term: str, spellings: set) -> bool:
    """``term`` is in the glossary, as it is or after English words in front of it
    (``the gradient method 勾配法`` -> ``勾配法``)."""
    words = term.split(" ")
    return any(" ".join(words[i:]) in spellings for i in range(len(words))
               if all(re.fullmatch(r"[A-Za-z-]+", w) for w in words[:i]))


def notebook_terms() -> dict:
    """``{term: first notebook using it}`` over every sprint notebook."""
    out: dict = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for t in terms_in(cell.source, markdown=cell.cell_type == "markdown"):
                out.setdefault(t, path.name)
    return out


def glossary_rows() -> list:
    """The rows of the glossary's tables, as dicts keyed by :data:`COLUMNS`."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if not line.startswith("|") or len(cells) != len(COLUMNS) or cells[0] == "English" \
                or set(cells[0]) <= set("-: "):
            continue
        rows.append(dict(zip(COLUMNS, cells)))
    return rows


def glossary_terms() -> set:
    """Every Japanese spelling in the glossary (variants are separated by " / ")."""
    return {clean(v) for r in glossary_rows() for v in r["日本語"].split(" / ")}


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
    want = {int(p.name.split("_", 1)[0][len("sprint"):]) for p in NOTEBOOKS}
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
