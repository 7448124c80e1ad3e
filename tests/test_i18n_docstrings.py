"""The Japanese docstrings of the learner's ``helpers/`` stubs
(:mod:`autograder.authoring.docstrings`).

* every module declared translated (``translations/ja/docstrings/<module>.po``) has a current
  translation of each docstring, keyed ``<module>.<qualname>``; a changed English docstring is
  named stale;
* a translation keeps the English's code: numbers, ``code``, identifiers, doctest examples,
  literal blocks, the ``Parameters``/``Returns`` sections' names and their parameters;
* rewriting a module changes its docstrings only: it still parses to the same code, with the
  new docstrings (backslashes, quotes and raw strings included), byte for byte elsewhere;
* ``release --lang ja`` ships the Japanese docstrings (``help()`` shows them) and grades the
  same; in a clone, ``translate docstrings`` switches untouched stubs only, and back.
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from autograder.authoring import docstrings, stubs, translate
from autograder.learner import i18n
from autograder.learner.registry import load_exercises

from .conftest import ROOT
from .support import env_without_locale, glossary_terms, missing_terms, second_renderings

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: The sprints whose graded helper modules must be translated (the other sprints' may be).
TRANSLATED_SPRINTS = ("sprint0", "sprint1", "sprint2", "sprint3", "sprint4", "sprint5", "sprint6",
                      "sprint7", "sprint8", "sprint9", "sprint10")


def _modules_of(sprints) -> list:
    return sorted({s.module for s in load_exercises() if s.sprint in sprints})


def _entries(module: str) -> list:
    """``[(context, English, Japanese)]`` of a module's catalog."""
    return [(m.context, m.id, m.string)
            for m in i18n.read_catalog(docstrings.catalog_path("ja", module)) if m.id]


def _helper_docstrings(path) -> dict:
    """``{qualified name: docstring}`` read from a file with ``ast`` alone (not the module
    under test), keyed like the catalog."""
    out = {}
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def owned(node):                      # the defs directly in node (through if/try/with)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, defs):
                yield child
            else:
                yield from owned(child)

    def visit(node, name, in_function):
        doc = ast.get_docstring(node, clean=True)
        if doc is not None:
            out[name] = doc
        for child in owned(node):
            visit(child, f"{name}{'.<locals>.' if in_function else '.'}{child.name}",
                  not isinstance(child, ast.ClassDef))

    visit(ast.parse(path.read_text(encoding="utf-8")), path.stem, False)
    return out


# --------------------------------------------------------------------------- the catalogs
def test_the_sprints_helper_modules_are_declared_translated():
    declared = docstrings.translated_modules("ja")
    assert set(_modules_of(TRANSLATED_SPRINTS)) <= set(declared)
    assert set(declared) <= set(docstrings.helper_modules())


@pytest.mark.parametrize("module", docstrings.translated_modules("ja"))
def test_every_docstring_has_a_current_translation(module):
    found = docstrings.module_problems("ja", module)
    assert not found, "\n".join(map(str, found)) + (
        "\nrun `python -m autograder translate update`, then translate the fuzzy and empty "
        f"entries of translations/ja/docstrings/{module}.po")


@pytest.mark.parametrize("module", docstrings.translated_modules("ja"))
def test_one_entry_per_docstring_of_the_stub_keyed_by_qualname(module):
    """The catalog holds the docstrings the learner's stub has, as ``ast`` reads them."""
    want = _helper_docstrings(ROOT / "helpers" / f"{module}.py")
    have = {context: en for context, en, _ja in _entries(module)}
    assert have == want


NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?", re.ASCII)
CODE_SPAN = re.compile(r"``[^`]+``|:\w+:`[^`]+`")        # ``x @ w``, :func:`f`
IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|\b\w*_\w*\b", re.ASCII)
SECTION = re.compile(r"^(\S[^\n]*)\n(-{3,})$", re.MULTILINE)          # numpydoc: Parameters
def sections(text: str) -> list:
    """``[(name, underline)]``: a section's name is its heading's first word (``Example``;
    what follows it, ``(the book's: ...)``, is prose)."""
    return [(heading.split()[0], line) for heading, line in SECTION.findall(text)]


PROSE = {"e.g", "i.e"}                                                 # not identifiers


def words(pattern, text: str) -> list:
    return [w for w in pattern.findall(text) if w not in PROSE]


PARAMETER = re.compile(r"^(\w+(?:, \w+)*) : ", re.MULTILINE)           # x : ndarray ...


def code_lines(text: str) -> list:
    """The lines that are code: doctest examples and their output, and literal blocks
    (the indented lines after a paragraph ending in ``::``)."""
    out, lines = [], text.split("\n")
    block, doctest = None, False
    for ln in lines:
        indent = len(ln) - len(ln.lstrip())
        if ln.lstrip().startswith(">>>") or ln.lstrip().startswith("..."):
            doctest = True
            out.append(ln.strip())
            continue
        if doctest and ln.strip():                 # the expected output of an example
            out.append(ln.strip())
            continue
        doctest = False
        if block is not None:
            if ln.strip() and indent <= block:
                block = None
            elif ln.strip():
                out.append(ln.strip())
                continue
        if ln.rstrip().endswith("::"):
            block = indent
    return out


def _translations():
    for module in docstrings.translated_modules("ja"):
        for context, en, ja in _entries(module):
            yield module, context, en, ja


@pytest.mark.parametrize("module", docstrings.translated_modules("ja"))
def test_a_translation_keeps_the_code_numbers_shapes_and_sections(module):
    for m, context, en, ja in _translations():
        if m != module:
            continue
        assert JAPANESE.search(ja), f"{context}: not translated"
        for pattern in (CODE_SPAN, IDENTIFIER):              # as many times as in the English
            lost = Counter(words(pattern, en)) - Counter(words(pattern, ja))
            assert not lost, f"{context}: the translation lost {sorted(lost.elements())}"
        # every number (once is enough: "figure 3-15 (図3-15)" is said once in Japanese)
        lost = set(NUMBER.findall(en)) - set(NUMBER.findall(ja))
        assert not lost, f"{context}: the translation lost the numbers {sorted(lost)}"
        assert code_lines(ja) == code_lines(en), f"{context}: an example or a block changed"
        assert sections(ja) == sections(en), f"{context}: the sections changed"
        assert PARAMETER.findall(ja) == PARAMETER.findall(en), f"{context}: the parameters"


def test_the_glossary_checks_cover_the_docstrings():
    import tomllib

    texts = [(f"docstrings/{m}.po: {c}", en, ja) for m, c, en, ja in _translations()]
    variants = tomllib.loads((i18n.TRANSLATIONS / "ja" / "variants.toml").read_text("utf-8"))
    assert not second_renderings(texts, variants)
    assert not missing_terms(texts, glossary_terms())


def test_the_code_line_reader_sees_examples_and_blocks():
    text = ("Sum.\n\nA block::\n\n    y = w @ x\n    z = 1\n\nProse again.\n\n"
            ">>> f(2)\n4\n\nAfter.")
    assert code_lines(text) == ["y = w @ x", "z = 1", ">>> f(2)", "4"]
    assert code_lines(text.replace("f(2)", "f(3)")) != code_lines(text)


# --------------------------------------------------------------------------- a tmp catalog
def _fake_translation(en: str) -> str:
    """A stand-in Japanese: the first line marked, the rest (code, sections) as they are."""
    first, _, rest = en.partition("\n")
    return "【訳】" + first + (("\n" + rest) if rest else "")


@pytest.fixture
def tmp_catalogs(tmp_path):
    """``translations/`` in ``tmp_path`` with the perceptron's and layers' docstrings
    "translated" by :func:`_fake_translation`; returns the folder."""
    from babel.messages.catalog import Catalog

    directory = tmp_path / "translations"
    for module in ("perceptron", "layers"):
        catalog = translate.merge(docstrings.extract(module), Catalog(locale="ja", domain=module))
        for m in catalog:
            if m.id:
                m.string = _fake_translation(m.id)
        translate._write_po(catalog, docstrings.catalog_path("ja", module, directory))
    return directory


@pytest.fixture
def tmp_solutions(tmp_path):
    dest = tmp_path / "solutions"
    shutil.copytree(ROOT / "solutions", dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_a_changed_english_docstring_names_the_stale_translation(tmp_catalogs, tmp_solutions):
    assert docstrings.all_problems("ja", directory=tmp_catalogs,
                                   solutions_dir=tmp_solutions) == []
    path = tmp_solutions / "layers.py"
    text = path.read_text(encoding="utf-8")
    old = '"""Set ``self.dW`` and ``self.db``; return ``dx`` in the shape of the input."""'
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("Set", "Set (逆伝播)")), encoding="utf-8")
    found = docstrings.all_problems("ja", directory=tmp_catalogs, solutions_dir=tmp_solutions)
    assert [(p.unit, p.kind) for p in found] == [("layers.Affine.backward", "stale")]
    assert str(found[0]) == ("translations/ja/docstrings/layers.po: layers.Affine.backward: "
                             "the English changed since it was translated")

    # merging marks it fuzzy with its old English; the release refuses it, a clone keeps it
    po = docstrings.catalog_path("ja", "layers", tmp_catalogs)
    catalog = translate.merge(docstrings.extract("layers", tmp_solutions), i18n.read_catalog(po))
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    assert [m.context for m in fuzzy] == ["layers.Affine.backward"]
    assert "(逆伝播)" not in fuzzy[0].previous_id[0] and fuzzy[0].string.startswith("【訳】")
    translate._write_po(catalog, po)
    helpers = tmp_solutions.parent / "helpers"
    stubs.write_helpers(helpers, tmp_solutions)
    with pytest.raises(i18n.TranslationError, match="layers.Affine.backward"):
        docstrings.localize_helpers(helpers, "ja", directory=tmp_catalogs,
                                    solutions_dir=tmp_solutions)
    text = docstrings.translate_source((helpers / "layers.py").read_text("utf-8"), "layers",
                                       docstrings.lookup("ja", tmp_catalogs))
    docs = docstrings.docstrings(text, "layers")
    stale = next(d for d in docs if d.context == "layers.Affine.backward")
    assert stale.text.startswith("Set (逆伝播) ``self.dW``")     # the new English, not stale
    assert next(d for d in docs if d.context == "layers.Affine.forward").text.startswith("【訳】")


def test_a_removed_docstring_leaves_an_obsolete_entry(tmp_catalogs, tmp_solutions):
    path = tmp_solutions / "perceptron.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "AND")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    doc = node.body[0]
    del lines[doc.lineno - 1:doc.end_lineno]
    path.write_text("".join(lines), encoding="utf-8")
    found = docstrings.all_problems("ja", directory=tmp_catalogs, solutions_dir=tmp_solutions)
    assert [(p.unit, p.kind) for p in found] == [("perceptron.AND", "obsolete")]


def test_update_new_starts_a_modules_catalog(tmp_catalogs, monkeypatch):
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_catalogs)
    monkeypatch.setattr(docstrings, "TRANSLATIONS", tmp_catalogs)
    jobs = docstrings.update_jobs("ja", ("sprint1_perceptron", "gradients", "sprint3"))
    assert [p.relative_to(tmp_catalogs).as_posix() for _, p in jobs] == [
        "ja/docstrings/gradients.po", "ja/docstrings/layers.po", "ja/docstrings/perceptron.po"]
    template = jobs[0][0]()
    assert [m.context for m in template if m.id][:2] == ["gradients",
                                                        "gradients.numerical_diff"]


# --------------------------------------------------------------------------- rewriting
TRICKY = '''r"""A module: ``\\frac{a}{b}`` and "quotes"."""
import numpy as np


class Box:
    \'\'\'A box; it holds 'things'.\'\'\'

    def put(self, x):
        "One line, single quotes."
        def inner():
            """Nested."""
        return x   # the code after: """ not a docstring """


def f(x):
    """First line.

    More: ``x ** 2``.

    >>> f(2)
    4
    """
    return x ** 2


async def g():
    u"""Unicode prefix (接頭辞)."""
'''


def _mark_all(context, en):
    return "訳: \\ 「" + context + "」 \"\"\" ''' \\\\ end\"\n\n    >>> f(2)\n    4\n" + en + "\\"


def test_rewriting_replaces_docstrings_only_whatever_they_hold():
    out = docstrings.translate_source(TRICKY, "m", _mark_all)
    compile(out, "m.py", "exec")
    old = {d.context: d.text for d in docstrings.docstrings(TRICKY, "m")}
    new = {d.context: d.text for d in docstrings.docstrings(out, "m")}
    assert sorted(old) == ["m", "m.Box", "m.Box.put", "m.Box.put.<locals>.inner", "m.f", "m.g"]
    assert new == {c: _mark_all(c, t) for c, t in old.items()}
    assert docstrings._code(out) == docstrings._code(TRICKY)
    # every line that holds no docstring is the same, in the same order
    keep = [ln for ln in TRICKY.splitlines() if ln.strip() in (
        "import numpy as np", "class Box:", "def put(self, x):", "def inner():",
        'return x   # the code after: """ not a docstring """', "def f(x):",
        "return x ** 2", "async def g():")]
    assert [ln for ln in out.splitlines() if ln in keep] == keep


def test_rewriting_keeps_the_quotes_and_the_indentation():
    def ja(context, en):
        return {"m.f": "第1行。\n\n詳しく: ``x ** 2``。\n\n>>> f(2)\n4",
                "m.Box": "箱。"}.get(context)

    out = docstrings.translate_source(TRICKY, "m", ja)
    assert "    '''箱。'''\n" in out                                  # same quotes
    assert ('    """第1行。\n\n    詳しく: ``x ** 2``。\n\n    >>> f(2)\n    4\n    """\n'
            "    return x ** 2\n") in out                            # same layout
    assert out.replace("'''箱。'''", "'''A box; it holds 'things'.'''").replace(
        "第1行。\n\n    詳しく: ``x ** 2``。", "First line.\n\n    More: ``x ** 2``.") == TRICKY
    assert docstrings.translate_source(TRICKY, "m", lambda c, t: None) == TRICKY
    assert docstrings.translate_source(TRICKY, "m", lambda c, t: t) == TRICKY


@pytest.mark.parametrize("module", docstrings.helper_modules())
def test_every_helper_survives_rewriting_all_its_docstrings(module):
    source = stubs.expected_helpers()[f"{module}.py"]
    out = docstrings.translate_source(source, module, _mark_all)
    compile(out, f"{module}.py", "exec")
    assert docstrings._code(out) == docstrings._code(source)


@pytest.fixture(scope="module")
def japanese_reference(tmp_path_factory):
    """The reference package with the Japanese docstrings of every translated module, as
    the importable package ``ja_solutions`` (the code is the reference's)."""
    tmp = tmp_path_factory.mktemp("ja-reference")
    pkg = tmp / "ja_solutions"
    shutil.copytree(ROOT / "solutions", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    find = docstrings.lookup("ja")
    for module in docstrings.translated_modules("ja"):
        path = pkg / f"{module}.py"
        path.write_text(docstrings.translate_source(path.read_text("utf-8"), module, find),
                        encoding="utf-8")
    sys.path.insert(0, str(tmp))
    yield pkg
    sys.path.remove(str(tmp))
    for name in [n for n in sys.modules if n == "ja_solutions" or n.startswith("ja_solutions.")]:
        del sys.modules[name]


@pytest.mark.parametrize("module", docstrings.translated_modules("ja"))
def test_the_japanese_docstrings_examples_still_pass(module, japanese_reference):
    """Every example kept: the doctests of the Japanese module run as the English ones do,
    and ``help()`` shows the translation."""
    import doctest
    import importlib
    import pydoc

    flags = doctest.NORMALIZE_WHITESPACE
    numpy = {"np": importlib.import_module("numpy")}
    english = importlib.import_module(f"solutions.{module}")
    japanese = importlib.import_module(f"ja_solutions.{module}")
    en = doctest.testmod(english, optionflags=flags, extraglobs=numpy)
    ja = doctest.testmod(japanese, optionflags=flags, extraglobs=numpy)
    assert ja.failed == 0 and ja.attempted == en.attempted
    assert en.attempted > 0 or ">>>" not in Path(english.__file__).read_text(encoding="utf-8")
    catalog = {c: j for c, _e, j in _entries(module)}
    assert pydoc.getdoc(japanese) == catalog[module] != pydoc.getdoc(english)
    for context, text in catalog.items():
        obj = japanese
        for part in context.split(".")[1:]:
            obj = getattr(obj, part, None)
        if obj is not None and context != module:
            assert pydoc.getdoc(obj) == text, context
            assert text.splitlines()[0] in pydoc.render_doc(obj, renderer=pydoc.plaintext)


# --------------------------------------------------------------------------- a learner's clone
def test_switching_a_clone_rewrites_untouched_stubs_only_and_back(tmp_catalogs, tmp_path):
    helpers = tmp_path / "helpers"
    stubs.write_helpers(helpers)
    english = {p.name: p.read_bytes() for p in helpers.glob("*.py")}
    mine = helpers / "layers.py"
    mine.write_text(mine.read_text("utf-8").replace(
        'raise NotImplementedError("MulLayer.forward: not implemented yet")',
        "return x * y  # mine"), encoding="utf-8")
    edited = mine.read_bytes()

    kw = dict(directory=tmp_catalogs)
    done = {s.file: s.action for s in docstrings.switch_helpers("ja", helpers, **kw)}
    assert done == {"layers.py": "edited", "perceptron.py": "rewritten"}
    ja = (helpers / "perceptron.py").read_text("utf-8")
    assert '"""【訳】The step function' in ja and mine.read_bytes() == edited
    for name, data in english.items():                  # the others: untouched
        if name not in ("layers.py", "perceptron.py"):
            assert (helpers / name).read_bytes() == data, name
    assert {s.file: s.action for s in docstrings.switch_helpers("ja", helpers, **kw)} == {
        "layers.py": "edited", "perceptron.py": "already"}

    # the learner writes in the Japanese stub: it is theirs now, in either direction
    (helpers / "perceptron.py").write_text(ja + "\n# my notes\n", encoding="utf-8")
    done = {s.file: s.action for s in docstrings.switch_helpers("en", helpers, **kw)}
    assert done == {"layers.py": "edited", "perceptron.py": "edited"}
    (helpers / "perceptron.py").write_text(ja, encoding="utf-8")
    assert {s.file: s.action for s in docstrings.switch_helpers("en", helpers, **kw)} == {
        "layers.py": "edited", "perceptron.py": "rewritten"}
    assert (helpers / "perceptron.py").read_bytes() == english["perceptron.py"]
    assert stubs.differences(helpers) == ["layers.py"]


# --------------------------------------------------------------------------- the release
@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Sprint 1 released in English and in Japanese, its docstrings from a tmp catalog."""
    from babel.messages.catalog import Catalog

    from autograder.instructor import course

    tmp = tmp_path_factory.mktemp("docstrings-release")
    repo = tmp / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for name in ("helpers", "autograder", "solutions"):
        (repo / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "translations", repo / "translations")
    for module in ("perceptron", "layers"):
        catalog = translate.merge(docstrings.extract(module), Catalog(locale="ja", domain=module))
        for m in catalog:
            if m.id:
                m.string = _fake_translation(m.id)
        translate._write_po(catalog, docstrings.catalog_path("ja", module, repo / "translations"))
    nb = next((ROOT / "notebooks").glob("sprint1_*.ipynb"))
    shutil.copyfile(nb, repo / "notebooks" / nb.name)
    return {lang: course.release(tmp / lang, ["sprint1"], repo=repo, lang=lang) / "sprint1"
            for lang in ("en", "ja")}


def _clean_env(**env):
    clean = env_without_locale()
    return {**clean, **env}


@pytest.mark.slow
def test_a_japanese_release_ships_the_japanese_docstrings(releases):
    en, ja = releases["en"] / "helpers", releases["ja"] / "helpers"
    assert sorted(p.name for p in en.glob("*.py")) == sorted(p.name for p in ja.glob("*.py"))
    declared = set(docstrings.translated_modules("ja"))
    assert declared
    for f in en.glob("*.py"):
        assert f.read_bytes() == (ROOT / "helpers" / f.name).read_bytes(), f.name
        english = f.read_text("utf-8")
        if f.stem not in declared | {"perceptron", "layers"}:
            assert (ja / f.name).read_text("utf-8") == stubs.localize_messages(english, "ja")
            continue
        text = (ja / f.name).read_text("utf-8")
        compile(text, f.name, "exec")
        # the same code but for each stub's message, which is in Japanese
        assert docstrings._code(text) == docstrings._code(stubs.localize_messages(english, "ja"))
        assert text.count("raise NotImplementedError") == english.count(
            "raise NotImplementedError")
        stub = r'NotImplementedError\("[\w.]+: {}"\)'    # a generated stub's (not an f-string)
        assert len(re.findall(stub.format("まだ実装されていません"), text)) == \
            len(re.findall(stub.format("not implemented yet"), english)), f.name
        shipped = {d.context: d.text for d in docstrings.docstrings(text, f.stem)}
        if f.stem in ("perceptron", "layers"):                   # the tmp catalog's
            assert all(t.startswith("【訳】") for t in shipped.values())
        else:                                                    # the course's own
            assert shipped == {c: ja for c, _en, ja in _entries(f.stem)}

    # help() shows it
    code = ("import pydoc, helpers.perceptron as p; "
            "print(pydoc.render_doc(p.step_function, renderer=pydoc.plaintext))")
    shown = subprocess.run([sys.executable, "-c", code], cwd=releases["ja"], env=_clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert "【訳】The step function (ステップ関数)" in shown.stdout, shown.stderr
    assert ">>> step_function(np.array([-1.0, 0.0, 2.5]))" in shown.stdout


@pytest.mark.slow
def test_a_japanese_release_checks_exactly_as_the_english_one(releases):
    def check(folder):
        out = subprocess.run([sys.executable, "-m", "autograder", "check", "sprint1"],
                             cwd=folder, env=_clean_env(COURSE_LANG="en"),
                             capture_output=True, text=True, timeout=300)
        return out.returncode, re.sub(r"\d+\.\d+ ?s\b", "", out.stdout)

    # the untouched stubs, then the reference's code under each edition's docstrings
    assert check(releases["en"]) == check(releases["ja"])
    for lang in ("en", "ja"):
        path = releases[lang] / "helpers" / "perceptron.py"
        reference = (ROOT / "solutions" / "perceptron.py").read_text("utf-8")
        body = docstrings.translate_source(
            reference, "perceptron",
            docstrings.lookup(lang, releases["ja"].parent.parent / "repo" / "translations"))
        path.write_text(body, encoding="utf-8")
    en, ja = check(releases["en"]), check(releases["ja"])
    assert en == ja and en[0] == 0 and "exercises passed" in en[1], en
    assert "【訳】" in (releases["ja"] / "helpers" / "perceptron.py").read_text("utf-8")


def test_the_command_switches_a_clone_and_back(tmp_path):
    """``python -m autograder translate docstrings --lang ja`` (what ``./course start --lang
    ja`` runs) in a copy of the course, then ``--lang en``: the English stubs again."""
    clone = tmp_path / "course"
    for name in ("autograder", "solutions", "helpers", "translations"):
        shutil.copytree(ROOT / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.name: p.read_bytes() for p in (clone / "helpers").glob("*.py")}

    def run(lang):
        return subprocess.run([sys.executable, "-m", "autograder", "translate", "docstrings",
                               "--lang", lang], cwd=clone, env=_clean_env(COURSE_LANG="ja"),
                              capture_output=True, text=True, timeout=300)

    ja = run("ja")
    assert ja.returncode == 0 and "helpers/ の docstring を ja にしました" in ja.stdout, ja.stderr
    text = (clone / "helpers" / "warmup.py").read_text("utf-8")
    assert '"""スプリント 0: NumPy の準備運動' in text
    en = run("en")
    assert en.returncode == 0 and "warmup.py" in en.stdout
    assert {p.name: p.read_bytes() for p in (clone / "helpers").glob("*.py")} == before
