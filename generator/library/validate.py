"""Stage 2: check every document against its schema and the documents against each other."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from typing import Any, Iterable

from generator.core.errors import Diagnostic
from generator.core.text import INVISIBLE
from generator.library import consistency
from generator.library.fallbacks import acceptance_problems, fallback_problems
from generator.library.fastschema import conforms
from generator.library.followup_rules import followup_problems
from generator.library.extend import quiet_unused, resolve_overrides
from generator.library.hollow import hollow_problems
from generator.library.limits import FIRST_YEAR, LAST_YEAR, MAX_CELL, MAX_ID, MAX_NESTING, nesting
from generator.library.load import Source
from generator.library.parameters import declaration_problems, value_problem
from generator.library.rules import declaration_problem, declared, rule_shape_problem
from generator.core.placeholders import PLACEHOLDER, REFERENCE_PREFIX, scan
from generator.core.rowfit import MAX_LINES, too_tall
from generator.library.schema import schema

# Characters XML 1.0 cannot carry, and the two the Markdown reader reserves for placeholders.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue000\ue001\ud800-\udfff]")
_REGEX_HINTS = {
    "id": "use lowercase letters, digits and single hyphens, e.g. incident-notification",
    "version": "use MAJOR.MINOR.PATCH, e.g. 1.0.0",
    "org_number": "use the form NNNNNN-NNNN",
    "covers": "use catalog-id:item-id, e.g. gdpr-art28:28.3.a",
    "item": "use catalog-id:item-id, e.g. gdpr-art28:28.3.a",
}


def key_path(path: Iterable) -> str:
    """A document path as users write it: parties[0].name."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def validate(sources: list[Source]) -> list[Diagnostic]:
    """Every problem in the library, schema problems first, then cross-file problems."""
    problems, valid = [], []
    for source in sources:
        found = schema_problems(source)
        problems += found
        if not found:
            valid.append(source)
    return problems + [d for source in valid for d in document_problems(source)] + cross_check(valid)


def cross_check(sources: list[Source]) -> list[Diagnostic]:
    """The problems between documents (ids, references, placeholders, values) of schema-valid sources."""
    settings = next((s.data for s in sources if s.kind == "library"), {})
    documents, problems = resolve_overrides([s for s in sources if s.kind != "library"])
    problems += _CrossCheck(documents).run()
    problems += hollow_problems(_CrossCheck(documents).by_kind_only(), settings.get("service_types") or ())
    return quiet_unused(problems)


def _escapes(path: str) -> bool:
    """Whether a library-relative path could lead outside the library (absolute, a drive, `..`)."""
    parts = re.split(r"[/\\]", path)
    return path.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", path)) or ".." in parts


def _has(data: dict, path: tuple) -> bool:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def _diag(source: Source, path: tuple, message: str, code: str, line: int | None = None,
          severity: str = "error") -> Diagnostic:
    return Diagnostic(source.path, line or source.line(path), key_path(path), message, code, severity)


# --- schema -----------------------------------------------------------------------------------

def schema_problems(source: Source) -> list[Diagnostic]:
    """The source's problems against the cerberus schema of its kind."""
    rules = schema(source.kind)
    if conforms(rules, source.data):  # fast path; cerberus only for documents that may have problems
        return _string_problems(source, source.data, ())
    import cerberus  # here: most documents pass the fast check, and cerberus costs ~15 ms to import

    validator = cerberus.Validator(rules)
    if validator.validate(source.data):
        return _string_problems(source, source.data, ())
    return [_diag(source, tuple(e.document_path), _message(e, rules), "schema")
            for e in _leaves(validator._errors)]


def _leaves(errors):
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


def _message(error, rules: dict) -> str:
    path = tuple(error.document_path)
    if error.code == 0x02:
        return "is required"
    if error.code == 0x03:
        allowed = _allowed_keys(rules, path)
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"unknown key{hint}"
    if error.code == 0x24 and path and path[-1] == "version" and isinstance(error.value, (int, float)):
        return f"must be a string like 1.0.0, not the number {error.value!r}; write {_semver(error.value)}"
    if error.code == 0x24:
        wanted = error.constraint if isinstance(error.constraint, str) else " or ".join(error.constraint)
        return f"must be of type {wanted}, not {type(error.value).__name__} ({error.value!r})"
    if error.code == 0x44:
        return f"{error.value!r} is not allowed; use one of: {', '.join(map(str, error.constraint))}"
    if error.code == 0x41:
        field = next((str(p) for p in reversed(path) if not isinstance(p, int)), "")
        return f"{error.value!r} has the wrong form; {_REGEX_HINTS.get(field, 'see the schema')}"
    from cerberus.errors import BasicErrorHandler

    template = BasicErrorHandler.messages.get(error.code, "is invalid ({constraint})")
    return template.format(*error.info, constraint=error.constraint, field=error.field, value=error.value)


def _semver(number) -> str:
    parts = str(number).split(".")
    return ".".join((parts + ["0", "0"])[:3])


def _allowed_keys(rules: dict, path: tuple) -> list[str]:
    current: dict = {"type": "dict", "schema": rules}
    for step in path[:-1]:
        inner = current.get("schema")
        if isinstance(step, int) and isinstance(inner, dict) and "type" in inner:
            current = inner
        elif isinstance(inner, dict) and step in inner:
            current = inner[step]
        elif "valuesrules" in current:
            current = current["valuesrules"]
        else:
            return []
    inner = current.get("schema")
    return sorted(inner) if isinstance(inner, dict) and current.get("type") == "dict" else []


def _string_problems(source: Source, value: Any, path: tuple) -> list[Diagnostic]:
    if isinstance(value, dict):
        return [d for k, v in value.items() for d in _string_problems(source, v, path + (k,))]
    if isinstance(value, list):
        return [d for i, v in enumerate(value) for d in _string_problems(source, v, path + (i,))]
    if isinstance(value, str) and (bad := _FORBIDDEN.search(value)):
        return [_diag(source, path, f"character U+{ord(bad.group()):04X} is not allowed in a document",
                      "forbidden-character", line=source.text_line(path, bad.start()))]
    if isinstance(value, str) and len(value) > MAX_CELL:
        return [_diag(source, path, f"the value is {len(value)} characters long; at most {MAX_CELL} fit in a "
                      "spreadsheet cell of the requirement list", "value-too-long")]
    if isinstance(value, str) and (problem := _plain_text_problem(source, value, path)):
        return [problem]
    if isinstance(value, str) and (bad := INVISIBLE.search(value)):
        name = unicodedata.name(bad.group(), "control character")
        return [_diag(source, path, f"invisible character U+{ord(bad.group()):04X} ({name}) can hide or "
                      "reorder text; remove it", "invisible-character", line=source.text_line(path, bad.start()))]
    return []


# Single-line values: a line break in one would split a heading, a table row or a calendar line.
_ONE_LINE = {"title", "name", "label", "contact_role", "org_number", "reference", "source", "role"}


def _plain_text_problem(source: Source, value: str, path: tuple) -> Diagnostic | None:
    """A placeholder outside clause text (it would stay unresolved), a carriage return, or a line
    break in a single-line value."""
    if "\r" in value:
        return _diag(source, path, "carriage return (U+000D) in a value; use a plain line break",
                     "forbidden-character", line=source.text_line(path, value.index("\r")))
    keys = [step for step in path if isinstance(step, str)]
    in_text = source.kind == "clause" and keys[-2:-1] == ["text"]  # text.sv, fallbacks[0].text.sv
    if not in_text and (found := PLACEHOLDER.search(value)):
        return _diag(source, path, f"placeholder '{found.group()}' outside a clause's `text`: only `text` has its "
                     "placeholders filled in; write the value here", "placeholder-outside-text",
                     line=source.text_line(path, found.start()))
    if "\n" in value.strip("\n") and _ONE_LINE & set(keys[-2:]):
        return _diag(source, path, "a line break in a single-line value", "line-break-in-value")
    return None


def document_problems(source: Source) -> list[Diagnostic]:
    """What a schema-valid document gets wrong on its own beyond the schema (see `consistency`)."""
    found: list[Diagnostic] = []
    consistency.check_document(source, lambda src, path, message, code, **kw: found.append(
        _diag(src, path, message, code, **kw)))
    return found


# --- cross-file -------------------------------------------------------------------------------

class _CrossCheck:
    """Checks that need more than one document: ids, references, placeholders, values."""

    def __init__(self, sources: list[Source]):
        self.sources = sources
        self.problems: list[Diagnostic] = []
        self.by_kind: dict[str, dict[str, Source]] = defaultdict(dict)
        self.declarations: dict[str, list[tuple[Source, dict]]] = defaultdict(list)

    def run(self) -> list[Diagnostic]:
        self._unique_ids()
        for source in self.by_kind["clause"].values():
            for name, decl in (source.data.get("parameters") or {}).items():
                self.declarations[name].append((source, decl))
        self.items = {f"{cid}:{item['id']}" for cid, src in self.by_kind["catalog"].items()
                      for item in src.data["items"]}
        self.service_types = {src.data["type"] for src in self.by_kind["service"].values()}
        for kind, check in (("catalog", self._catalog), ("clause", self._clause),
                            ("service", self._service), ("agreement", self._agreement)):
            for source in self.by_kind[kind].values():
                check(source)
        for source in self.by_kind["catalog"].values():
            self._partial(source)
            self._rules(source)
        from generator.library.frame import frame_problems
        from generator.library.defined_terms import term_problems

        self.problems += term_problems(self.by_kind["term"], self.by_kind["clause"], self.by_kind["agreement"])
        for source in self.by_kind["agreement"].values():
            self.problems += frame_problems(source)
        if not any(p.severity == "error" for p in self.problems):  # selection needs sound documents
            from generator.library.references import reference_problems

            self.problems += reference_problems(self.by_kind["agreement"], self.by_kind["clause"],
                                                self.by_kind["service"])
        consistency.check(self.by_kind, self.add)
        return self.problems

    def by_kind_only(self) -> dict[str, dict[str, Source]]:
        """The documents by kind and id (the first of a repeated id), without running the checks."""
        for source in self.sources:
            self.by_kind[source.kind].setdefault(source.data["id"], source)
        return self.by_kind

    def add(self, source: Source, path: tuple, message: str, code: str, **kw) -> None:
        self.problems.append(_diag(source, path, message, code, **kw))

    def _unique_ids(self) -> None:
        for source in self.sources:
            known = self.by_kind[source.kind]
            ident = source.data["id"]
            if len(ident) > MAX_ID:  # the id names the output files, which must fit a file name
                self.add(source, ("id",), f"id is {len(ident)} characters long; at most {MAX_ID} are allowed",
                         "id-too-long")
            if ident in known:
                first = known[ident]
                self.add(source, ("id",), f"{source.kind} id '{ident}' is already used by "
                         f"{first.path}:{first.line(('id',))}", "duplicate-id")
            else:
                known[ident] = source

    def _catalog(self, source: Source) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(source.data["items"]):
            if item["id"] in seen:
                self.add(source, ("items", i, "id"), f"item id '{item['id']}' repeats item {seen[item['id']]}",
                         "duplicate-id")
            seen.setdefault(item["id"], i)

    def _partial(self, source: Source) -> None:
        # Runs after every clause is known: a partial mark must name a clause that claims the item.
        for i, item in enumerate(source.data["items"]):
            ref = f"{source.data['id']}:{item['id']}"
            marks = item.get("partial") or []
            self._refs(source, ("items", i, "partial"), marks, "clause")
            for j, cid in enumerate(marks):
                clause = self.by_kind["clause"].get(cid)
                if clause and ref not in (clause.data.get("covers") or []):
                    self.add(source, ("items", i, "partial", j), f"clause '{cid}' does not list '{ref}' under "
                             f"covers ({clause.path})", "partial-not-covering")

    def _rules(self, source: Source) -> None:
        # A value rule must be evaluable on every parameter it names in the clauses that cover the item.
        if not any(item.get("rules") for item in source.data["items"]):
            return
        anywhere = [(n, d) for n, pairs in self.declarations.items() for _c, d in pairs]
        by_ref: dict[str, list] = defaultdict(list)
        for clause in self.by_kind["clause"].values():
            for ref in clause.data.get("covers") or []:
                by_ref[ref] += (clause.data.get("parameters") or {}).items()
        for i, item in enumerate(source.data["items"]):
            ref = f"{source.data['id']}:{item['id']}"
            covering = by_ref.get(ref, [])
            for j, rule in enumerate(item.get("rules") or []):
                path = ("items", i, "rules", j)
                if shape := rule_shape_problem(rule):
                    self.add(source, path + (shape[0],), shape[1], "rule-shape")
                    continue
                key, name = ("parameter", rule["parameter"]) if "parameter" in rule else ("role", rule["role"])
                if not declared(rule, anywhere):
                    close = difflib.get_close_matches(name, list(self.declarations), n=1) if key == "parameter" else []
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    what = "a parameter" if key == "parameter" else "a parameter with role"
                    self.add(source, path + (key,), f"no clause declares {what} '{name}'{hint}",
                             "rule-unknown-parameter")
                    continue
                found = declared(rule, covering)
                if not found:
                    self.add(source, path + (key,), f"no clause that covers '{ref}' declares '{name}', so the rule "
                             f"cannot be evaluated", "rule-not-evaluable")
                    found = declared(rule, anywhere)  # still say whether the rule could fit the parameter at all
                for problem in dict.fromkeys(p for _n, d in found if (p := declaration_problem(rule, d))):
                    self.add(source, path + (problem[0],), problem[1], problem[2])

    def _clause(self, source: Source) -> None:
        data = source.data
        languages = data["languages"]
        params = data.get("parameters") or {}
        self._translations(source, languages)
        self._workbook_row(source, languages)
        used_by_lang = {lang: self._placeholders(source, lang, params) for lang in languages
                        if lang in data["text"]}
        for name, decl in params.items():
            self._declaration(source, name, decl)
            missing = [lang for lang, used in used_by_lang.items() if name not in used]
            if missing:
                self.add(source, ("parameters", name), f"parameter '{name}' is declared but not used in the "
                         f"{'/'.join(missing)} text", "parameter-unused")
        for path, problem, code in followup_problems(data):
            self.add(source, path, problem, code)
        for path, message, code, line in fallback_problems(source):
            self.add(source, path, message, code, line=line)
        for i, ref in enumerate(data.get("covers") or []):
            if ref not in self.items:
                self.add(source, ("covers", i), f"'{ref}' is not an item of any catalog", "unknown-reference")
        for i, stype in enumerate((data.get("applies_to") or {}).get("service_types") or []):
            if stype not in self.service_types:
                self.add(source, ("applies_to", "service_types", i), f"no service description has type "
                         f"'{stype}'", "unknown-service-type", severity="warning")

    def _translations(self, source: Source, languages: list[str]) -> None:
        data = source.data
        localized = [("title",), ("text",), ("verification",)]
        if "followup" in data:
            localized.append(("followup", "kpi"))
            localized += [p for p in (("followup", "recipient"), ("followup", "target", "measure"))
                          if _has(data, p)]
        localized += [("customer_duties", i, "what") for i in range(len(data.get("customer_duties") or []))]
        if "tender_evidence" in data:
            localized.append(("tender_evidence",))
        localized += [("parameters", n, "label") for n in data.get("parameters") or {}]
        localized += [("parameters", n, "per_service") for n, d in (data.get("parameters") or {}).items()
                      if "per_service" in d]
        localized += [("parameters", n, "choices", c) for n, d in (data.get("parameters") or {}).items()
                      for c in d.get("choices") or {}]
        for path in localized:
            texts = data
            for step in path:
                texts = texts[step]
            for lang in languages:
                if lang not in texts:
                    self.add(source, path, f"missing the '{lang}' translation that `languages` declares",
                             "missing-translation")
            for lang in texts:
                if lang not in languages:
                    self.add(source, path + (lang,), f"'{lang}' text but `languages` does not declare {lang}",
                             "undeclared-language")

    def _nesting(self, source: Source, path: tuple) -> None:
        text = source.data
        for step in path:
            text = text[step]
        if deep := nesting(text):
            self.add(source, path, f"lists or quotes nested {deep[1]} levels deep; at most {MAX_NESTING} are "
                     "allowed", "nesting-too-deep", line=source.text_line(path, deep[0]))

    def _workbook_row(self, source: Source, languages: list[str]) -> None:
        """A warning where the requirement workbook could not show a clause-level text in one row."""
        data = source.data
        kpi = ((data.get("followup") or {}).get("kpi")) or {}
        for lang in languages:
            # the verification cell also names the follow-up, its frequency and forum (about 60 characters)
            verified = data["verification"].get(lang, "") + (f"\n{kpi[lang]} {'x' * 60}" if lang in kpi else "")
            for which, needed, width in too_tall(data["title"].get(lang, ""),
                                                 (data.get("tender_evidence") or {}).get(lang, ""), verified):
                self.add(source, (which, lang), f"too long for one row of the requirement workbook ({needed} "
                         f"lines at {width} characters; Excel shows at most {MAX_LINES})", "too-long-for-row",
                         severity="warning")

    def _placeholders(self, source: Source, lang: str, params: dict) -> set[str]:
        text = source.data["text"][lang]
        names, refused = scan(text)
        path = ("text", lang)
        self._nesting(source, path)
        line_at = source.text_lines(path)
        for snippet, offset in refused:
            self.add(source, path, f"only plain {{{{ name }}}} placeholders are allowed, found '{snippet}'",
                     "template-syntax", line=line_at(offset))
        for name, offset in names:
            if name.startswith(REFERENCE_PREFIX):  # a reference: to a clause that must exist in the library
                target = name.split(".", 2)[2] if name.startswith("ref.clause.") else None
                if target and target not in self.by_kind["clause"]:
                    self.add(source, path, f"'{{{{ {name} }}}}' refers to clause '{target}', which the library "
                             "does not have", "unknown-reference", line=line_at(offset))
                continue
            if name not in params:
                self.add(source, path, f"placeholder '{{{{ {name} }}}}' is not a declared parameter",
                         "placeholder-undeclared", line=line_at(offset))
        return {name for name, _ in names}

    def _declaration(self, source: Source, name: str, decl: dict) -> None:
        base = ("parameters", name)
        for path, problem in declaration_problems(decl):
            self.add(source, base + path, problem, "parameter-declaration")
        if problem := value_problem(decl, decl["default"]):
            self.add(source, base + ("default",), problem, "value-out-of-bounds")
        for level, value in (decl.get("levels") or {}).items():
            if problem := value_problem(decl, value):
                self.add(source, base + ("levels", level), problem, "value-out-of-bounds")

    def _overrides(self, source: Source, overrides: dict) -> None:
        for name, value in overrides.items():
            path = ("parameters", name)
            if name not in self.declarations:
                close = difflib.get_close_matches(name, list(self.declarations), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.add(source, path, f"no clause declares a parameter '{name}'{hint}", "unknown-reference")
            for clause, decl in self.declarations.get(name, []):
                if problem := value_problem(decl, value):
                    self.add(source, path, f"{problem} (as declared in {clause.path})", "value-out-of-bounds")

    def _service(self, source: Source) -> None:
        self._overrides(source, source.data.get("parameters") or {})
        if source.data["personal_data"] and "processing" not in source.data:
            self.add(source, ("personal_data",), "the service processes personal data but has no `processing` "
                     "description (purpose, data, subjects, location) for the draft's processing instruction",
                     "missing-processing-description", severity="warning")

    def _agreement(self, source: Source) -> None:
        data = source.data
        if "scope" in data:
            self._nesting(source, ("scope",))
        for field in ("date", "start_date"):  # the follow-up plan counts years ahead from these dates
            if field in data and not FIRST_YEAR <= data[field].year <= LAST_YEAR:
                self.add(source, (field,), f"{data[field].isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}",
                         "date-out-of-range")
        for field in ("services", "catalogs", "include"):
            self._repeats(source, (field,), data.get(field) or [])
        self._repeats(source, ("exclude",), [e.get("clause") or e.get("item") for e in data.get("exclude") or []])
        self._refs(source, ("services",), data["services"], "service")
        self._refs(source, ("catalogs",), data["catalogs"], "catalog")
        self._refs(source, ("include",), data.get("include") or [], "clause")
        for i, exclusion in enumerate(data.get("exclude") or []):
            if "clause" in exclusion:
                self._refs(source, ("exclude", i, "clause"), [exclusion["clause"]], "clause", indexed=False)
            elif exclusion["item"] not in self.items:
                self.add(source, ("exclude", i, "item"), f"'{exclusion['item']}' is not an item of any catalog",
                         "unknown-reference")
            for j, sid in enumerate(exclusion.get("services") or []):
                if "clause" in exclusion or sid not in data["services"]:
                    why = ("`services` narrows an excluded item, not a clause" if "clause" in exclusion
                           else f"service '{sid}' is not one of the agreement's services")
                    self.add(source, ("exclude", i, "services", j), why, "unknown-reference")
        self._language(source, data["language"])
        for i, ident in enumerate(data.get("include") or []):
            clause = self.by_kind["clause"].get(ident)
            if clause and clause.data["status"] == "retired":
                self.add(source, ("include", i), f"clause '{ident}' is retired", "retired-clause", severity="warning")
        if (template := data.get("template")) and _escapes(template):
            self.add(source, ("template",), f"template '{template}' must be a path inside the library, "
                     "relative to it", "path-outside-library")
        roles = [party["role"] for party in data["parties"]]
        for role in ("customer", "supplier"):
            if role not in roles:
                self.add(source, ("parties",), f"the parties include no {role}", "missing-party")
        self._overrides(source, data.get("parameters") or {})
        for path, message, code, line in acceptance_problems(source, self.by_kind["clause"]):
            self.add(source, path, message, code, line=line)

    def _language(self, source: Source, lang: str) -> None:
        """The services and catalogs an agreement names must speak its language."""
        for field, kind, texts in (("services", "service", ("name", "description")), ("catalogs", "catalog", ("title",))):
            for ident in source.data[field]:
                other = self.by_kind[kind].get(ident)
                if other is None:
                    continue
                missing = [t for t in texts if lang not in other.data[t]]
                missing += [f"processing.{k}" for k, v in (other.data.get("processing") or {}).items()
                            if kind == "service" and lang not in v]
                if kind == "catalog":
                    missing += [f"items[{i}]" for i, item in enumerate(other.data["items"])
                                if lang not in item["title"]
                                or (isinstance(item["reference"], dict) and lang not in item["reference"])
                                or any(isinstance(r["source"], dict) and lang not in r["source"]
                                       for r in item.get("rules") or ())]
                    if isinstance(other.data["source"], dict) and lang not in other.data["source"]:
                        missing.append("source")
                if missing:
                    self.add(source, ("language",), f"{kind} '{ident}' has no '{lang}' text for "
                             f"{', '.join(missing[:3])} ({other.path})", "missing-translation")

    def _repeats(self, source: Source, path: tuple, ids: list) -> None:
        """A list of ids names each one once: a repeat would put the same text twice into the draft."""
        first: dict = {}
        for i, ident in enumerate(ids):
            if ident in first:
                self.add(source, path + (i,), f"'{ident}' is listed twice (first as item {first[ident]})",
                         "duplicate-entry")
            first.setdefault(ident, i)

    def _refs(self, source: Source, path: tuple, ids: list[str], kind: str, indexed: bool = True) -> None:
        known = self.by_kind[kind]
        for i, ident in enumerate(ids):
            if ident not in known:
                close = difflib.get_close_matches(ident, list(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.add(source, path + ((i,) if indexed else ()), f"unknown {kind} '{ident}'{hint}",
                         "unknown-reference")
