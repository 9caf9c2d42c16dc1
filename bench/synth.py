"""Write a synthetic Klausul library, the same bytes for the same arguments.

    python bench/synth.py OUT --clauses 1000 --agreements 10

Shape: 20 clauses that apply to every service, then groups of 10 clauses that each apply to one
service type, with one service per type. Every agreement names two services of different types,
so it holds exactly 40 clauses however large the library is. Clause texts are bilingual, 600-2000
characters per language (the shipped sample's clauses run 640-1940, median about 1050), with
paragraphs, the odd list or table, 0-2 typed parameters whose placeholders appear in both languages,
and 1-2 `covers` references into two catalogs.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

COMMON = 20  # clauses that apply to every service
PER_TYPE = 10  # clauses per service type
PER_AGREEMENT = COMMON + 2 * PER_TYPE  # = 40
CATEGORIES = ["governance", "roles-and-forums", "risk-and-classification", "confidentiality",
              "personnel-security", "access-control", "operations", "vulnerability-management",
              "logging-and-monitoring", "network-and-encryption", "change-management", "backup",
              "continuity", "incident-management", "service-levels-and-reporting", "audit-rights",
              "subcontracting", "personal-data", "exit", "physical-security", "supervision-and-records"]
WORDS = {
    "sv": ("leverantören kunden ska säkerställa att information skyddas enligt avtalet och gällande "
           "krav på behörighet loggning incident rapportering åtgärd tjänst system drift miljö "
           "förändring granskning dokumenterad rutin kontroll underleverantör personuppgifter "
           "sekretess kryptering nätverk säkerhetskopia återläsning kontinuitet plan test "
           "uppföljning protokoll samordnare ansvarig utan dröjsmål skriftligen minst årligen "
           "klassning riskanalys konfidentialitet riktighet tillgänglighet").split(),
    "en": ("the supplier customer shall ensure that information is protected under this agreement "
           "and applicable requirements for access logging incident reporting measure service "
           "system operations environment change review documented procedure control "
           "subcontractor personal data confidentiality encryption network backup restore "
           "continuity plan test follow-up minutes coordinator responsible without delay in "
           "writing at least yearly classification risk analysis integrity availability").split(),
}
UNITS = ["hours", "days", "working-days", "weeks"]
CATALOGS = {"synth-baseline": 60, "synth-annex": 40}  # id: items


def generate(out: Path, clauses: int, agreements: int, seed: int = 7) -> dict:
    """Write the library under `out` (replacing it); a summary of what was written."""
    if clauses < COMMON + 2 * PER_TYPE or (clauses - COMMON) % PER_TYPE:
        raise SystemExit(f"--clauses must be {COMMON} + a multiple of {PER_TYPE}, at least {PER_AGREEMENT}")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("clauses", "services", "catalogs", "agreements", *(f"clauses/{c}" for c in CATEGORIES)):
        (out / folder).mkdir(parents=True)
    types = (clauses - COMMON) // PER_TYPE
    for cid, items in CATALOGS.items():
        _write(out / "catalogs" / f"{cid}.yaml", _catalog(cid, items, rng))
    for t in range(types):
        _write(out / "services" / f"service-{t:05d}.yaml", _service(t, rng))
    for n in range(clauses):
        service_type = None if n < COMMON else (n - COMMON) // PER_TYPE
        category = CATEGORIES[n % len(CATEGORIES)]
        _write(out / "clauses" / category / f"clause-{n:05d}.yaml", _clause(n, category, service_type, rng))
    for a in range(agreements):
        first = (2 * a) % types
        second = (first + 1 + a // types) % types
        second = second if second != first else (first + 1) % types
        _write(out / "agreements" / f"agreement-{a:05d}.yaml", _agreement(a, (first, second), rng))
    return {"clauses": clauses, "services": types, "agreements": agreements,
            "clauses_per_agreement": PER_AGREEMENT}


def sized_agreement(out: Path, size: int) -> str:
    """Write a library under `out` with one agreement of exactly `size` clauses; its id.

    `size` = 20 common + 10 per service + 1 explicitly included clause (the first of one more
    service type), so 41, 201, 1001, ... as the writer's size curve uses.
    """
    services, rest = divmod(size - COMMON - 1, PER_TYPE)
    if rest or services < 1:
        raise SystemExit(f"an agreement size must be {COMMON + 1} + a multiple of {PER_TYPE}: {size}")
    generate(out, COMMON + PER_TYPE * (services + 1), 1)
    name = f"agreement-{size}-clauses"
    rng = random.Random(size)
    text = _agreement(0, (0, 1), rng).replace("agreement-00000", name)
    listed = ", ".join(f"service-{t:05d}" for t in range(services))
    text = text.replace("services: [service-00000, service-00001]", f"services: [{listed}]")
    _write(out / "agreements" / f"{name}.yaml", text + f"include: [clause-{COMMON + PER_TYPE * services:05d}]\n")
    return name


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:  # folders made once in generate(): 20k mkdirs cost seconds
        f.write(text)


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sentence(rng: random.Random, lang: str, low: int = 8, high: int = 22) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(low, high))  # one call: choice() per word was the cost
    return " ".join(words).capitalize() + "."


def _prose(rng: random.Random, lang: str, length: int, placeholders: list[str]) -> str:
    """Paragraphs of about `length` characters; each placeholder once, lists and tables now and then."""
    paragraphs, size, pending = [], 0, list(placeholders)
    while size < length:
        roll = rng.random()
        if roll < 0.12:
            block = "\n".join(f"{i}. {_sentence(rng, lang, 4, 10)}" for i in range(1, rng.randint(3, 5)))
        elif roll < 0.16:
            head = "| " + " | ".join(rng.choice(WORDS[lang]) for _ in range(2)) + " |\n|---|---|\n"
            block = head + "\n".join("| " + " | ".join(_sentence(rng, lang, 2, 5) for _ in range(2)) + " |"
                                     for _ in range(rng.randint(2, 3)))
        else:
            sentences = [_sentence(rng, lang) for _ in range(rng.randint(2, 4))]
            if pending:
                sentences[0] = sentences[0][:-1] + f" inom {{{{ {pending.pop()} }}}}." if lang == "sv" \
                    else sentences[0][:-1] + f" within {{{{ {pending.pop()} }}}}."
            if rng.random() < 0.2:
                sentences[-1] = f"**{sentences[-1][:-1]}**."
            block = _wrap(" ".join(sentences), 96)  # wrapped as people write it
        paragraphs.append(block)
        size += len(block)
    if pending:  # a short text still names every parameter
        word = "inom" if lang == "sv" else "within"
        paragraphs.append(" ".join(f"{_sentence(rng, lang, 3, 6)[:-1]} {word} {{{{ {p} }}}}." for p in pending))
    return "\n\n".join(paragraphs)


def _wrap(text: str, width: int) -> str:
    """Greedy line breaking at spaces, as people wrap text (textwrap.fill took a quarter of the time)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.splitlines())


def _clause(n: int, category: str, service_type: int | None, rng: random.Random) -> str:
    params = [f"p{n}_{k}" for k in range(rng.choice([0, 1, 1, 2]))]
    length = int(min(2000, max(600, rng.lognormvariate(6.95, 0.3))))
    texts = {}
    seed = rng.random()
    for lang in ("sv", "en"):
        texts[lang] = _prose(random.Random(seed), lang, length, params)
    lines = [f"id: clause-{n:05d}", f"version: 1.{n % 7}.0", "status: approved", f"category: {category}",
             f"obligation: {'shall' if n % 4 else 'should'}", f"order: {n % 900}", "languages: [sv, en]",
             "title:", f"  sv: {_q(f'Klausul {n}: ' + _sentence(rng, 'sv', 2, 5)[:-1])}",
             f"  en: {_q(f'Clause {n}: ' + _sentence(rng, 'en', 2, 5)[:-1])}",
             "text:", f"  sv: {_block(texts['sv'], 4)}", f"  en: {_block(texts['en'], 4)}"]
    if params:
        lines.append("parameters:")
        for name in params:
            low = rng.randint(1, 4)
            levels = sorted((rng.randint(low, low + 20) for _ in range(3)), reverse=True)
            lines += [f"  {name}:", "    type: integer", f"    unit: {rng.choice(UNITS)}", f"    min: {low}",
                      f"    max: {low + 40}", f"    default: {levels[0]}", "    level_from: max",
                      f"    levels: {{1: {levels[0]}, 2: {levels[1]}, 3: {levels[2]}}}",
                      f"    label: {{sv: värde {name}, en: value {name}}}"]
    if service_type is not None:
        lines += ["applies_to:", f"  service_types: [type-{service_type:05d}]"]
    covers = sorted({f"{cid}:{rng.randint(1, items)}" for cid, items in
                     rng.sample(sorted(CATALOGS.items()), rng.randint(1, 2))})
    lines += [f"covers: [{', '.join(covers)}]", "verification:",
              f"  sv: {_q(_sentence(rng, 'sv'))}", f"  en: {_q(_sentence(rng, 'en'))}",
              "followup:", f"  kpi: {{sv: {_q(_sentence(rng, 'sv', 4, 8))}, en: {_q(_sentence(rng, 'en', 4, 8))}}}",
              f"  frequency: {rng.choice(['monthly', 'quarterly', 'yearly'])}", "  forum: security-forum"]
    return "\n".join(lines) + "\n"


def _service(t: int, rng: random.Random) -> str:
    levels = [rng.randint(1, 3) for _ in range(3)]
    return "\n".join([
        f"id: service-{t:05d}", f"type: type-{t:05d}",
        f"name: {{sv: Tjänst {t}, en: Service {t}}}",
        f"description: {{sv: {_q(_sentence(rng, 'sv'))}, en: {_q(_sentence(rng, 'en'))}}}",
        f"classification: {{confidentiality: {levels[0]}, integrity: {levels[1]}, availability: {levels[2]}}}",
        f"personal_data: {'true' if rng.random() < 0.5 else 'false'}"]) + "\n"


def _catalog(cid: str, items: int, rng: random.Random) -> str:
    lines = [f"id: {cid}", f"title: {{sv: Katalog {cid}, en: Catalog {cid}}}", "source: Synthetic benchmark",
             "version: '1'", "items:"]
    for i in range(1, items + 1):
        lines += [f"  - id: '{i}'", f"    title: {{sv: {_q(_sentence(rng, 'sv', 3, 6))}, en: {_q(_sentence(rng, 'en', 3, 6))}}}",
                  f"    text: {{sv: {_q(_sentence(rng, 'sv'))}, en: {_q(_sentence(rng, 'en'))}}}",
                  f"    reference: Punkt {i}"]
    return "\n".join(lines) + "\n"


def _agreement(a: int, service_types: tuple[int, int], rng: random.Random) -> str:
    lang = "sv" if a % 2 == 0 else "en"
    return "\n".join([
        f"id: agreement-{a:05d}", f"title: {_q(f'Avtal {a} om informationssäkerhet')}", "version: 1.0.0",
        "status: draft", f"language: {lang}", "date: 2027-01-01",
        f"scope: {_q(_sentence(rng, lang, 20, 40))}",
        "parties:",
        f"  - {{role: customer, name: Kommun {a}, org_number: 212000-{a % 10000:04d}, contact_role: Samordnare}}",
        f"  - {{role: supplier, name: Leverantör {a} AB, org_number: 559000-{a % 10000:04d}, contact_role: CISO}}",
        f"services: [service-{service_types[0]:05d}, service-{service_types[1]:05d}]",
        f"catalogs: [{', '.join(sorted(CATALOGS))}]",
        "exclude:",
        f"  - {{item: 'synth-annex:{rng.randint(1, CATALOGS['synth-annex'])}', reason: {_q(_sentence(rng, lang))}}}",
    ]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--clauses", type=int, default=100)
    parser.add_argument("--agreements", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--agreement-size", type=int, metavar="N",
                        help="instead: a library with one agreement of exactly N clauses (21 + a multiple of 10)")
    args = parser.parse_args()
    if args.agreement_size:
        print(sized_agreement(args.out, args.agreement_size))
    else:
        print(generate(args.out, args.clauses, args.agreements, args.seed))


if __name__ == "__main__":
    main()
