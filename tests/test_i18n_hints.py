"""The Japanese edition of the tiered hints and of the check's per-case details.

* every sprint's hints (``autograder/learner/hint_texts/<sprint>.toml``, the English source) have a
  current Japanese translation (``hint_texts/ja/<sprint>.po``, one entry per level); a changed
  English level is named as stale, and shows in English until it is translated again;
* a translated level keeps the English level's code: its numbers, its `code`, its identifiers;
* ``hint()`` / ``./course hint`` and the check's details (expected vs. got, shapes, dtypes,
  generic hints) read in Japanese when the course's language is Japanese; English is unchanged;
* every ``_("...")`` of the message modules reaches the catalog (Babel does not read a call
  inside an f-string).
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from autograder.authoring import translate
from autograder.learner import hints, i18n
from autograder.learner.check import run_checks
from autograder.learner.compare import Tolerance, compare, generic_hints
from autograder.learner.sandbox_child import SELF

from .conftest import ROOT, make_helpers, plant_mistake
from .support import env_without_locale, glossary_terms, missing_terms, second_renderings

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

AND_AS_OR_HINT = ("Your gate fires when *either* input is 1: that is OR. Make the bias more "
                  "negative, so only two 1s overcome it.")



def and_as_or(x):
    """The classic mistake of sprint1.and_gate: a bias that one 1 overcomes (that is OR)."""
    return step_function(np.asarray(x) @ np.array([0.5, 0.5]) - 0.2)  # noqa: F821


def _hint_entries():
    """``[(sprint, context, English, Japanese)]`` of every hint catalog."""
    out = []
    for sprint in i18n.hint_sprints():
        for m in i18n.read_catalog(i18n.hint_catalog_path("ja", sprint)):
            if m.id:
                out.append((sprint, m.context, m.id, m.string))
    return out


# --------------------------------------------------------------------------- the catalogs
def test_every_sprints_hints_are_declared_translated():
    sprints = i18n.hint_sprints()
    assert len(sprints) == 11 and "sprint0" in sprints and "sprint10" in sprints
    assert i18n.translated_hints("ja") == sprints


@pytest.mark.parametrize("sprint", i18n.hint_sprints())
def test_every_hint_level_has_a_current_translation(sprint):
    found = i18n.hint_problems("ja", sprint)
    assert not found, "\n".join(map(str, found)) + (
        "\nrun `python -m autograder translate update`, then translate the fuzzy and empty "
        f"entries of autograder/learner/hint_texts/ja/{sprint}.po")


def test_one_entry_per_level_keyed_by_exercise_and_level():
    english = hints.load()
    entries = _hint_entries()
    assert len(entries) == sum(len(h.levels) for h in english.values()) == 246
    for sprint, context, en, _ja in entries:
        ex_id, level = re.fullmatch(r"(sprint\d+\.\w+) level (\d)", context).groups()
        assert ex_id.startswith(sprint + ".")
        assert english[ex_id].levels[int(level) - 1] == en


NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?", re.ASCII)
CODE_SPAN = re.compile(r"`[^`]+`")
IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|\b\w*_\w*\b", re.ASCII)  # np.exp


@pytest.mark.parametrize("sprint", i18n.hint_sprints())
def test_a_translated_level_keeps_the_code_numbers_and_identifiers(sprint):
    """Code stays code: what the English level names in code the Japanese names the same way;
    only a level that is code alone (nearly the code) may stay as it is."""
    for s, context, en, ja in _hint_entries():
        if s != sprint:
            continue
        if ja == en:
            assert context.endswith("level 3"), f"{context}: not translated"
            continue
        assert JAPANESE.search(ja), context
        for pattern in (NUMBER, CODE_SPAN, IDENTIFIER):    # as many times as in the English
            lost = Counter(pattern.findall(en)) - Counter(pattern.findall(ja))
            assert not lost, f"{context}: the translation lost {sorted(lost.elements())}"
        if context.endswith("level 3"):          # nearly the code: only comments translated
            for ln in en.splitlines():
                code = ln.split("#", 1)[0].rstrip()
                assert code in ja.splitlines()[en.splitlines().index(ln)], \
                    f"{context}: code line changed: {code!r}"


def test_the_glossary_checks_cover_the_hints():
    import tomllib

    texts = [(f"hint_texts/ja/{s}.po: {c}", en, ja) for s, c, en, ja in _hint_entries()]
    variants = tomllib.loads((i18n.TRANSLATIONS / "ja" / "variants.toml").read_text("utf-8"))
    assert not second_renderings(texts, variants)
    assert not missing_terms(texts, glossary_terms())


# --------------------------------------------------------------------------- stale
@pytest.fixture
def hint_copy(tmp_path):
    """A copy of ``hint_texts/`` (English texts and Japanese catalogs) to edit."""
    dest = tmp_path / "hint_texts"
    shutil.copytree(i18n.HINTS, dest)
    return dest


def test_a_changed_english_hint_names_the_stale_translation(hint_copy, lang):
    toml = hint_copy / "sprint1.toml"
    old = "pick b between −1 and −0.5."
    assert old in toml.read_text(encoding="utf-8")
    toml.write_text(toml.read_text(encoding="utf-8").replace(old, "pick b in (−1, −0.5)."),
                    encoding="utf-8")
    found = i18n.hint_problems("ja", "sprint1", hint_copy)
    assert [(p.where, p.unit, p.kind) for p in found] == [
        ("hint_texts/ja/sprint1.po", "sprint1.and_gate level 2", "stale")]
    assert "sprint1.and_gate level 2: the English changed since it was translated" in str(found[0])

    # the stale level shows in English; the others of the exercise stay Japanese
    lang("ja")
    levels = hints.load_file(toml)["sprint1.and_gate"].levels
    shown = [i18n.hint_text("sprint1.and_gate", k, t, hint_copy) for k, t in enumerate(levels, 1)]
    assert shown[1] == levels[1] and "pick b in (−1, −0.5)." in shown[1]
    assert JAPANESE.search(shown[0]) and shown[0] != levels[0]


def test_update_marks_a_changed_hint_fuzzy_with_its_old_english(hint_copy):
    toml = hint_copy / "sprint0.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "a new shape.", "a new shape (a view, not a copy)."), encoding="utf-8")
    po = i18n.hint_catalog_path("ja", "sprint0", hint_copy)
    catalog = translate.merge(i18n.extract_hints(toml), i18n.read_catalog(po))
    changed = [m for m in catalog if m.id and m.fuzzy]
    assert [m.context for m in changed] == ["sprint0.as_column level 1"]
    assert "a view, not a copy" not in changed[0].previous_id[0] and changed[0].string
    translate._write_po(catalog, po)
    assert [p.unit for p in i18n.hint_problems("ja", "sprint0", hint_copy)] == [
        "sprint0.as_column level 1"]


def test_a_removed_exercise_leaves_an_obsolete_translation(hint_copy):
    toml = hint_copy / "sprint10.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text[:text.index('["sprint10.flip_kernel"]')], encoding="utf-8")
    found = i18n.hint_problems("ja", "sprint10", hint_copy)
    assert sorted((p.unit, p.kind) for p in found) == [
        (f"sprint10.flip_kernel level {k}", "obsolete") for k in (1, 2, 3)]


# --------------------------------------------------------------------------- showing them
def test_a_hint_shows_in_japanese_when_the_course_is_japanese(tmp_path, lang):
    helpers = make_helpers(tmp_path)
    english = hints.load()["sprint1.and_gate"].levels
    catalog = i18n.read_catalog(i18n.hint_catalog_path("ja", "sprint1"))
    japanese = [catalog.get(t, context=f"sprint1.and_gate level {k}").string
                for k, t in enumerate(english, 1)]
    lang("ja")
    first = hints.next_hint("sprint1.and_gate", helpers)
    assert first.splitlines()[0].startswith("sprint1.and_gate")
    assert "のヒント: 3 段階中 1 段階目" in first and "1. 考え方:" in first
    assert japanese[0] in first and english[0] not in first
    assert "もう一度呼ぶと 2 段階目" in first
    lang("en")                                     # switched back: the next level in English
    second = hints.next_hint("sprint1.and_gate", helpers)
    assert "level 2 of 3" in second and english[1] in second and not JAPANESE.search(second)
    assert "1. The idea (shown before):" in second and "2. The steps and shapes:" in second
    lang("ja")
    assert "sprint1.and_gate" in hints.usage_text(helpers) and "3 段階中 2" in \
        hints.usage_text(helpers)


def test_the_terminal_hint_command_speaks_japanese(tmp_path):
    helpers = make_helpers(tmp_path)
    env = env_without_locale()
    cmd = [sys.executable, "-m", "autograder", "hint", "sprint4.affine", "--helpers", str(helpers)]
    ja = subprocess.run(cmd, cwd=ROOT, env={**env, "COURSE_LANG": "ja"}, capture_output=True,
                        text=True, check=True).stdout
    assert "3 段階中 1 段階目" in ja and "Y = X·W + b。勾配は行列の積で" in ja
    en = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert "level 2 of 3" in en and not JAPANESE.search(en)


# --------------------------------------------------------------------------- the check
def test_the_details_of_a_case_read_in_japanese_and_english_is_unchanged(lang):
    a = np.arange(6.0).reshape(2, 3)
    lang("en")
    assert compare(a, a.T).message == (
        "return: wrong shape: expected (2, 3), got (3, 2) (the transpose: check the order of "
        "the matrix product or a missing .T)")
    assert compare(a, a.astype(int), Tolerance(dtype="float")).message == \
        "return: expected float values, got dtype int64"
    assert [h.text for h in generic_hints(a + 1, -(a + 1))] == [
        "Your answer is the expected one with the sign flipped."]
    lang("ja")
    assert compare(a, a.T).message == (
        "return: 形状が違います: 期待される形状は (2, 3)、返ってきたのは (3, 2) です"
        "（転置になっています: 行列の積の順番か、.T の付け忘れを確かめましょう）")
    assert compare({"W": a}, {"b": a}).message == \
        "return: 期待されるキーは ['W']、返ってきたのは ['b'] です"
    assert compare(a, None).message == \
        "return: None が返ってきました。関数が結果を `return` し忘れていませんか?"
    assert [h.text for h in generic_hints(a + 1, 4 * (a + 1), batch=4)] == [
        "あなたの答えは期待される答えの 4 倍で、4 はバッチサイズです: サンプル数で割りましょう"
        "（バッチについては和ではなく平均をとります）。"]
    # the data other modules read is the same in both languages
    lang("en")
    en = compare(a, a.T)
    lang("ja")
    ja = compare(a, a.T)
    assert (en.kind, en.where, en.learner_text) == (ja.kind, ja.where, ja.learner_text)


def _or_gate_helpers(tmp_path):
    pkg = make_helpers(tmp_path)
    plant_mistake(pkg, "perceptron", "AND", and_as_or)
    return pkg


EN_DETAIL = ("      case 1 of 3 (the truth table): return: wrong value at index (1,): expected 0, "
             "got 1; 2 of 4 values differ, largest error 1")
JA_DETAIL = ("      ケース 3 件中 1 件目 (真理値表): return: "
             "インデックス (1,) の値が違います: 期待される値は 0、返ってきたのは 1 です。"
             "4 個中 2 個の値が違い、最大の誤差は 1 です")


def test_a_classic_mistake_checked_from_a_terminal_reads_in_japanese(tmp_path, lang):
    """`COURSE_LANG=ja ./course check sprint1.and_gate` with the AND gate built as OR."""
    pkg = _or_gate_helpers(tmp_path)
    env = env_without_locale()
    env["PYTHONPATH"] = str(ROOT)

    def check(**more):
        return subprocess.run([sys.executable, "-m", "autograder", "check", "sprint1.and_gate"],
                              cwd=pkg.parent, env={**env, **more}, capture_output=True,
                              text=True, timeout=300)
    en = check()
    assert en.returncode == 1, en.stderr
    assert EN_DETAIL in en.stdout.splitlines(), en.stdout
    assert f"      Hint: {AND_AS_OR_HINT}" in en.stdout.splitlines()
    assert not JAPANESE.search(en.stdout)
    ja = check(COURSE_LANG="ja")
    assert ja.returncode == 1, ja.stderr
    assert JA_DETAIL in ja.stdout.splitlines(), ja.stdout
    lang("ja")       # the known mistake's hint: its course.po translation (sprint 1's entries)
    assert "      ヒント: " + i18n.pgettext("sprint1.and_gate", AND_AS_OR_HINT) in \
        ja.stdout.splitlines()
    assert "sprint1  ▒░░░░░░ 7 問中 0 問 合格（今回確認したのは 1 問）" in ja.stdout


def test_the_known_mistakes_hint_shows_its_translation(tmp_path, lang, monkeypatch):
    """With sprint 1's entry in course.po (its translators add it), the check's hint line is
    Japanese too: the same catalog lookup the check makes, on a catalog that has it."""
    pkg = _or_gate_helpers(tmp_path)
    catalog = i18n.read_catalog(i18n.catalog_path("ja"))
    ja_hint = ("あなたのゲートは、入力の「どちらか」が 1 なら発火します: それは OR です。"
               "バイアスをもっと負にして、1 が2つそろったときだけ超えられるようにしましょう。")
    if catalog.get(AND_AS_OR_HINT, context="sprint1.and_gate") is None:
        catalog.add(AND_AS_OR_HINT, ja_hint, context="sprint1.and_gate")
    else:
        ja_hint = catalog.get(AND_AS_OR_HINT, context="sprint1.and_gate").string
    po = tmp_path / "locale" / "ja" / "LC_MESSAGES" / "course.po"
    translate._write_po(catalog, po)
    monkeypatch.setattr(i18n, "LOCALE", tmp_path / "locale")
    i18n.translations.cache_clear()
    try:
        lang("ja")
        printed = run_checks(["sprint1.and_gate"], helpers=pkg, save=False).render()
        assert JA_DETAIL in printed.splitlines() and f"      ヒント: {ja_hint}" in \
            printed.splitlines(), printed
        lang("en")
        printed = run_checks(["sprint1.and_gate"], helpers=pkg, save=False).render()
        assert EN_DETAIL in printed.splitlines() and f"      Hint: {AND_AS_OR_HINT}" in \
            printed.splitlines()
    finally:
        i18n.translations.cache_clear()


# --------------------------------------------------------------------------- extraction
def test_every_message_literal_reaches_the_catalog():
    """`_("...")` inside an f-string is invisible to Babel's extractor: the message would never
    be translated. Every literal `_()`/`N_()` of the message modules is in the template."""
    ids = {m.id for m in i18n.extract_messages([]) if m.id}
    missing = []
    for name in i18n.MESSAGE_MODULES:
        tree = ast.parse((i18n.HERE.parent / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("_", "N_") and node.args and \
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if node.args[0].value not in ids:
                    missing.append(f"{name}:{node.lineno}: {node.args[0].value[:60]!r}")
    assert not missing, "\n".join(missing)
    assert {"wrong shape: expected {expected}, got {actual}", "the idea", "not started",
            "Nothing written: fix the problems above and run pack again."} <= ids


A = np.arange(6.0).reshape(2, 3)
#: (expected, actual, tolerance): one of each message compare() can write
EVERY_MISMATCH = [
    (SELF, None, Tolerance()), (SELF, A, Tolerance()), (SELF, 3, Tolerance()),
    (None, A, Tolerance()), (A, SELF, Tolerance()), ("abc", "abd", Tolerance()),
    ({"a": 1}, [1], Tolerance()), ({"a": 1}, {"b": 1}, Tolerance()), ((A, A), A, Tolerance()),
    ((A, A), (A,), Tolerance()), (A, None, Tolerance()), (A, "s", Tolerance()),
    (A, A.T, Tolerance()), (np.float64(3), A, Tolerance()), (A, A[0], Tolerance()),
    (A, A.reshape(1, 6), Tolerance()), (A, np.zeros((5, 5)), Tolerance()),
    (A, np.array([["a"] * 3] * 2), Tolerance()), (A, A > 1, Tolerance()),
    (A, A.astype(int), Tolerance(dtype="float")), (A, A > 1, Tolerance(dtype="float")),
    (A > 1, A, Tolerance()), (A.astype(int), A, Tolerance()),
    (A.astype(np.float32), A, Tolerance(same_dtype=True)), (A, A * np.nan, Tolerance()),
    (A, A * 2, Tolerance()), (np.float64(2.5), np.float64(3.5), Tolerance()),
]
ENGLISH_WORDS = re.compile(
    r"\b(expected|got|wrong|values?|shape|Your|answer|index|the|check|of|or|and|in|is)\b")


@pytest.mark.parametrize("case", range(len(EVERY_MISMATCH)))
def test_every_detail_of_compare_reads_in_japanese(case, lang):
    expected, actual, tol = EVERY_MISMATCH[case]
    lang("en")
    en = compare(expected, actual, tol)
    lang("ja")
    ja = compare(expected, actual, tol)
    assert en.message.startswith(en.where + ": ") and ja.message.startswith(ja.where + ": ")
    assert (en.kind, en.where, en.learner_text) == (ja.kind, ja.where, ja.learner_text)
    said = ja.message[len(ja.where) + 2:]
    assert JAPANESE.search(said), ja.message
    assert not ENGLISH_WORDS.search(re.sub(r"'[^']*'|`[^`]*`", "", said)), ja.message


def test_every_generic_hint_reads_in_japanese(lang):
    lang("ja")
    texts = [h.text for e, a, b in [(A + 1, -(A + 1), None), (A + 1, 4 * (A + 1), 4),
                                    (A + 1, (A + 1) / 4, 4), (A + 1, 3.3 * (A + 1), None),
                                    (A, A.T, None)]
             for h in generic_hints(e, a, Tolerance(), b)]
    assert len(texts) == 5 and len(set(texts)) == 5
    for text in texts:
        assert JAPANESE.search(text) and not ENGLISH_WORDS.search(text), text
    assert "3.3 倍" in texts[3] and "4" in texts[1] and "4" in texts[2]


def test_the_details_evaluate_writes_read_in_japanese(lang):
    from autograder.learner.evaluate import score
    from autograder.learner.registry import RAISES, Case, Prepared, Spec
    from autograder.learner.sandbox import RunResult

    def prep(expected, fresh=()):
        return Prepared(Case(label="x=1", fresh=tuple(fresh)), expected, [])

    def ok(mutated=(), aliased=None, **outputs):
        return {"status": "ok", "outputs": outputs, "mutated": list(mutated),
                **({"aliased": aliased} if aliased is not None else {})}

    def error(kind, bases):
        return {"status": "error", "error_type": kind, "message": "bad input",
                "error_bases": bases}

    def spec():
        return Spec("sprint9.f", 1.0, "mod", "f", "Problem: f", Tolerance())

    runs = {
        "no_raise": ([prep({RAISES: "ValueError"})], [ok(**{"return": 1.0})]),
        "error": ([prep({RAISES: "ValueError"})], [error("TypeError", ["TypeError"])]),
        "mutated": ([prep({"return": 1.0})], [ok(mutated=["x"], **{"return": 1.0})]),
        "aliased": ([prep({"return": 1.0}, fresh=["return"])],
                    [ok(aliased=["return"], **{"return": 1.0})]),
        "import_error": ([prep({"return": 1.0})], [{"status": "import_error", "message": "E"}]),
        "missing": ([prep({"return": 1.0})], [{"status": "missing"}]),
    }
    for kind, (cases, results) in runs.items():
        lang("en")
        en = score(spec(), cases, RunResult(results))
        lang("ja")
        ja = score(spec(), cases, RunResult(results))
        assert en.outcome.kind == ja.outcome.kind == kind
        assert not JAPANESE.search(en.outcome.detail), en.outcome.detail
        assert JAPANESE.search(ja.outcome.detail), (kind, ja.outcome.detail)


def test_the_progress_view_reads_in_japanese_with_its_columns_lined_up(lang):
    from autograder.learner.progress import Progress, Row, _width

    hint = ("You returned X @ W: add the bias b (shape (M,)), `X @ W + b`.")
    rows = [Row("sprint0.as_column", "sprint0", "Problem 1: a vector as a column", 1, "done",
                checked_at="now"),
            Row("sprint0.affine", "sprint0", "Problem 3: the affine map X @ W + b", 1, "failing",
                detail="ケース 4 件中 1 件目: return: 値が違います", hint=hint, checked_at="now")]
    lang("ja")
    text = Progress(rows).text()
    head, rule, first = text.splitlines()[:3]
    assert head.split() == ["スプリント", "進捗", "完了", "不合格", "未着手"]
    assert _width(head) == len(rule) == _width(first), text    # the numbers under their heads
    def ends(line):          # the column where each word of the line ends
        return [_width(line[:m.end()]) for m in re.finditer(r"\S+", line)]
    assert ends(head)[2:] == ends(first)[2:], text          # right-aligned under their heads
    assert ends(head)[0] < _width(first[:first.index("█")])   # the bar starts after a space
    assert "✘ 不合格" in text and "問題3: アフィン変換 X @ W + b" in text
    assert "ヒント: " + i18n.pgettext("sprint0.affine", hint) in text and \
        "バイアス b" in text
    html = Progress(rows)._repr_html_()
    assert "<th>完了</th>" in html and "<b>ヒント:</b>" in html
    assert "違っているところとヒント" in html
    lang("en")
    assert Progress(rows).text().splitlines()[0] == \
        "sprint   progress        done  failing  not started"


def test_pack_explains_in_japanese(tmp_path, lang):
    from autograder.learner import pack

    shutil.copytree(ROOT / "helpers", tmp_path / "helpers")
    shutil.copyfile(ROOT / "notebooks" / "sprint0_start_here.ipynb",
                    tmp_path / "sprint0_start_here.ipynb")
    lang("ja")
    report = pack.pack(tmp_path, "alice", "sprint0", tmp_path / "out")
    text = report.render()
    assert report.written is None and len(report.incomplete) == 7 and not report.errors
    assert text.splitlines()[0].startswith("sprint0 を確認しました: sprint0_start_here.ipynb と")
    assert "helpers/warmup.py, as_column: まだ NotImplementedError を送出しています" in text
    assert "何も書き出していません" in text and "--partial" in text
    with pytest.raises(pack.PackError, match="学生の id 'a b' はファイル名に使えません"):
        pack.check_student("a b")
    lang("en")
    assert re.fullmatch(r"Checked sprint0: sprint0_start_here\.ipynb and \d+ file\(s\) in helpers/",
                        pack.pack(tmp_path, "alice", "sprint0").render().splitlines()[0])
