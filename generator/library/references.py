"""References that cannot dangle, checked per agreement before anything is built: each `{{ ref.* }}`
of a clause the agreement's draft holds must name an annex it has, a clause it holds, or the main
agreement it names. The assembler resolves the same references (generator/draft/references.py)."""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.core.placeholders import REFERENCE_PREFIX, scan
from generator.library.frame import GENERATED_ANNEXES
from generator.library.load import Source
from generator.library.selection import selected_ids


def _annexes(agreement: dict, services: list[dict]) -> set[str]:
    """The annexes the agreement's contract edition prints."""
    found = {"followup-plan"} | {a for a in agreement.get("annexes") or []}
    if any(s["personal_data"] and s.get("processing") for s in services):
        found.add("processing-instructions")
    return found | {a["id"] for a in agreement.get("attachments") or [] if a.get("annex", True)}


def reference_problems(agreements: dict[str, Source], clauses: dict[str, Source], services: dict[str, Source]
                       ) -> list[Diagnostic]:
    """Every reference of every agreement's clauses that its draft could not resolve, at the line to fix."""
    from generator.library.validate import key_path

    refs = {cid: [(name, lang, source.text_line(("text", lang), offset))
                  for lang, text in source.data["text"].items()
                  for name, offset in scan(text)[0] if name.startswith(REFERENCE_PREFIX)]
            for cid, source in clauses.items()}
    problems: list[Diagnostic] = []
    data = {cid: s.data for cid, s in clauses.items()}
    for agreement in agreements.values():
        spec = agreement.data
        chosen_services = [services[s].data for s in spec["services"] if s in services]
        excluded = {e["clause"]: i for i, e in enumerate(spec.get("exclude") or []) if "clause" in e}
        held = selected_ids(data, chosen_services, set(spec.get("include") or []), set(excluded))
        annexes = _annexes(spec, chosen_services)
        governing = "main_agreement" in spec or "supplier_terms" in spec
        for cid in sorted(held):
            path = clauses[cid].path
            for name, lang, line in refs[cid]:
                kind, _, target = name[len(REFERENCE_PREFIX):].partition(".")
                where = f"{path}:{line}"
                if kind == "main" and not governing:
                    problems.append(Diagnostic(agreement.path, agreement.line(()), "main_agreement",
                                               f"clause '{cid}' ({where}) refers to the main agreement; name it "
                                               "(`main_agreement: {title, date, reference}`) or the supplier's "
                                               "standard terms (`supplier_terms: {title, version}`)",
                                               "main-agreement-missing"))
                elif kind == "clause" and target in excluded:
                    key = ("exclude", excluded[target], "clause")
                    problems.append(Diagnostic(agreement.path, agreement.line(key), key_path(key),
                                               f"clause '{target}' is excluded, but clause '{cid}' ({where}) refers "
                                               "to it", "reference-excluded"))
                elif kind == "clause" and target in data and target not in held:
                    problems.append(Diagnostic(path, line, f"text.{lang}", f"'{{{{ {name} }}}}': clause '{target}' "
                                               f"is not in agreement '{spec['id']}' ({agreement.path}); it does not "
                                               "apply to its services", "reference-not-in-draft"))
                elif kind == "annex" and target not in annexes:
                    hint = ("a review annex; list it under `annexes` to print it in the contract edition"
                            if target in GENERATED_ANNEXES else "list it under `attachments` with its title")
                    problems.append(Diagnostic(path, line, f"text.{lang}", f"'{{{{ {name} }}}}': agreement "
                                               f"'{spec['id']}' ({agreement.path}) has no annex '{target}'; {hint}",
                                               "reference-missing-annex"))
    return list(dict.fromkeys(problems))  # one line per place, however many languages or agreements share it
