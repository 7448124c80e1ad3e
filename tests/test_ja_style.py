"""The Japanese edition's register: です・ます throughout, as the notebooks are written.

A sentence joined in the plain form (``答えは正しいが、…``, ``…ないが、``) reads as a terse note,
not as the course's textbook voice (``答えは正しいのですが、…``). Every Japanese catalog: the
notebooks', the check's messages and hints (``course.po``), the tiered hints, the facilitator
guides' and the docstrings'.
"""
from __future__ import annotations

import re

from autograder.learner import i18n

from .conftest import ROOT

CATALOGS = sorted([*(ROOT / "translations" / "ja").rglob("*.po"), i18n.catalog_path("ja"),
                   *(i18n.HINTS / "ja").glob("*.po")])
PLAIN_BUT = re.compile(r"(?:しい|ない|いる|ある|だ)が、")


def plain_joins(catalogs) -> list:
    found = []
    for path in catalogs:
        for m in i18n.read_catalog(path):
            if m.id and isinstance(m.string, str):
                found += [f"{path.name}: {m.context}: …{hit.group(0)}"
                          for hit in PLAIN_BUT.finditer(m.string)]
    return found


def test_every_catalog_is_read():
    assert len(CATALOGS) > 40 and i18n.catalog_path("ja") in CATALOGS


def test_no_japanese_sentence_is_joined_in_the_plain_form():
    assert not plain_joins(CATALOGS), "\n".join(plain_joins(CATALOGS))


def test_the_check_finds_a_plain_join_and_passes_the_polite_one(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgctxt "a"\nmsgid "Right, flat."\nmsgstr "数は正しいが、形状が平たい"\n\n'
                  'msgctxt "b"\nmsgid "Right, but."\nmsgstr "数は正しいのですが、平たいです"\n',
                  encoding="utf-8")
    assert plain_joins([po]) == ["x.po: a: …しいが、"]
