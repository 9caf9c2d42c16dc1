"""The cerberus schemas of the four document kinds, read once from the YAML files in schemas/."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import yaml


def schema_dir():
    """The folder of the schema files."""
    # In a checkout (and an editable install) the schemas are the repository's schemas/ folder;
    # a built wheel carries the same files as package data under generator/schemas/.
    checkout = Path(__file__).resolve().parents[2] / "schemas"
    return checkout if checkout.is_dir() else resources.files("generator") / "schemas"


@functools.cache
def schema(kind: str) -> dict:
    """The cerberus schema for `kind` (clause, service, agreement, catalog)."""
    text = (schema_dir() / f"{kind}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
