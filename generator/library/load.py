"""Stage 1: read the library's YAML files into plain data that remembers the line of every key."""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from generator.core.errors import Diagnostic

try:  # libyaml is ~14x faster; the pure-Python loader gives the same nodes
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# Folder → document kind. Each kind lives in its own folder so that the loader knows the kind
# from the path and every document is one small file that diffs well.
KINDS = {"clauses": "clause", "services": "service", "agreements": "agreement", "catalogs": "catalog",
         "terms": "term"}
SETTINGS = "klausul.yaml"  # the library's own settings (kind "library"), at its root
BASE_SEPARATOR = "::"  # "klausul-sv::clauses/x.yaml": a file of the library this one extends
MAX_FILE_BYTES = 1024 * 1024
# The deepest document the schemas describe is 5 levels; libyaml's composer recurses in C and
# crashes the process (SIGSEGV) somewhere past 10,000 levels, so depth is checked before composing.
MAX_DEPTH = 20
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_WORDS = {True: "true", False: "false", None: "null"}
_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")

KeyPath = tuple


@dataclass
class Source:
    """One parsed YAML document and the line of each key path in it."""

    kind: str
    path: str  # relative to the library root, with forward slashes
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    block_scalars: set[KeyPath] = field(default_factory=set)

    def line(self, key_path: KeyPath = ()) -> int:
        """Line of the deepest known prefix of key_path (1-based)."""
        key_path = tuple(key_path)
        while key_path not in self.lines and key_path:
            key_path = key_path[:-1]
        return self.lines.get(key_path, 1)

    def text_line(self, key_path: KeyPath, offset: int) -> int:
        """Line of character `offset` inside the string value at key_path."""
        return self.text_lines(key_path)(offset)

    def text_lines(self, key_path: KeyPath) -> Callable[[int], int]:
        """A function from offset to line in the string at key_path; one pass over the string, so
        asking for thousands of offsets stays linear (counting newlines per offset was quadratic)."""
        value = self.data
        for key in key_path:
            value = value[key]
        first = self.line(key_path) + (1 if key_path in self.block_scalars else 0)
        breaks = [m.start() for m in re.finditer("\n", value)]
        return lambda offset: first + bisect.bisect_left(breaks, offset)


class _YamlProblem(Exception):
    def __init__(self, line: int, message: str, code: str):
        super().__init__(message)
        self.line, self.message, self.code = line, message, code


def library_files(root: Path) -> list[tuple[str, Path]]:
    """Every (kind, file) of the library under root, in a stable order; symbolic links to folders
    are not followed (a link could lead anywhere, or round in a circle)."""
    return [(kind, Path(path)) for kind, _rel, path in library_paths(root)]


def library_paths(root: Path) -> list[tuple[str, str, str]]:
    """library_files as plain strings, (kind, path relative to root with /, path), in the same order:
    the order of Path objects, part by part. Strings, since a large library has tens of thousands."""
    found = []
    top = str(root)
    for folder, kind in KINDS.items():
        base = os.path.join(top, folder)
        if os.path.isdir(base):
            files = []
            for folder_path, dirs, names in os.walk(base):
                files += [f"{folder_path}/{n}" for n in names if n.endswith((".yaml", ".yml"))]
                files += [f"{folder_path}/{n}" for n in dirs if os.path.islink(os.path.join(folder_path, n))]
            files.sort(key=lambda path: path[len(top):].split("/"))
            found += [(kind, path[len(top):].lstrip("/"), path) for path in files]
    return found


class Unreadable(bytes):
    """Stands for a library file that is not read: why, as (code, message); parse_source reports it."""

    problem: tuple[str, str]


def _unreadable(code: str, message: str) -> Unreadable:
    found = Unreadable(f"{code}: {message}".encode("utf-8"))
    found.problem = (code, message)
    return found


def printable(rel: str) -> str:
    """A file name with bytes that are not UTF-8 shown as \\xNN, so that it can be printed."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_file(root: Path, file: Path) -> bytes:
    """A library file's bytes, checked before reading: a regular file inside the library, at most
    MAX_FILE_BYTES; otherwise an Unreadable naming the problem (nothing is read, nothing blocks)."""
    rel = file.relative_to(root).as_posix()
    if rel != printable(rel):
        return _unreadable("file-name-not-utf8", "the file name is not UTF-8; rename the file")
    if file.is_symlink() and not file.resolve().is_relative_to(root.resolve()):
        return _unreadable("path-outside-library", "a symbolic link that leads outside the library")
    if file.is_dir():
        return _unreadable("not-a-file", "a symbolic link to a folder; links to folders are not followed")
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except OSError as exc:
        return _unreadable("unreadable-file", f"cannot be read ({exc.strerror})")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _unreadable("not-a-file", "not a regular file (a device, a FIFO or a socket)")
        if info.st_size > MAX_FILE_BYTES:
            return _unreadable("file-too-large", f"file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES}")
        return handle.read(MAX_FILE_BYTES + 1)  # the size check in parse_source catches a file that grew


def read_library(root: Path, own_only: bool = False) -> list[tuple[str, str, bytes]]:
    """(relative path, kind, bytes) of every file the library reads (its base's first, unless
    own_only), each read as read_file reads it: inside its own library, the base's inside the base."""
    from generator.library.extend import base_of, library_inputs

    if own_only:
        return [(printable(file.relative_to(root).as_posix()), kind, read_file(root, file))
                for kind, file in library_files(root)]
    base = base_of(root)
    found = []
    for rel, kind, file in library_inputs(root):
        within = root if base is None or file.is_relative_to(root) else base[1]
        found.append((printable(rel), kind, read_file(within, file)))
    return found


def load_library(root: Path) -> tuple[list[Source], list[Diagnostic]]:
    """Parse every library file under root (and of the library it extends); problems come back as
    diagnostics, never raised."""
    return load_blobs((rel, raw) for rel, _kind, raw in read_library(root))


def kind_of(rel: str) -> str | None:
    """The document kind of a library-relative path (clauses/x.yaml → clause), None if not a library file."""
    rel = rel.rpartition(BASE_SEPARATOR)[2]
    if rel == SETTINGS:
        return "library"
    folder, _, rest = rel.partition("/")
    return KINDS.get(folder) if rest and rel.endswith((".yaml", ".yml")) else None


def load_blobs(files: Iterable[tuple[str, bytes | Callable[[], bytes]]]) -> tuple[list[Source], list[Diagnostic]]:
    """Parse (library-relative path, bytes) pairs, from disk or a git revision; the kind comes from the path."""
    sources, problems = [], []
    for rel, raw in files:
        try:
            sources.append(parse_source(raw() if callable(raw) else raw, kind_of(rel), rel))
        except _YamlProblem as exc:
            problems.append(Diagnostic(rel, exc.line, "", exc.message, exc.code))
    return sources, problems


def load_file(file: Path, kind: str, rel: str) -> Source:
    """Parse one file; raises _YamlProblem with the line of the first problem."""
    return parse_source(file.read_bytes(), kind, rel)


def parse_source(raw: bytes, kind: str, rel: str) -> Source:
    """Parse one file's bytes; raises _YamlProblem with the line of the first problem."""
    if isinstance(raw, Unreadable):
        raise _YamlProblem(1, raw.problem[1], raw.problem[0])
    if len(raw) > MAX_FILE_BYTES:
        raise _YamlProblem(1, f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}", "file-too-large")
    text = _decode(raw)
    _check_conflict(text)
    try:
        _check_events(text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "\t" in _line_text(text, line):
            raise _YamlProblem(line, "tab character in indentation; indent with spaces", "yaml-tab") from None
        if "nesting depth" in str(exc.problem):  # PyYAML >= 6.0.4 has a depth limit of its own
            raise _YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep", "yaml-depth") from None
        raise _YamlProblem(line, f"YAML syntax: {exc.problem or exc.context}", "yaml-syntax") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere in a file
        line = text[: exc.position].count("\n") + 1
        raise _YamlProblem(line, f"character U+{exc.character:04X} is not allowed in a document",
                           "forbidden-character") from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(1, f"YAML syntax: {exc}", "yaml-syntax") from None
    if node is None:
        raise _YamlProblem(1, "file is empty", "empty-file")
    if not isinstance(node, yaml.MappingNode):
        raise _YamlProblem(node.start_mark.line + 1, "the document must be a mapping of keys", "not-a-mapping")
    source = Source(kind, rel, None)
    source.data = _Builder(source).build(node, ())
    return source


_CONFLICT = re.compile(r"^(<{7}|>{7})(?: |$)", re.M)


def _check_conflict(text: str) -> None:
    """Markers git leaves in a file when a merge conflicts: say so, rather than a YAML error further down."""
    marks = list(_CONFLICT.finditer(text))
    if any(m.group(1)[0] == "<" for m in marks) and any(m.group(1)[0] == ">" for m in marks):
        line = text[: marks[0].start()].count("\n") + 1
        raise _YamlProblem(line, "unresolved merge conflict: the file still holds git's <<<<<<< / ======= / "
                           ">>>>>>> markers; keep the right lines, delete the markers, then `git add` the file",
                           "merge-conflict")


def _check_events(text: str) -> None:
    """Refuse anchors, aliases, tags and deep nesting before anything is built from the events.

    The parser keeps its state on the heap, so this pass is safe on any input; composing is not.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _YamlProblem(line, "YAML anchors and aliases are not allowed", "yaml-alias")
        tag = getattr(event, "tag", None)
        if tag and not (tag == _STR_TAG or (isinstance(event, yaml.ScalarEvent) and tag == "!")):
            raise _YamlProblem(line, f"YAML tags are not allowed (found '{tag}'); write a plain value",
                               "yaml-tag")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep", "yaml-depth")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _decode(raw: bytes) -> str:
    if raw.startswith(_UTF16_32_BOMS):  # what "Unicode" means in some Windows editors
        raise _YamlProblem(1, "file is UTF-16 or UTF-32 text; save it as UTF-8", "not-utf8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _YamlProblem(line, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", "not-utf8") from None
    return text.removeprefix("\ufeff")  # a byte-order mark carries no meaning in UTF-8


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording lines."""

    def __init__(self, source: Source):
        self.source = source
        self.constructor = _Loader("")
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        # An alias makes the composer reuse a node; refusing reuse also stops "billion laughs".
        if id(node) in self.seen:
            raise _YamlProblem(node.start_mark.line + 1, "YAML anchors and aliases are not allowed", "yaml-alias")
        self.seen.add(id(node))
        self.source.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.style in ("|", ">"):
            self.source.block_scalars.add(path)
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.constructor.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:  # 2027-02-30, a 5,000-digit number
            value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            problem = f"is not a valid date ({exc})" if node.tag.endswith("timestamp") else "cannot be read"
            raise _YamlProblem(node.start_mark.line + 1, f"'{value}' {problem}", "yaml-value") from None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlProblem(line, "keys must be plain scalars (no merge keys or complex keys)", "yaml-key")
            key = self._scalar(key_node)
            if key is None or isinstance(key, bool):  # YAML 1.1 reads yes/no/on/off/~ as true/false/null
                raise _YamlProblem(line, f"key '{key_node.value}' is read as {_YAML_WORDS[key]}; quote it: "
                                   f"'{key_node.value}'", "yaml-key")
            if key in result:
                first = self.source.lines[path + (key,)]
                raise _YamlProblem(line, f"duplicate key '{key}' (first at line {first})", "duplicate-key")
            self.source.lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,))
            self.source.lines[path + (key,)] = line  # the key's line, not the value's, is where to look
        return result
