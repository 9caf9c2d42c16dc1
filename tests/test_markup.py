"""Clause Markdown → blocks: structure kept, characters kept, placeholders isolated."""

from __future__ import annotations

import pytest

from generator.draft.markup import parse, plain_text, resolve
from generator.core.model import ListBlock, Paragraph, Param, Styled, Table, Text
from generator.core.placeholders import scan


def test_placeholders_survive_markdown_untouched():
    (para,) = parse("within {{ a_b }} and {{ c_d }} or *{{ e }}*")
    assert para.inlines == (Text("within "), Param("a_b"), Text(" and "), Param("c_d"), Text(" or "),
                            Styled("emphasis", (Param("e"),)))


@pytest.mark.parametrize("text", [
    "Bob & Sons <UK> \"quoted\" 'single'",
    "&amp; stays &amp; and &lt;b&gt; too",
    "<script>alert(1)</script>",
    "snake_case_word and 2 * 3 = 6",
    "tab\u00a0no-break and \u202eright-to-left\u202c",
])
def test_text_comes_through_verbatim(text):
    (para,) = parse(text)
    assert plain_text(para.inlines) == text


def test_code_span_keeps_its_characters():
    (para,) = parse("run `a < b && c > d`")
    assert para.inlines[1] == Styled("code", (Text("a < b && c > d"),))


def test_nested_lists_and_tables():
    blocks = parse("1. one\n2. two\n    - x\n    - y\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    ordered, table = blocks
    assert isinstance(ordered, ListBlock) and ordered.ordered and len(ordered.items) == 2
    nested = ordered.items[1][1]
    assert isinstance(nested, ListBlock) and not nested.ordered and len(nested.items) == 2
    assert isinstance(table, Table) and plain_text(table.rows[0][1]) == "2"


def test_resolve_replaces_every_placeholder_or_names_the_missing_one():
    blocks = parse("- within {{ t }}\n\n| {{ t }} |\n|---|\n| x |\n")
    resolved = resolve(blocks, {"t": "2 hours"})
    assert "Param" not in repr(resolved) and "2 hours" in repr(resolved)
    with pytest.raises(KeyError, match="t"):
        resolve(blocks, {})


@pytest.mark.parametrize("text, names, refused", [
    ("{{ a }} {{b}}", ["a", "b"], []),
    ("{{ a|upper }}", [], ["{{ a|upper }}"]),
    ("{% if x %}y{% endif %}", [], ["{%", "{%"]),
    ("{# note #}", [], ["{#"]),
    ("{{ ''.__class__ }}", [], ["{{ ''.__class__ }}"]),
    ("half {{ open", [], ["{{"]),
])
def test_scan_finds_placeholders_and_refuses_other_syntax(text, names, refused):
    found, bad = scan(text)
    assert [n for n, _ in found] == names and [b for b, _ in bad] == refused


def test_paragraph_soft_breaks_become_spaces():
    (para,) = parse("one\ntwo  \nthree")
    assert isinstance(para, Paragraph) and plain_text(para.inlines) == "one two three"


def test_indented_code_block_keeps_no_trailing_space():
    (paragraph,) = parse("    code")
    assert paragraph.inlines == (Styled("code", (Text("code"),)),)
