"""The grader's notes on a submission are records rendered in the course's language when shown.

A note (:class:`autograder.learner.notes.Note`) keeps the English message with its
``{placeholders}`` (the catalog's key) and its values; state files and ``summary.json`` store
it as such, and the summary, the class report and Gradescope's output render it in the
course's language (``COURSE_LANG``; a Gradescope bundle: the language it was built in). An
older grader's note, a plain string, is read back and shown as it was written. A value is
never formatted: a file name with ``{braces}`` or ``%s`` is shown as it is.
"""
from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest

from autograder.instructor.grading import state
from autograder.instructor.grading.submission import Submission
from autograder.instructor.grading.summary import (
    RECORD_FILE,
    TEXT_FILE,
    Problem,
    build_summary,
    load_summary,
    render_summary,
    write_summary,
)
from autograder.learner import i18n, intake
from autograder.learner.notes import Note
from autograder.learner.verdict import Outcome

from .conftest import make_helpers
from .support import SPRINT, class_of

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
BROKEN = b"def step_function(x:\n    return x\n"      # line 1: a syntax error


# --------------------------------------------------------------------------- the record
def test_a_syntax_error_note_reads_in_the_course_language(lang):
    note = intake.compile_note("perceptron.py", BROKEN)
    lang("en")
    english = note.render()
    assert english.startswith("helpers/perceptron.py has a syntax error (line 1: ")
    assert english.endswith("): its exercises score 0")
    lang("ja")
    japanese = note.render()
    assert japanese.startswith("helpers/perceptron.py に構文エラーがあります（1 行目: ")
    assert japanese.endswith("このファイルの問題はすべて 0 点です")
    assert "syntax error" not in japanese and "score" not in japanese
    assert note.english() == str(note) == english          # data: English, whatever the language
    assert note.render("en") == english and note.render("ja") == japanese


@pytest.mark.parametrize("name", ["{file}.py", "x{0}.py", "%s%d.py", "{__class__}.py",
                                  "{file.__class__.__mro__}.py", "a{.py", "}b.py"])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_file_name_with_braces_or_percent_is_shown_as_it_is(lang, name, language):
    """Attack: the learner's file name is a value; only the catalog's template is formatted."""
    lang(language)
    for note in (intake.compile_note(name, BROKEN), intake.size_note(name, b"x" * 2_000_000),
                 Note.of(i18n.N_("helpers/{file} missing: its exercises score 0"), file=name)):
        text = note.render()
        assert f"helpers/{name} " in text, text
        assert Note.from_json(json.loads(json.dumps(note.as_json()))).render() == text


def test_an_older_graders_string_note_is_shown_as_written(lang):
    lang("ja")
    old = "helpers/x.py has a syntax error (line {line}: %s): its exercises score 0"
    note = Note.from_json(old)
    assert note.literal and note.render() == old and note.as_json() == old


def test_a_template_that_does_not_fit_its_values_still_renders(lang):
    """A translation (or a record) naming a placeholder the values lack: the English, or
    the message with its values, never an exception."""
    lang("ja")
    note = Note("no such message {missing} here", {"file": "a.py"})
    assert note.render() == "no such message {missing} here file=a.py"


def test_nested_notes_and_verdicts_round_trip_and_render_in_the_language(lang):
    verdict = Outcome("error", exception="ZeroDivisionError")
    why = Note.of(i18n.N_("nbgrader autograde failed ({error})"), error="Timeout")
    note = Note.of(i18n.N_("{why}: no autograded notebook or feedback; helper code graded"),
                   why=why)
    crash = Note.of(i18n.N_("{exercise}: {verdict}"), exercise="sprint1.and_gate",
                    verdict=verdict)
    for n in (note, crash):
        doc = json.loads(json.dumps(n.as_json()))
        assert Note.from_json(doc) == n
    lang("en")
    assert note.render() == ("nbgrader autograde failed (Timeout): no autograded notebook or "
                             "feedback; helper code graded")
    english_crash = crash.render()
    assert english_crash.startswith("sprint1.and_gate: ") and "ZeroDivisionError" in english_crash
    lang("ja")
    assert note.render() == ("nbgrader の autograde が失敗しました（Timeout）: 自動採点した"
                             "ノートブックもフィードバックもありません。helpers/ のコードは"
                             "採点しました")
    japanese_crash = crash.render()
    assert japanese_crash != english_crash and JAPANESE.search(japanese_crash)
    assert "ZeroDivisionError" in japanese_crash


@pytest.mark.parametrize("doc", [{"message": 3}, {"message": "x", "values": []},
                                 {"message": "x", "values": {"a": [1]}},
                                 {"message": "x", "values": {"a": {"outcome": {"kind": "?"}}}},
                                 5, None])
def test_a_damaged_note_is_refused(doc):
    with pytest.raises(ValueError):
        Note.from_json(doc)


def test_a_note_is_a_record_not_a_string():
    sub = Submission("ann", SPRINT, None)
    with pytest.raises(TypeError):
        sub.note("helpers/x.py missing")
    sub.note(Note.of(i18n.N_("no result was recorded")))
    sub.note(Note.of(i18n.N_("no result was recorded")))
    assert len(sub.problems) == 1


# --------------------------------------------------------------------------- stored, resumed
def _sub_with_notes() -> Submission:
    sub = Submission("bob", SPRINT, None)
    sub.note(intake.compile_note("perceptron.py", BROKEN))
    sub.note(Note.of(i18n.N_("{file}: folders nested deeper than {depth}: ignored"),
                     file="a{b}/c", depth=8))
    return sub


def test_a_state_file_keeps_the_notes_and_an_old_one_is_read(tmp_path, lang):
    sub = _sub_with_notes()
    state.write_state(tmp_path, sub, "fp", "graded", "v")
    doc = state.read_state(tmp_path, sub)
    assert doc["problems"][0]["message"].startswith("helpers/{file} has a syntax error")
    again = Submission("bob", SPRINT, None)
    state.restore(again, doc)
    assert again.problems == sub.problems and again.reason is None
    # the previous grader's state file: its notes and reason were English strings
    old = dict(doc, problems=["helpers/perceptron.py has a syntax error (line 1: invalid "
                              "syntax): its exercises score 0", "odd {braces} %s"],
               reason="grading took longer than the limit of 600 s")
    state.restore(again, old)
    lang("ja")
    assert [n.render() for n in again.problems] == old["problems"]
    assert again.reason.render() == old["reason"]


def test_a_not_graded_reason_is_a_note_and_english_in_the_results(lang):
    from autograder.learner.registry import load_exercises

    class Sprint:
        exercises = [s for s in load_exercises({SPRINT})]
    sub = Submission("bob", SPRINT, Sprint())
    lang("ja")
    state.not_graded(sub, Note.of(i18n.N_("no result was recorded")))
    assert sub.problems == [sub.reason]
    assert sub.reason.render() == "結果が記録されていません"
    assert {r.message for r in sub.results} == {"not graded: no result was recorded"}


def test_the_summary_renders_the_notes_in_the_language_and_stores_them_as_records(tmp_path,
                                                                                   lang):
    sub = _sub_with_notes()
    skipped = [Note.of(i18n.N_("{folder}: a symbolic link, not graded"), folder="zed")]
    record = build_summary([sub], skipped, [], tmp_path, 1.0)
    lang("en")
    write_summary(tmp_path, record)
    assert load_summary(tmp_path) == record
    doc = json.loads((tmp_path / RECORD_FILE).read_text(encoding="utf-8"))
    assert doc["problems"][1] == {"where": "bob/sprint1", "note": {
        "message": "{file}: folders nested deeper than {depth}: ignored",
        "values": {"file": "a{b}/c", "depth": 8}}}
    english = (tmp_path / TEXT_FILE).read_text(encoding="utf-8")
    assert "  bob/sprint1: helpers/perceptron.py has a syntax error (line 1: " in english
    assert "  bob/sprint1: a{b}/c: folders nested deeper than 8: ignored" in english
    assert "  zed: a symbolic link, not graded" in english
    lang("ja")
    japanese = render_summary(load_summary(tmp_path))
    assert "  bob/sprint1: helpers/perceptron.py に構文エラーがあります（1 行目: " in japanese
    assert "  bob/sprint1: a{b}/c: フォルダの入れ子が 8 段より深いため、無視しました" in japanese
    assert "  zed: シンボリックリンクのため、採点していません" in japanese
    assert "syntax error" not in japanese
    # a record of format 1 (the previous grader's): English texts, shown as they are
    doc1 = dict(doc, format=1, problems=[{"where": "bob/sprint1", "text": "old {x} note"}])
    (tmp_path / RECORD_FILE).write_text(json.dumps(doc1), encoding="utf-8")
    assert load_summary(tmp_path).problems == [Problem("bob/sprint1", Note.text("old {x} note"))]
    assert "  bob/sprint1: old {x} note" in render_summary(load_summary(tmp_path))


# ------------------------------------------------------------------- every note in the catalog
def _note_calls():
    """``[(module, call)]``: every ``Note.of(...)`` call in the course's code."""
    root = Path(i18n.HERE.parent)
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "of" and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == "Note":
                yield path.relative_to(root).as_posix(), node, constants


def test_every_note_is_marked_for_the_catalog_and_translated():
    """Each ``Note.of`` message is an ``N_("...")`` literal (or a constant that is one) of a
    module the extraction reads, and the Japanese catalog translates it, keeping its
    placeholders."""
    catalog = i18n.read_catalog(i18n.catalog_path("ja"), "ja")
    seen = set()
    for module, call, constants in _note_calls():
        arg = call.args[0]
        if isinstance(arg, ast.Name):
            arg = constants.get(arg.id)
        assert isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "N_" and \
            isinstance(arg.args[0], ast.Constant), (module, call.lineno)
        assert module in i18n.MESSAGE_MODULES, module
        message = arg.args[0].value
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, message
        names = set(re.findall(r"{(\w*)}", message))
        assert set(re.findall(r"{(\w*)}", entry.string)) == names, message
        assert {k.arg for k in call.keywords} == names, (module, call.lineno, message)
        seen.add(message)
    assert len(seen) >= 30     # the intake's, the grading steps', Gradescope's


# --------------------------------------------------------------------------- Gradescope
def _gradescope_root(tmp_path: Path, lang_of_bundle: str | None) -> Path:
    root = tmp_path / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    config = {"sprint": SPRINT, "salt": "s", "timeout": None, "policy": None}
    if lang_of_bundle:
        config["lang"] = lang_of_bundle
    (root / "source" / "config.json").write_text(json.dumps(config))
    pkg = make_helpers(root / "submission")
    (pkg / "perceptron.py").write_bytes(BROKEN)
    (pkg / "{x}%s.py").write_bytes(BROKEN)
    return root


@pytest.mark.parametrize("bundle_lang, course_lang", [("ja", "en"), (None, "ja"),
                                                      ("en", "ja"), (None, "en")])
def test_gradescope_output_is_in_the_bundles_language(tmp_path, lang, monkeypatch,
                                                      bundle_lang, course_lang):
    """The bundle's language (config.json) wins; a bundle without one: COURSE_LANG."""
    from autograder.instructor import gradescope

    monkeypatch.setenv("AUTOGRADER_ISOLATE", "none")
    lang(course_lang)
    results = gradescope.grade_submission(_gradescope_root(tmp_path, bundle_lang),
                                          log=lambda *a: None)
    output = results["output"]
    shown = bundle_lang or course_lang
    if shown == "ja":
        assert output.startswith(f"{SPRINT}: ") and "点中" in output.splitlines()[0]
        assert "- helpers/perceptron.py に構文エラーがあります（1 行目: " in output
        assert "- helpers/{x}%s.py に構文エラーがあります（1 行目: " in output
        assert "syntax error" not in output and "points" not in output
    else:
        assert " points, graded on public and hidden cases" in output.splitlines()[0]
        assert "- helpers/perceptron.py has a syntax error (line 1: " in output
        assert "- helpers/{x}%s.py has a syntax error (line 1: " in output
        assert not JAPANESE.search(output)


def test_a_bundle_records_the_language_it_was_built_in(tmp_path, lang):
    import zipfile

    from autograder.instructor import gradescope

    lang("ja")
    path = gradescope.build_bundle(tmp_path / "b.zip", SPRINT, salt="s")
    with zipfile.ZipFile(path) as zf:
        assert json.loads(zf.read("config.json"))["lang"] == "ja"


# --------------------------------------------------------------------------- a real run
@pytest.mark.slow
def test_a_japanese_run_notes_in_japanese_and_an_old_state_file_resumes(lang, tmp_path):
    """Grade a class with COURSE_LANG=ja, one submission with a syntax error: the summary
    says so in Japanese, summary.json keeps the record. Then make the state files the
    previous grader's (plain English notes): a run in English resumes every submission
    and shows the old notes as they were written."""
    from autograder.instructor import grading

    sprint = "sprint0"
    submitted = class_of(tmp_path, sprint)
    from autograder.learner.registry import load_exercises

    spec = load_exercises({sprint})[0]
    module = submitted / "bob" / sprint / "helpers" / f"{spec.module}.py"
    module.write_bytes(module.read_bytes() + b"\n\ndef broken(:\n    pass\n")
    out = tmp_path / "course"
    lang("ja")
    printed = io.StringIO()
    assert grading.grade(submitted, out, sprints=[sprint], stream=printed,
                         progress=False) == 0
    text = (out / TEXT_FILE).read_text(encoding="utf-8")
    line = f"  bob/{sprint}: helpers/{module.name} に構文エラーがあります（"
    assert line in text and "syntax error" not in text, text
    feedback = next((out / "feedback" / "bob" / sprint).glob("*.html")).read_text("utf-8")
    assert "この提出についての採点器からの注意" in feedback
    assert f"- helpers/{module.name} に構文エラーがあります（" in feedback
    ann = next((out / "feedback" / "ann" / sprint).glob("*.html")).read_text("utf-8")
    assert "採点器からの注意" not in ann                     # no notes: no notes cell
    record = load_summary(out)
    assert record.score_of("bob", sprint).score == 0 < record.score_of("ann", sprint).score
    assert record.problems[0].note.message.startswith("helpers/{file} has a syntax error")
    assert record.problems[0].note.render("en").startswith(
        f"helpers/{module.name} has a syntax error (line ")
    for path in (out / "state").glob("*.json"):            # the previous grader's notes
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["problems"] = [Note.from_json(n).english() for n in doc["problems"]]
        path.write_text(json.dumps(doc), encoding="utf-8")
    lang("en")
    printed = io.StringIO()
    assert grading.grade(submitted, out, sprints=[sprint], stream=printed,
                         progress=False) == 0
    again = load_summary(out)
    assert again.resumed == 2
    assert [p.note.literal for p in again.problems] == [True]
    assert f"  bob/{sprint}: helpers/{module.name} has a syntax error (line " in \
        printed.getvalue()


# --------------------------------------------------------------------------- the feedback
def test_the_feedbacks_notes_cell_shows_learner_text_as_text(lang):
    """Attack: a note's value holds the learner's HTML and markdown (an exception's message
    from a public case). The notes are a code cell's text output: escaped in the page."""
    import nbformat
    from nbconvert import HTMLExporter

    from autograder.instructor.grading.feedback import NOTES_KEY, _notes_cell

    sub = Submission("bob", SPRINT, None)
    evil = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    sub.note(Note.of(i18n.N_("{exercise}: {verdict}"), exercise="sprint1.and_gate",
                     verdict=Outcome("error", case=1, of=2, detail=evil)))
    lang("ja")
    cell = _notes_cell(sub)
    assert cell.metadata[NOTES_KEY] is True
    assert cell.outputs[0]["text"].startswith("この提出についての採点器からの注意:\n- ")
    nb = nbformat.v4.new_notebook(cells=[cell])
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_learners_results_page_shows_their_own_notes_in_the_language(tmp_path, lang,
                                                                       language):
    """The class report's result page of dan/sprint1 lists the grader's notes on that
    submission (escaped), in the course's language; nobody else's page shows them."""
    from autograder.instructor import report

    from .support import write_grading_dir

    grading = write_grading_dir(tmp_path)
    record = load_summary(grading)
    record.problems = [Problem("dan/sprint1", intake.compile_note("<b>x</b>.py", BROKEN)),
                       Problem("", Note.text("zed: a symbolic link, not graded"))]
    write_summary(grading, record)
    lang(language)
    pages = {p.relative_to(grading / "results").as_posix(): p.read_text("utf-8")
             for p in report.write_report(grading)["pages"]}
    dan = pages.pop("dan/sprint1.html")
    shown = re.search(r'<pre id="notes">(.*?)</pre>', dan, re.S).group(1)
    words = {"en": "has a syntax error (line 1: ", "ja": "に構文エラーがあります（1 行目: "}
    assert shown.startswith("- helpers/&lt;b&gt;x&lt;/b&gt;.py " + words[language]), shown
    assert words["ja" if language == "en" else "en"] not in dan
    assert not any('id="notes"' in page for page in pages.values())


@pytest.mark.parametrize("template", ["{file.__class__}", "{file[0]}", "{file!r}",
                                      "{file:>30}", "{0}", "{}", "{file"])
def test_only_plain_placeholders_are_formatted(template, lang):
    """A template reaching into its values (attributes, indexes, conversions, format specs)
    is never formatted: the message is shown with its values beside it."""
    lang("en")
    shown = Note(template, {"file": "a.py"}).render()
    assert shown == f"{template} file=a.py"
    assert "<class" not in shown


@pytest.mark.parametrize("bundle_lang, words", [
    ("ja", "採点器はこの提出を採点できませんでした（GradescopeError）。"
           "講師に知らせてください。"),
    ("en", "The autograder could not grade this submission (GradescopeError). Please tell "
           "your instructor.")])
def test_a_failed_gradescope_grading_says_so_in_the_bundles_language(tmp_path, lang,
                                                                     bundle_lang, words):
    from autograder.instructor import gradescope

    lang("ja" if bundle_lang == "en" else "en")         # the bundle's language wins
    root = tmp_path / "autograder"
    for name in ("source", "submission"):
        (root / name).mkdir(parents=True)
    (root / "source" / "config.json").write_text(json.dumps(
        {"sprint": "sprint99", "salt": "s", "timeout": None, "lang": bundle_lang}))
    assert gradescope.run(root) == 1
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["output"] == words and results["score"] == 0
