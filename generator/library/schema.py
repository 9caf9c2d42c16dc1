"""The cerberus schemas of the four document kinds, read once from the YAML files in schemas/."""

from __future__ import annotations

import functools
from importlib import resources

import yaml


def schema_dir():
    """The folder of the schema files: the package generator.schemas, found only through
    importlib.resources, so no other installed `schemas` package or folder can stand in for it."""
    return resources.files("generator.schemas")


@functools.cache
def schema(kind: str) -> dict:
    """The cerberus schema for `kind` (clause, service, agreement, catalog)."""
    text = (schema_dir() / f"{kind}.yaml").read_text(encoding="utf-8")
    return _anchored(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _anchored(rules):
    """Every `regex` ending in `$` ends in `\\Z` instead: `$` also matches before a final newline,
    so 'alpha\\n' passed as an id and reached file names and the draft."""
    if isinstance(rules, dict):
        return {k: (v[:-1] + r"\Z" if k == "regex" and isinstance(v, str) and v.endswith("$") and not
                    v.endswith(r"\$") else _anchored(v)) for k, v in rules.items()}
    if isinstance(rules, list):
        return [_anchored(v) for v in rules]
    return rules
