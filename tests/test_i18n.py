"""The Japanese edition (日本語版): one source, two editions, no drift.

* the language is chosen by ``COURSE_LANG``, a release's language, the locale, else English;
* the check's messages read in Japanese, with the placeholders intact, and English is unchanged;
* every notebook with a catalog in ``translations/ja/`` is fully and currently translated: a
  changed English cell is reported as stale, by its id; a new one as missing;
* the Japanese notebook is built from the English one: code, check cells, grade ids and
  problem numbers are the English notebook's own;
* a glossary term is rendered one way only (the glossary's), and the terms an English cell
  names in Japanese are in its translation.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest

from autograder.authoring import translate
from autograder.learner import i18n
from autograder.learner.check import run_checks
from autograder.learner.verdict import Outcome, render

from .conftest import ROOT
from .support import (
    LOCALE_VARS,
    env_without_locale,
    execute_notebook,
    glossary_terms,
    missing_glyphs,
    missing_terms,
    sample_check_call,
    second_renderings,
)

JA_NOTEBOOKS = [ROOT / "notebooks" / f"{stem}.ipynb" for stem in i18n.translated_notebooks("ja")]
SPRINT0 = ROOT / "notebooks" / "sprint0_start_here.ipynb"
SPRINT0_PO = i18n.TRANSLATIONS / "ja" / "sprint0_start_here.po"
VARIANTS = i18n.TRANSLATIONS / "ja" / "variants.toml"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")



# --------------------------------------------------------------------------- choosing
def test_the_language_follows_course_lang_then_the_locale_else_english(monkeypatch):
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    assert not (i18n.LOCALE / i18n.RELEASE_LANGUAGE).exists(), "only a release has LANGUAGE"
    assert i18n.language() == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert i18n.language() == "ja"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")          # LC_ALL wins over LANG: not Japanese
    assert i18n.language() == "en"
    monkeypatch.setenv("LANGUAGE", "ja:en")
    assert i18n.language() == "ja"
    monkeypatch.setenv("COURSE_LANG", "en")          # the course's setting wins over all
    assert i18n.language() == "en"
    monkeypatch.setenv("COURSE_LANG", "fr")          # unknown: falls through to the locale
    assert i18n.language() == "ja"
    monkeypatch.setenv("COURSE_LANG", "ja")
    monkeypatch.setenv("LANGUAGE", "de")
    assert i18n.language() == "ja"


# --------------------------------------------------------------------------- messages
HIDDEN = Outcome("shape", case=2, of=5, hidden=True, where="return [step 1]")
PUBLIC = Outcome("error", case=1, of=4, where="return", exception="ValueError", label="X (2, 3)")


def test_english_messages_are_unchanged(lang):
    lang("en")
    assert render(HIDDEN) == ("hidden case 2 of 5: return: wrong shape (the public cases may "
                              "pass: think of edge cases)")
    assert render(PUBLIC) == "case 1 of 4 (X (2, 3)): return: raised an exception (ValueError)"
    assert render(PUBLIC, graded=True).startswith("public case 1 of 4 (X (2, 3)): ")
    assert render(Outcome("blocked", blocked_by="sprint4.affine")) == \
        "blocked: needs sprint4.affine (not implemented yet)"


def test_japanese_messages_read_in_japanese_and_switch_at_any_time(lang):
    lang("ja")
    assert render(HIDDEN) == ("隠しテスト 5 件中 2 件目: return: 形状が違います"
                              "（公開テストは通っていても起こります: "
                              "端のケースを考えてみましょう）")
    assert render(PUBLIC) == ("ケース 4 件中 1 件目 (X (2, 3)): return: "
                              "例外が発生しました (ValueError)")
    assert render(Outcome("blocked", blocked_by="sprint4.affine")) == \
        "保留: sprint4.affine が必要です（まだ実装されていません）"
    lang("en")       # the same process, switched back: English again
    assert render(HIDDEN).startswith("hidden case 2 of 5")


def test_every_message_is_translated_and_current():
    found = i18n.message_problems("ja")
    assert not found, "\n".join(map(str, found)) + \
        "\nrun `python -m autograder translate update` and translate the entries"


def test_translate_update_leaves_the_committed_message_catalog_as_it_is(tmp_path):
    """The catalog is what `translate update` writes: a hand-added comment or flag would be
    lost by the next author's update, so it is refused here instead."""
    path = i18n.catalog_path("ja")
    catalog = translate.merge(i18n.extract_messages(), i18n.read_catalog(path, "ja"))
    catalog.header_comment = translate.HEADER.format(what=path.stem)
    written = tmp_path / path.name
    translate._write_po(catalog, written)
    assert written.read_bytes() == path.read_bytes(), (
        "run `python -m autograder translate update` and commit course.po as it writes it")


def _code_only(english: str, japanese: str) -> bool:
    """Whether ``japanese`` is ``english`` kept as it is (a case's label that is all code and
    numbers, ``W (7, 2)``), up to the Japanese comma between its items."""
    return japanese.replace("、", ", ") == english


def test_translated_messages_keep_their_placeholders():
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    names = re.compile(r"\{(\w*)\}")
    for m in catalog:
        if m.id and m.string:
            assert sorted(names.findall(m.id)) == sorted(names.findall(m.string)), m.id
            kept = i18n.LABEL_COMMENT in m.auto_comments and _code_only(m.id, m.string)
            assert JAPANESE.search(m.string) or kept, f"not translated: {m.id!r}"


def test_only_a_label_of_code_and_numbers_may_stay_as_it_is():
    assert _code_only("W (7, 2)", "W (7, 2)")
    assert _code_only("ratio 0.2, seed 7", "ratio 0.2、seed 7")
    assert not _code_only("the truth table", "the truth tables")
    assert not _code_only("the truth table", "真理値表") and JAPANESE.search("真理値表")


def test_a_stale_message_translation_is_not_used(lang, tmp_path, monkeypatch):
    """A fuzzy entry (its English changed) falls back to English instead of showing old text."""
    text = i18n.catalog_path("ja").read_text(encoding="utf-8")
    entry = 'msgid "wrong shape"\nmsgstr "形状が違います"'
    assert entry in text
    po = tmp_path / "ja" / "LC_MESSAGES" / "course.po"
    po.parent.mkdir(parents=True)
    po.write_text(text.replace(entry, "#, fuzzy\n" + entry), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE", tmp_path)
    i18n.translations.cache_clear()
    try:
        lang("ja")
        assert i18n._("wrong shape") == "wrong shape"
        assert i18n._("wrong value") == "値が違います"
    finally:
        i18n.translations.cache_clear()


def _printed_check(helper_source: str, selectors, tmp_path) -> str:
    pkg = tmp_path / "helpers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "warmup.py").write_text(helper_source)
    return run_checks(selectors, helpers=pkg, save=False).render()


def test_the_japanese_sample_check_output_is_what_the_checker_prints(lang, tmp_path):
    """Sprint 0 shows a check's output in its text: the Japanese text shows the Japanese."""
    nb = i18n.build_notebook(SPRINT0, "ja")
    helper, selectors = sample_check_call(nb)
    lang("ja")
    printed = _printed_check(helper, selectors, tmp_path)
    shown = next(m.group(1) for c in nb.cells if c.cell_type == "markdown"
                 for m in [re.search(r"```text\n(.*?)\n```", c.source, re.S)] if m)
    assert shown == printed, "update the sample in translations/ja/sprint0_start_here.po to:\n" \
        + printed
    for word in ("✔ PASS", "… TODO", "✘ FAIL", "ヒント:", "問題4: keepdims で行ごとの平均", "合格"):
        assert word in shown


def test_check_from_a_terminal_prints_japanese(tmp_path):
    shutil.copytree(ROOT / "helpers", tmp_path / "helpers")
    env = env_without_locale()
    env["PYTHONPATH"] = str(ROOT)

    def check(**more):
        return subprocess.run([sys.executable, "-m", "autograder", "check", "sprint0"],
                              cwd=tmp_path, env={**env, **more}, capture_output=True, text=True,
                              timeout=300)
    ja = check(COURSE_LANG="ja")
    assert ja.returncode == 1, ja.stderr
    assert "問題1: ベクトルを列に" in ja.stdout and "5 問中 0 問 合格" in ja.stdout, ja.stdout
    by_locale = check(LANG="ja_JP.UTF-8")
    assert by_locale.stdout == ja.stdout
    en = check()
    assert "Problem 1: a vector as a column" in en.stdout and not JAPANESE.search(en.stdout)


# --------------------------------------------------------------------------- notebooks
def test_sprint0_is_declared_translated():
    assert SPRINT0 in JA_NOTEBOOKS


@pytest.mark.parametrize("path", JA_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_of_a_translated_notebook_has_a_current_translation(path):
    found = i18n.notebook_problems(path, "ja")
    assert not found, "\n".join(map(str, found)) + (
        "\nrun `python -m autograder translate update`, then translate the fuzzy and empty "
        f"entries of translations/ja/{path.stem}.po")


def _edited_copy(tmp_path, edit):
    nb = nbformat.read(SPRINT0, as_version=4)
    edit(nb)
    path = tmp_path / SPRINT0.name
    nbformat.write(nb, path)
    return path


def _cell(nb, cid):
    return next(c for c in nb.cells if c.get("id") == cid)


def test_a_changed_english_cell_is_reported_stale_by_its_id(tmp_path):
    def edit(nb):
        _cell(nb, "sprint0-cell-12").source += "\n\nOne more sentence in English."
    path = _edited_copy(tmp_path, edit)
    found = i18n.notebook_problems(path, "ja", SPRINT0_PO)
    assert [(p.unit, p.kind) for p in found] == [("sprint0-cell-12", "stale")]
    with pytest.raises(i18n.TranslationError, match="sprint0-cell-12"):
        i18n.build_notebook(path, "ja", SPRINT0_PO)


def test_a_one_character_change_is_stale_too(tmp_path):
    def edit(nb):
        c = _cell(nb, "sprint0-cell-22")
        c.source = c.source.replace("row_means(X)", "row_means(x)", 1)
    found = i18n.notebook_problems(_edited_copy(tmp_path, edit), "ja", SPRINT0_PO)
    assert [(p.unit, p.kind) for p in found] == [("sprint0-cell-22", "stale")]


def test_a_new_english_cell_is_reported_missing_and_a_removed_one_obsolete(tmp_path):
    def edit(nb):
        new = nbformat.v4.new_markdown_cell("A new paragraph of the English edition.")
        new["id"] = "brand-new-cell"
        nb.cells.insert(5, new)
        nb.cells.remove(_cell(nb, "sprint0-cell-32"))
    found = i18n.notebook_problems(_edited_copy(tmp_path, edit), "ja", SPRINT0_PO)
    assert sorted((p.unit, p.kind) for p in found) == [
        ("brand-new-cell", "missing"), ("sprint0-cell-32", "obsolete")]


def test_update_keeps_the_old_english_beside_a_stale_translation(tmp_path):
    """The author's workflow: `translate update` marks the changed cell fuzzy, with the
    English it translated as `#| msgid`, and keeps the rest as they are."""
    def edit(nb):
        _cell(nb, "sprint0-cell-12").source += "\n\nOne more sentence in English."
    path = _edited_copy(tmp_path, edit)
    catalog = translate.merge(i18n.extract_notebook(path), i18n.read_catalog(SPRINT0_PO))
    changed = [m for m in catalog if m.id and m.context == "sprint0-cell-12"]
    assert len(changed) == 1 and changed[0].fuzzy
    assert changed[0].previous_id and "One more sentence" not in changed[0].previous_id[0]
    assert changed[0].string                       # the old translation, to revise
    assert sum(1 for m in catalog if m.id and m.fuzzy) == 1
    po = tmp_path / "updated.po"
    translate._write_po(catalog, po)
    assert "#| msgid" in po.read_text(encoding="utf-8")
    assert [(p.unit, p.kind) for p in i18n.notebook_problems(path, "ja", po)] == [
        ("sprint0-cell-12", "stale")]


def test_the_japanese_notebook_shares_everything_but_the_text():
    en = nbformat.read(SPRINT0, as_version=4)
    ja = i18n.build_notebook(SPRINT0, "ja")
    nbformat.validate(ja)
    assert [c.get("id") for c in ja.cells] == [c.get("id") for c in en.cells]
    for e, j in zip(en.cells, ja.cells):
        assert (e.cell_type, e.metadata) == (j.cell_type, j.metadata)
        if e.cell_type != "markdown" or e.metadata.get("nbgrader", {}).get("solution"):
            assert e.source == j.source, f"{e.get('id')}: code and answer cells are shared"
        else:
            assert j.source != e.source and JAPANESE.search(j.source), e.get("id")
    numbers = [re.findall(r"【問題(\d+)】", c.source) for c in en.cells]
    assert numbers == [re.findall(r"【問題(\d+)】", c.source) for c in ja.cells]
    assert any(numbers)
    stubs = [re.findall(r"`helpers/\w+\.py: (\w+)`", c.source) for c in en.cells]
    assert stubs == [re.findall(r"`helpers/\w+\.py: (\w+)`", c.source) for c in ja.cells]
    text = "\n".join(c.source for c in ja.cells if c.cell_type == "markdown")
    for heading in ("今回のモチベーション", "今日のDiver", "まとめ", "考察"):
        assert heading in text


def test_build_never_overwrites_a_learners_notebook(tmp_path):
    """`./course start --lang ja` builds the notebooks each time: answers written in one stay."""
    first = i18n.build_notebooks("ja", tmp_path)
    mine = tmp_path / SPRINT0.name
    nb = nbformat.read(mine, as_version=4)
    answer = next(c for c in nb.cells if c.get("id") == "sprint0-q1")
    answer.source = "わたしの答え"
    nbformat.write(nb, mine)
    assert first and i18n.build_notebooks("ja", tmp_path) == []
    assert "わたしの答え" in mine.read_text(encoding="utf-8")
    assert mine in i18n.build_notebooks("ja", tmp_path, force=True)
    assert "わたしの答え" not in mine.read_text(encoding="utf-8")


def test_build_writes_every_notebook_translated_or_english(tmp_path):
    written = i18n.build_notebooks("ja", tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in (ROOT / "notebooks").glob("sprint*_*.ipynb"))
    for p in written:
        nb = nbformat.read(p, as_version=4)
        translated = p.stem in i18n.translated_notebooks("ja")
        assert (nb.metadata.get("course_language") == "ja") == translated, p.name
        if not translated:
            assert p.read_bytes() == (ROOT / "notebooks" / p.name).read_bytes()


# --------------------------------------------------------------------------- the glossary
def _japanese_texts():
    """``[(where, English, Japanese)]`` of every translated text."""
    out = []
    for path in [i18n.catalog_path("ja")] + [i18n.TRANSLATIONS / "ja" / f"{p.stem}.po"
                                             for p in JA_NOTEBOOKS]:
        for m in i18n.read_catalog(path):
            if m.id and m.string:
                out.append((f"{path.name}: {m.context or m.id[:40]}", m.id, m.string))
    return out


def test_the_variants_file_names_glossary_terms():
    variants = tomllib.loads(VARIANTS.read_text(encoding="utf-8"))
    have = glossary_terms()
    assert variants and not [t for t in variants if t not in have]
    for term, others in variants.items():
        assert term not in others and all(o not in have for o in others), term


def test_a_glossary_term_is_rendered_one_way():
    variants = tomllib.loads(VARIANTS.read_text(encoding="utf-8"))
    found = second_renderings(_japanese_texts(), variants)
    assert not found, "\n".join(found)


def _every_japanese_text():
    """``[(where, English, Japanese)]`` of every Japanese text of the course: the messages,
    the notebooks', tiered hints', docstrings' and facilitator guides' catalogs (every
    ``.po`` of the Japanese edition), and the hand-written README.ja.md."""
    catalogs = [i18n.catalog_path("ja"), *sorted((i18n.TRANSLATIONS / "ja").rglob("*.po")),
                *sorted((i18n.HINTS / "ja").glob("*.po"))]
    out = []
    for path in catalogs:
        for m in i18n.read_catalog(path):
            if m.id and m.string:
                out.append((f"{path.relative_to(ROOT)}: {m.context or m.id[:40]}", m.id,
                            m.string))
    out.append(("README.ja.md", "", (ROOT / "README.ja.md").read_text(encoding="utf-8")))
    return out


def test_a_glossary_term_is_rendered_one_way_in_every_japanese_text():
    texts = _every_japanese_text()
    where = {w.split(":", 1)[0].rsplit("/", 1)[0] for w, _en, _ja in texts}
    assert {"autograder/learner/locale/ja/LC_MESSAGES", "translations/ja",
            "translations/ja/docstrings", "translations/ja/facilitator",
            "autograder/learner/hint_texts/ja", "README.ja.md"} <= where, where
    variants = tomllib.loads(VARIANTS.read_text(encoding="utf-8"))
    found = second_renderings(texts, variants)
    assert not found, "\n".join(found)


def test_a_progress_bar_is_the_glossarys_shinchoku_bar():
    """JupyterLab's Japanese language pack has no word for it; the glossary's progress is 進捗,
    so tqdm's bar is 進捗バー, never プログレスバー."""
    variants = tomllib.loads(VARIANTS.read_text(encoding="utf-8"))
    assert "進捗バー" in glossary_terms() and "プログレスバー" in variants["進捗バー"]
    assert any("進捗バー" in ja for _w, _en, ja in _every_japanese_text())
    assert second_renderings([("x", "", "tqdm のプログレスバーを表示します")], variants)


def test_the_japanese_terms_an_english_text_names_are_in_its_translation():
    found = missing_terms(_japanese_texts(), glossary_terms())
    assert not found, "translations without the glossary term their English names:\n" + \
        "\n".join(found)


def test_the_glossary_checks_catch_a_second_rendering():
    """The two checks above can fail."""
    variants = tomllib.loads(VARIANTS.read_text(encoding="utf-8"))
    en = ("Broadcasting (ブロードキャスト) adds b to each row; "
          "the facilitator (ファシリテーター) reads.")
    good = ("ブロードキャストは b を各行に足します。ファシリテーターが読みます。")
    variant = ("ブロードキャスティングは b を各行に足します。ファシリテーターが読みます。")
    other = ("拡張は b を各行に足します。ファシリテータが読みます。")
    have = glossary_terms()
    assert not second_renderings([("x", en, good)], variants)
    assert not missing_terms([("x", en, good)], have)
    assert second_renderings([("x", en, variant)], variants) == [
        "x: 'ブロードキャスティング' (the glossary's term is 'ブロードキャスト')"]
    assert missing_terms([("x", en, other)], have) == ["x: ファシリテーター", "x: ブロードキャスト"]
    assert len(second_renderings([("x", en, other)], variants)) == 1
    # a variant that holds the term itself (フィルター holds フィルタ) is still found
    assert second_renderings([("x", "", "3×3のフィルターをずらします。")], variants) == [
        "x: 'フィルター' (the glossary's term is 'フィルタ')"]
    assert not second_renderings([("x", "", "3×3のフィルタをずらします。")], variants)


# --------------------------------------------------------------------------- running it
def _execute_built(tmp_path, helpers_source, env):

    built = tmp_path / "built"
    built.mkdir()
    nbformat.write(i18n.build_notebook(SPRINT0, "ja"), built / SPRINT0.name)
    run = tmp_path / "run"
    run.mkdir()
    return execute_notebook(built / SPRINT0.name, run, helpers_source, {"COURSE_LANG": "ja", **env})


def _errors(nb):
    return [(i, o.ename, o.evalue[:200]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"]


@pytest.mark.slow
def test_the_japanese_sprint0_runs_against_the_reference(tmp_path):
    nb = _execute_built(tmp_path, ROOT / "solutions", {"AUTOGRADER_STRICT": "1"})
    assert not _errors(nb), _errors(nb)
    assert not missing_glyphs(nb), missing_glyphs(nb)   # its plots in the Japanese edition
    checks = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                       and c.source.startswith("check(") for o in c.outputs)
    assert "✔ PASS" in checks and "FAIL" not in checks and "問題1: ベクトルを列に" in checks


@pytest.mark.slow
def test_the_japanese_sprint0_runs_on_the_untouched_stubs_without_an_error(tmp_path):
    nb = _execute_built(tmp_path, ROOT / "helpers", {"AUTOGRADER_STRICT": None})
    assert not _errors(nb), _errors(nb)
    checks = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                       and c.source.startswith("check(") for o in c.outputs)
    assert "… TODO" in checks and "5 問中 0 問 合格" in checks


# --------------------------------------------------------------------------- the release
@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Sprint 0 released in English and in Japanese from one course repository."""
    from autograder.instructor import course

    tmp = tmp_path_factory.mktemp("i18n-release")
    repo = tmp / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for name in ("helpers", "autograder", "solutions", "translations"):
        (repo / name).symlink_to(ROOT / name)
    shutil.copyfile(SPRINT0, repo / "notebooks" / SPRINT0.name)
    return {lang: course.release(tmp / lang, ["sprint0"], repo=repo, lang=lang) / "sprint0"
            for lang in ("en", "ja")}


def _learner_check(folder, **env):
    clean = env_without_locale()
    return subprocess.run([sys.executable, "-m", "autograder", "check", "sprint0"], cwd=folder,
                          env={**clean, **env}, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_japanese_release_has_the_japanese_notebook_and_speaks_japanese(releases):
    en_nb = nbformat.read(releases["en"] / SPRINT0.name, as_version=4)
    ja_nb = nbformat.read(releases["ja"] / SPRINT0.name, as_version=4)
    assert [c.get("id") for c in en_nb.cells] == [c.get("id") for c in ja_nb.cells]
    assert "answer-notes" not in str([c.metadata for c in ja_nb.cells])   # still stripped
    for e, j in zip(en_nb.cells, ja_nb.cells):
        assert e.metadata == j.metadata
        if e.cell_type == "code" or e.metadata.get("nbgrader", {}).get("solution"):
            assert e.source == j.source
    ja_text = "\n".join(c.source for c in ja_nb.cells if c.cell_type == "markdown")
    en_text = "\n".join(c.source for c in en_nb.cells if c.cell_type == "markdown")
    assert "ブロードキャストでバイアスを足す" in ja_text
    assert "add a bias by broadcasting" not in ja_text
    assert "add a bias by broadcasting" in en_text
    for folder in releases.values():     # both ship the catalogs: a learner may switch
        shipped = folder / "autograder" / "learner"
        assert (shipped / "i18n.py").is_file()
        assert (shipped / "locale" / "ja" / "LC_MESSAGES" / "course.po").is_file()
    locale = ("autograder", "learner", "locale", "LANGUAGE")
    assert releases["ja"].joinpath(*locale).read_text().strip() == "ja"
    assert not releases["en"].joinpath(*locale).exists()

    ja = _learner_check(releases["ja"])
    assert ja.returncode == 1 and "5 問中 0 問 合格" in ja.stdout, ja.stdout + ja.stderr
    assert "exercises passed" in _learner_check(releases["ja"], COURSE_LANG="en").stdout
    en = _learner_check(releases["en"])
    assert "0 of 5 exercises passed" in en.stdout and not JAPANESE.search(en.stdout)
    assert "5 問中 0 問 合格" in _learner_check(releases["en"], COURSE_LANG="ja").stdout
