"""The facilitator guides in Japanese: built from the English guides and one catalog per guide
(translations/ja/facilitator/<guide>.po, one entry per block), committed, never stale."""
from __future__ import annotations

import re
import shutil
import tomllib

import pytest

from autograder.authoring import facilitator, guide_translation
from autograder.learner import i18n
from autograder.learner.registry import live_exercises

from .conftest import ROOT
from .support import glossary_terms, missing_terms, second_renderings

GUIDES = guide_translation.translated_guides("ja")
CODE = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _entries():
    out = []
    for name in GUIDES:
        for m in i18n.read_catalog(guide_translation.catalog_dir("ja") / f"{name}.po"):
            if m.id and m.string:
                out.append((f"{name}.po: {m.context}", m.id, m.string))
    return out


def test_the_session_model_and_every_sprint_guide_are_translated():
    assert set(GUIDES) == {"README", *facilitator.sprint_ids()}


def test_every_translated_guide_is_current_and_built():
    found = guide_translation.problems("ja")
    assert not found, "\n".join(map(str, found)) + \
        "\n(python -m autograder translate update; translate the fuzzy entries; translate build)"


def test_a_translation_keeps_the_code_numbers_and_links_of_its_english():
    bad = []
    for where, en, ja in _entries():
        bad += [f"{where}: lost {c}" for c in CODE.findall(en) if c not in ja]
        bad += [f"{where}: lost the link {u}" for u in LINK.findall(en) if u not in ja]
        if en.startswith("|"):                   # a table: the same rows, the same numbers
            if en.count("\n") != ja.count("\n"):
                bad.append(f"{where}: not the same number of rows")
            first = [r.split("|")[1].strip() for r in en.splitlines()[2:]]
            if first != [r.split("|")[1].strip() for r in ja.splitlines()[2:]] and \
                    all(re.fullmatch(r"\d+", f) for f in first):
                bad.append(f"{where}: a number of the first column changed")
    assert not bad, "\n".join(bad)


def test_the_guides_use_the_glossarys_terms_one_way():
    variants = tomllib.loads((i18n.TRANSLATIONS / "ja" / "variants.toml").read_text("utf-8"))
    assert not second_renderings(_entries(), variants)
    assert not missing_terms(_entries(), glossary_terms())


@pytest.mark.parametrize("name", GUIDES)
def test_the_built_guide_reads_in_japanese_and_its_links_resolve(name):
    path = guide_translation.built_path(name, "ja")
    text = path.read_text(encoding="utf-8")
    english = (guide_translation.guides_dir() / f"{name}.md").read_text(encoding="utf-8")
    assert text.count("\n#") == english.count("\n#") + 1    # the same headings (and a notice)
    assert len(re.findall(r"[\u3041-\u309f]", text)) > 500
    for target in LINK.findall(text):
        if re.match(r"^([a-z]+:|#)", target):
            continue
        assert (path.parent / target.split("#")[0]).exists(), f"{path.name}: {target} is broken"


def test_the_generated_mistakes_come_from_the_registry_and_course_po():
    text = guide_translation.built_path("sprint0", "ja").read_text(encoding="utf-8")
    section = text.split(facilitator.BEGIN, 1)[1].split(facilitator.END, 1)[0]
    english = (facilitator.GUIDES / "sprint0.md").read_text(encoding="utf-8")
    en_section = english.split(facilitator.BEGIN, 1)[1].split(facilitator.END, 1)[0]
    assert section.count("\n|") == en_section.count("\n|")
    catalog = i18n.translations("ja")
    for e in [e for e in live_exercises() if e.sprint == "sprint0"]:
        assert e.id in section
        assert catalog.pgettext(e.id, e.title) != e.title           # translated there...
        assert catalog.pgettext(e.id, e.title) in section           # ...and taken from there
        assert e.title not in section
        for m in e.mistakes:
            assert " ".join(catalog.pgettext(e.id, m.hint).split()).replace("|", "\\|") in section
    assert "問題1: ベクトルを列に" in section


# --------------------------------------------------------------------------- staleness
@pytest.fixture()
def repo(tmp_path):
    """A copy of the guides and their catalogs, to change."""
    shutil.copytree(guide_translation.guides_dir(), tmp_path / "docs" / "facilitator")
    shutil.copytree(guide_translation.catalog_dir("ja"),
                    tmp_path / "translations" / "ja" / "facilitator")
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_changed_english_block_is_named_stale_and_not_built(repo, monkeypatch):
    guide = repo / "docs" / "facilitator" / "sprint0.md"
    _edit(guide, "| 15 | 2.1 shapes,", "| 15 | 2.1 shapes (形状),")
    found = [str(p) for p in guide_translation.problems("ja", repo)]
    assert found == ["docs/facilitator/sprint0.md: Timing #1: "
                     "the English changed since it was translated"]
    with pytest.raises(i18n.TranslationError, match="Timing #1"):
        guide_translation.build_guide("sprint0", "ja", repo)

    # update marks it fuzzy, keeping the English it translated; still stale until revised
    guide_translation.update("ja", repo=repo)
    po = (repo / "translations" / "ja" / "facilitator" / "sprint0.po").read_text("utf-8")
    assert "#, fuzzy" in po and "#| msgid" in po
    assert [p.unit for p in guide_translation.problems("ja", repo)] == ["Timing #1"]


def test_a_new_block_is_missing_and_a_hand_edited_built_guide_is_out_of_date(repo):
    guide = repo / "docs" / "facilitator" / "sprint0.md"
    _edit(guide, "## Timing\n", "## Timing\n\nA new English paragraph.\n")
    found = guide_translation.problems("ja", repo)
    assert any(p.unit.startswith("Timing #") for p in found)

    shutil.copyfile(ROOT / "docs" / "facilitator" / "sprint0.md", guide)   # back as it was
    assert guide_translation.problems("ja", repo) == []
    built = repo / "docs" / "facilitator" / "ja" / "sprint0.md"
    built.write_text(built.read_text(encoding="utf-8") + "\nhand edit\n", encoding="utf-8")
    found = guide_translation.problems("ja", repo)
    assert [type(p).__name__ for p in found] == ["OutOfDate"]
    assert guide_translation.build_guides("ja", repo) == [built]
    assert guide_translation.problems("ja", repo) == []


def test_blocks_are_keyed_by_heading_path_and_index():
    text = ("# Title\n\nintro\n\n## A\n\none\n- a\n- b\n\n```bash\nx\n\ny\n```\n\n### B\n\n"
            "two\n\n## A\n\nthree\n\n" + facilitator.BEGIN + "\nrow\n" + facilitator.END +
            "\n\nafter\n")
    got = guide_translation.blocks(text)
    assert got == [("top #0", "# Title"), ("top #1", "intro"), ("A #0", "## A"),
                   ("A #1", "one\n- a\n- b"), ("A #2", "```bash\nx\n\ny\n```"),
                   ("A > B #0", "### B"), ("A > B #1", "two"), ("A' #0", "## A"),
                   ("A' #1", "three"),
                   (guide_translation.GENERATED, guide_translation.GENERATED),
                   ("A' #2", "after")]
