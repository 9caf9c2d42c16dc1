"""Stage 1: YAML in, plain data with line numbers out; broken files become positioned problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.library.load import load_file, load_library


def _problem(tmp_path: Path, content: bytes | str):
    path = tmp_path / "doc.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(Exception) as info:
        load_file(path, "clause", "doc.yaml")
    return info.value.line, info.value.code, info.value.message


def test_lines_point_at_keys_and_into_block_text(tmp_path):
    path = tmp_path / "doc.yaml"
    path.write_text("id: x\ntext:\n  sv: |\n    first line\n    second {{ p }}\nlist:\n  - a\n  - b\n")
    source = load_file(path, "clause", "doc.yaml")
    assert source.line(("id",)) == 1
    assert source.line(("text", "sv")) == 3
    assert source.line(("list", 1)) == 8
    assert source.line(("text", "sv", "missing", "deeper")) == 3
    offset = source.data["text"]["sv"].index("{{")
    assert source.text_line(("text", "sv"), offset) == 5


@pytest.mark.parametrize("content, line, code", [
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate-key"),
    ("a:\n\tb: 1\n", 2, "yaml-tab"),
    ("a: [1,\n", 2, "yaml-syntax"),
    ("a: &x 1\nb: *x\n", 1, "yaml-alias"),
    ("a: 1\n<<: {b: 2}\n", 2, "yaml-key"),
    ("- 1\n- 2\n", 1, "not-a-mapping"),
    ("", 1, "empty-file"),
    ("# only a comment\n", 1, "empty-file"),
    (b"a: ok\nb: \xff\xfe\n", 2, "not-utf8"),
])
def test_broken_yaml_gives_line_and_code(tmp_path, content, line, code):
    got_line, got_code, message = _problem(tmp_path, content)
    assert (got_line, got_code) == (line, code), message


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "doc.yaml"
    path.write_bytes("\ufeffid: x\n".encode("utf-8"))
    assert load_file(path, "clause", "doc.yaml").data == {"id": "x"}


def test_alias_bomb_is_refused_quickly(tmp_path):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    # Expanding these 10**9 strings would exhaust memory; refusing the first reuse returns at once.
    line, code, _ = _problem(tmp_path, "\n".join(levels) + "\n")
    assert code == "yaml-alias"


def test_oversized_file_is_refused(tmp_path):
    line, code, message = _problem(tmp_path, "a: " + "x" * (1024 * 1024 + 10) + "\n")
    assert code == "file-too-large" and "limit" in message


def test_library_collects_every_broken_file(tmp_path):
    (tmp_path / "clauses").mkdir()
    (tmp_path / "clauses" / "a.yaml").write_text("a: [\n")
    (tmp_path / "clauses" / "b.yaml").write_text("id: b\n")
    (tmp_path / "clauses" / "c.yaml").write_text("x: 1\nx: 2\n")
    sources, problems = load_library(tmp_path)
    assert [s.path for s in sources] == ["clauses/b.yaml"]
    assert sorted((p.path, p.code) for p in problems) == [("clauses/a.yaml", "yaml-syntax"),
                                                          ("clauses/c.yaml", "duplicate-key")]
