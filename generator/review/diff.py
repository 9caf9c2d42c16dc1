"""A semantic diff of the library between two snapshots: documents matched by kind and id, value by value.

Matching by id means a moved or renamed file is one renamed document, not an add and a remove.
Files whose git blob is the same at the same path are not even parsed, so the cost follows the
size of the change, not of the library.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from generator.core.errors import LibraryError
from generator.review.gitrev import WORKTREE, Repo, Revision, Snapshot
from generator.library.load import Source

# Words, including the dots, commas and hyphens inside numbers, versions and ids (1.2.0, 99,5,
# 212000-0001), then single punctuation marks and runs of white space.
_TOKEN = re.compile(r"\s+|\w+(?:[.,:/\-]\w+)*|[^\w\s]")
KIND_ORDER = ("clause", "agreement", "service", "catalog")
LIST_KEYS = ("id", "item", "clause", "role")  # how the items of a list of mappings are told apart

Segment = tuple[str, str]  # ("=", text) kept, ("-", text) deleted, ("+", text) inserted


def tokens(text: str) -> list[str]:
    """Words, punctuation and white space of a text; joined they give the text back."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The word-level difference of two texts, as kept / deleted / inserted segments.

    Line breaks inside a paragraph count as spaces, as they do in Markdown, so text reflowed in
    the YAML file shows no change; a blank line (a new paragraph) still counts.
    """
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in opcodes([_spacing(t) for t in a], [_spacing(t) for t in b]):
        if op in ("delete", "replace"):
            _append(out, "-", "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            _append(out, "+", "".join(b[j1:j2]))
        if op == "equal":
            _append(out, "=", "".join(b[j1:j2]))
    return tuple(out)


def _spacing(token: str) -> str:
    if token.strip():
        return token
    return "\n\n" if token.count("\n") > 1 else " "


def opcodes(a: list, b: list, space: Callable[[Any], bool] = lambda t: not t.strip()
            ) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with white space alone between two changes folded into them (reads better)."""
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        lone_space = op == "equal" and 0 < n < len(codes) - 1 and i2 - i1 == 1 and space(a[i1])
        if (op != "equal" or lone_space) and merged and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        else:
            merged.append([op, i1, i2, j1, j2])
    return [tuple(m) for m in merged]


def _append(out: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


@dataclass(frozen=True)
class Change:
    """One value that differs inside a document, at a key path such as `parameters.alert_time.default`."""

    path: str
    change: str  # added | removed | changed
    old: Any = None
    new: Any = None
    words: tuple[Segment, ...] = ()  # the word-level diff, for prose

    @property
    def field(self) -> str:
        """The top-level key the change lies under."""
        return re.split(r"[.\[]", self.path, maxsplit=1)[0]


@dataclass(frozen=True)
class DocumentDiff:
    """A document that was added, removed, changed or only moved to another file."""

    kind: str
    id: str
    status: str  # added | removed | changed | renamed
    old_path: str | None
    new_path: str | None
    old_version: str | None = None
    new_version: str | None = None
    title: str | None = None
    changes: tuple[Change, ...] = ()
    data: Any = None  # the whole document, for one that was added or removed

    @property
    def fields(self) -> tuple[str, ...]:
        """The top-level keys that changed, in document order."""
        return tuple(dict.fromkeys(c.field for c in self.changes))

    @property
    def moved(self) -> bool:
        """Whether the file has another path in the new revision."""
        return bool(self.old_path and self.new_path and self.old_path != self.new_path)


@dataclass(frozen=True)
class LibraryDiff:
    """Every document that differs between two revisions, and how many did not."""

    old: Revision
    new: Revision
    documents: tuple[DocumentDiff, ...]
    unchanged: dict[str, int]

    def counts(self, kind: str) -> dict[str, int]:
        """How many documents of a kind were added, removed, changed, renamed and left as they were."""
        counts = {s: 0 for s in ("changed", "added", "removed", "renamed")}
        for d in self.documents:
            if d.kind == kind:
                counts[d.status] += 1
        return counts | {"unchanged": self.unchanged.get(kind, 0)}


def diff_revisions(root: Path, old: str, new: str | None) -> LibraryDiff:
    """The diff of the library at `root` between two revision names; `new` None is the working tree."""
    repo = Repo(root)
    a = repo.resolve(old)
    b = repo.resolve(new) if new is not None else Revision(WORKTREE)
    return diff_snapshots(repo.snapshot(a), repo.snapshot(b))


def diff_snapshots(old: Snapshot, new: Snapshot) -> LibraryDiff:
    """The semantic diff from `old` to `new`; LibraryError when a changed file cannot be parsed.

    It depends only on the files that differ, so a diff of the same changed blobs is kept (review/blobstore)."""
    from generator.review.blobstore import store

    same = {p for p, oid in old.blob_ids.items() if new.blob_ids.get(p) == oid}
    unchanged: dict[str, int] = {}
    for path in same:
        kind = _kind(path)
        unchanged[kind] = unchanged.get(kind, 0) + 1
    cache = store()
    files = ["\n".join(cache.key("file", snapshot.blob_ids[p], p) for p in sorted(snapshot.blob_ids) if p not in same)
             for snapshot in (old, new)]
    key = cache.key("changes", *files)
    documents, also = cache.results([key], lambda _key: _changed(old, new, same),
                                    lambda r: [[_encode_document(d) for d in r[0]], r[1]],
                                    lambda v: ([_decode_document(d) for d in v[0]], v[1]))[key]
    for kind, count in also.items():
        unchanged[kind] = unchanged.get(kind, 0) + count
    return LibraryDiff(old.revision, new.revision, tuple(documents), unchanged)


def _changed(old: Snapshot, new: Snapshot, same: set[str]) -> tuple[list[DocumentDiff], dict[str, int]]:
    """The documents of the files that differ: how each changed, and how many of them kept their content."""
    a_sources, a_problems = old.load(p for p in old.blob_ids if p not in same)
    b_sources, b_problems = new.load(p for p in new.blob_ids if p not in same)
    if a_problems or b_problems:
        raise LibraryError("changed files cannot be read, so they cannot be compared", a_problems + b_problems)
    a, b = index(a_sources), index(b_sources)
    keys = sorted(a.keys() | b.keys(), key=lambda k: (KIND_ORDER.index(k[0]), k[1]))
    documents, unchanged = [], {}
    for key, document in zip(keys, _diffs([(a.get(key), b.get(key)) for key in keys], old, new)):
        if document is None:
            unchanged[key[0]] = unchanged.get(key[0], 0) + 1
        else:
            documents.append(document)
    return documents, unchanged


def _diffs(pairs: list[tuple[Source | None, Source | None]], old: Snapshot, new: Snapshot) -> list[DocumentDiff | None]:
    """diff_document of each pair; a pair of blobs compared before (review/blobstore) is not compared again."""
    from generator.review.blobstore import store

    cache = store()

    def name(source: Source | None, snapshot: Snapshot) -> str:
        return "" if source is None else cache.key("file", snapshot.blob_ids[source.path], source.path)

    keys = [cache.key("diff", name(a, old), name(b, new)) for a, b in pairs]
    todo = dict(zip(keys, pairs))
    found = cache.results(keys, lambda k: diff_document(*todo[k]), _encode_document, _decode_document)
    return [found[k] for k in keys]


def _encode_document(d: DocumentDiff | None) -> list | None:
    if d is None:
        return None
    return [d.kind, d.id, d.status, d.old_path, d.new_path, d.old_version, d.new_version, d.title,
            [[c.path, c.change, c.old, c.new, c.words] for c in d.changes], d.data]


def _decode_document(v: list | None) -> DocumentDiff | None:
    if v is None:
        return None
    *fields, changes, data = v
    return DocumentDiff(*fields, changes=tuple(Change(*c) for c in changes), data=data)


def _kind(path: str) -> str:
    from generator.library.load import kind_of

    return kind_of(path) or "other"


def index(sources: list[Source]) -> dict[tuple[str, str], Source]:
    """Sources by (kind, id); a document without a usable id, or a second one with the same id, by its path."""
    found: dict[tuple[str, str], Source] = {}
    for source in sources:
        ident = source.data.get("id") if isinstance(source.data, dict) else None
        key = (source.kind, ident) if isinstance(ident, str) and ident else (source.kind, source.path)
        found[key if key not in found else (source.kind, source.path)] = source
    return found


def diff_document(old: Source | None, new: Source | None) -> DocumentDiff | None:
    """How one document changed; None when its content is the same (layout and comments aside)."""
    some = new or old
    ident = some.data.get("id") if isinstance(some.data.get("id"), str) else some.path
    base = dict(kind=some.kind, id=ident, old_path=old and old.path, new_path=new and new.path,
                old_version=_version(old), new_version=_version(new), title=_title(some.data))
    if old is None:
        return DocumentDiff(status="added", data=new.data, **base)
    if new is None:
        return DocumentDiff(status="removed", data=old.data, **base)
    changes: list[Change] = []
    compare(old.data, new.data, "", changes)
    if changes:
        return DocumentDiff(status="changed", changes=tuple(changes), **base)
    return DocumentDiff(status="renamed", **base) if old.path != new.path else None


def _version(source: Source | None) -> str | None:
    version = source.data.get("version") if source is not None else None
    return None if version is None else str(version)


def _title(data: dict) -> str | None:
    title = data.get("title") or data.get("name")
    if isinstance(title, dict):
        title = next((v for v in title.values() if isinstance(v, str)), None)
    return title if isinstance(title, str) else None


_MISSING = object()


def compare(old: Any, new: Any, path: str, out: list[Change]) -> None:
    """Append a Change for every leaf value that differs between `old` and `new`."""
    if old == new:
        return
    if old is _MISSING:
        out.append(Change(path, "added", new=new))
    elif new is _MISSING:
        out.append(Change(path, "removed", old=old))
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            compare(old.get(key, _MISSING), new.get(key, _MISSING), f"{path}.{key}" if path else str(key), out)
    elif isinstance(old, list) and isinstance(new, list) and (key := _list_key(old + new)):
        a, b = {item[key]: item for item in old}, {item[key]: item for item in new}
        if len(a) != len(old) or len(b) != len(new) or [k for k in a if k in b] != [k for k in b if k in a]:
            out.append(Change(path, "changed", old, new))  # duplicates or a new order: show the whole list
            return
        for k in list(a) + [k for k in b if k not in a]:
            compare(a.get(k, _MISSING), b.get(k, _MISSING), f"{path}[{k}]", out)
    elif isinstance(old, str) and isinstance(new, str) and (_prose(old) or _prose(new)):
        if prose_meaning(old) != prose_meaning(new):  # re-wrapped lines and doubled spaces say the same
            out.append(Change(path, "changed", old, new, word_diff(old, new)))
    else:
        out.append(Change(path, "changed", old, new))


@functools.lru_cache(maxsize=4096)
def prose_meaning(text: str) -> Any:
    """A string as Markdown reads it (parsed blocks): re-wrapped lines and runs of spaces mean the same."""
    if not any(c.isspace() for c in text):
        return text
    from generator.draft.markup import parse

    try:
        return parse(text)
    except Exception:  # noqa: BLE001 - text the Markdown parser cannot read is compared as written
        return " ".join(text.split())


def _list_key(items: list) -> str | None:
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    return next((k for k in LIST_KEYS if all(isinstance(i.get(k), str) for i in items)), None)


def _prose(text: str) -> bool:
    return any(ch.isspace() for ch in text.strip())
