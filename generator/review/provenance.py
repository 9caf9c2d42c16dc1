"""Provenance: what a generated document was built from, stamped on the draft and read back from a file."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.core.files import read_regular
from generator.core.errors import UsageError
from generator.library.open import content_hash
from generator.core.model import Draft, Library, Provenance

_CLAUSE = re.compile(r"(\S+) sha256:([0-9a-f]{64})")


def typed_hash(document) -> str:
    """sha256 of a typed library document (agreement, service, catalog), its file position left out."""
    data = {k: v for k, v in dataclasses.asdict(document).items() if k not in ("path", "line")}
    return content_hash(data)


def input_hashes(library: Library, agreement_id: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, id, hash) of the agreement and of each service and catalog it names."""
    spec = library.agreements[agreement_id]
    found = [("agreement", spec.id, typed_hash(spec))]
    found += [("service", s, typed_hash(library.services[s])) for s in spec.services]
    found += [("catalog", c, typed_hash(library.catalogs[c])) for c in spec.catalogs]
    return tuple(found)


def stamp(draft: Draft, library: Library, state: tuple[str, bool] | None) -> Draft:
    """The draft with its provenance: the library's commit and dirty flag (when in git) and input hashes."""
    commit, dirty = state if state is not None else (None, False)
    return dataclasses.replace(draft, provenance=Provenance(commit, dirty, input_hashes(library, draft.id)))


@dataclass(frozen=True)
class Manifest:
    """The provenance manifest as read back from a .docx."""

    agreement: str
    agreement_version: str
    generator: str
    commit: str | None
    dirty: bool
    clauses: dict[str, tuple[str, str]]  # id → (version, sha256), in document order
    inputs: dict[tuple[str, str], str]  # (kind, id) → sha256


def read_manifest(path: Path) -> Manifest:
    """The manifest of a generated .docx; UsageError when the file is not one or carries none."""
    from generator.render.manifest import read_custom_properties

    try:
        props = read_custom_properties(read_regular(path, UsageError, "file"))
    except (zipfile.BadZipFile, KeyError):
        raise UsageError(f"{path}: not a Word file (.docx is a zip package)") from None
    except (etree.XMLSyntaxError, ValueError, IndexError) as exc:
        raise UsageError(f"{path}: its custom document properties cannot be read ({exc})") from None
    if "klausul.manifest" not in props or "klausul.agreement" not in props:
        raise UsageError(f"{path}: carries no Klausul manifest (custom document properties klausul.*); "
                         f"only files written by `klausul build` (version 0.1.0 or later) have one")
    clauses = {}
    for name, value in props.items():
        if name.startswith("klausul.clause."):
            found = _CLAUSE.fullmatch(str(value))
            if not found:
                raise UsageError(f"{path}: manifest property {name} = {value!r} is not '<version> sha256:<hash>'")
            clauses[name.removeprefix("klausul.clause.")] = (found[1], found[2])
    inputs = {}
    for name, value in props.items():
        if name.startswith("klausul.input."):
            kind, _, ident = name.removeprefix("klausul.input.").partition(".")
            inputs[(kind, ident)] = str(value).removeprefix("sha256:")
    return Manifest(str(props["klausul.agreement"]), str(props.get("klausul.agreement.version", "")),
                    str(props.get("klausul.generator", "")), props.get("klausul.commit") or None,
                    bool(props.get("klausul.dirty", False)), clauses, inputs)
