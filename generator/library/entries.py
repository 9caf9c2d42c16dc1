"""One file's answer (its Source and its YAML, schema and document problems), made and put in the order
load + validate give them; shared by the library's index and the review commands' blob store."""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.library.load import Source, load_blobs

Entry = tuple  # (Source | None, YAML problems, schema problems, document problems) of one file;
#               the last two None when the file was only parsed


def check_file(rel: str, raw: bytes, checked: bool = True) -> Entry:
    """One file's Entry: parsed, then (if `checked`) checked against its schema and its own document rules."""
    sources, yaml_problems = load_blobs([(rel, raw)])
    entry = (sources[0] if sources else None, yaml_problems, None, None)
    return with_checks(entry) if checked else entry


def with_checks(entry: Entry) -> Entry:
    """The entry with its schema and document problems (a file that did not parse has none)."""
    from generator.library.validate import document_problems, schema_problems  # not on a warm build

    source, yaml_problems, schema, _document = entry
    if schema is not None:
        return entry
    schema = schema_problems(source) if source is not None else []
    return source, yaml_problems, schema, document_problems(source) if source is not None and not schema else []


def schema_valid(entries: list[Entry]) -> list[Source]:
    """The sources the cross-file checks look at: parsed and free of schema problems."""
    return [e[0] for e in entries if e[0] is not None and not e[2]]


def combine(entries: list[Entry], cross: list[Diagnostic]) -> tuple[list[Source], list[Diagnostic]]:
    """Sources and every problem, in the order load + validate give them: YAML, schema, document, cross-file."""
    sources = [e[0] for e in entries if e[0] is not None]
    problems = [d for e in entries for d in e[1]] + [d for e in entries for d in e[2]]
    return sources, problems + [d for e in entries for d in e[3]] + cross
