"""Text of new library documents: the skeletons of `klausul new` and the example library of `klausul init`.

Pure: each function returns YAML text; the command layer writes it. Every skeleton validates as it is,
so a newcomer starts from a green library and changes one thing at a time.
"""

from __future__ import annotations

import json

from generator.library.jsonschema import json_schema
from generator.library.load import KINDS, SETTINGS

FOLDER = {kind: folder for folder, kind in KINDS.items()}


def clause(ident: str, category: str) -> str:
    """A draft clause: status draft keeps it out of every agreement until it is reviewed and approved."""
    return f"""\
# A clause: one security obligation, in each language it lists. See README "Clause".
id: {ident}
version: 0.1.0
status: draft          # draft | approved | retired; only approved clauses reach a draft
category: {category}
obligation: shall      # shall (ska-krav) | should (bör-krav)
languages: [sv, en]
title:
  sv: Ny klausul
  en: New clause
text:                  # Markdown; {{{{ name }}}} is a declared parameter's value
  sv: |
    Leverantören ska åtgärda kritiska sårbarheter inom {{{{ fix_time }}}}.
  en: |
    The Supplier shall remedy critical vulnerabilities within {{{{ fix_time }}}}.
parameters:
  fix_time:
    type: integer      # integer | number | string | choice
    unit: days         # klausul list units
    min: 1
    max: 90
    default: 30
    level_from: integrity          # confidentiality | integrity | availability | max
    levels: {{2: 14, 3: 7}}          # the value at each classification level (lower levels take `default`)
    label: {{sv: Åtgärdstid, en: Time to remedy}}
# applies_to:                      # leave out to apply to every service
#   service_types: [cloud-service]   # klausul list service-types
#   min_level: {{availability: 2}}
covers: []                         # catalog-id:item-id, e.g. gdpr-art28:28.3.c (klausul list catalogs)
verification:
  sv: Leverantören redovisar åtgärdstider i månadsrapporten.
  en: The Supplier reports remedy times in the monthly report.
# followup:
#   kpi: {{sv: Andel åtgärdade inom tid, en: Share remedied in time}}
#   frequency: monthly              # klausul list frequencies
#   forum: security-forum           # klausul list forums
# tender_evidence:                  # what a bidder submits with the tender (the requirement workbook)
#   sv: En beskrivning av rutinen för sårbarhetshantering.
#   en: A description of the vulnerability management procedure.
"""


def service(ident: str, service_type: str, delivery: str = "on-premises") -> str:
    """A service description with moderate classification; user accounts and logs are personal data."""
    return f"""\
# What is delivered, and how sensitive its information is (KLASSA levels 0-3; 4 needs a
# security-protection agreement). See README "Service description".
id: {ident}
type: {service_type}        # clauses choose services by type: klausul list service-types
name:
  sv: {ident.replace('-', ' ').capitalize()}
  en: {ident.replace('-', ' ').capitalize()}
description:
  sv: Leverantören tillhandahåller tjänsten och ansvarar för drift och förvaltning.
  en: The Supplier provides the service and is responsible for its operation and maintenance.
classification:
  confidentiality: 1
  integrity: 1
  availability: 1
delivery: {delivery}    # on-premises | hosted | saas (multi-tenant cloud): picks the clause variants
# Accounts and logs name users, so almost every service processes personal data; false only when
# none at all (the library refuses it where a clause that processes personal data applies).
personal_data: true
processing:                 # the draft's instruction for the processing of personal data
  purpose:
    sv: Tillhandahållande av tjänsten och administration av användarkonton.
    en: Providing the service and administering user accounts.
  data:
    sv: Användaridentiteter, kontaktuppgifter och loggar över användningen.
    en: User identities, contact details and logs of use.
  subjects:
    sv: Kundens medarbetare och andra användare av tjänsten.
    en: The Customer's staff and other users of the service.
  location:
    sv: Leverantörens driftmiljö inom EU/EES.
    en: The Supplier's operating environment in the EU/EEA.
"""


def agreement(ident: str, services: list[str], catalogs: list[str], language: str, today: str) -> str:
    """An agreement between two example parties over the given services and catalogs."""
    return f"""\
# Parties, language, services and catalogs of one agreement. See README "Agreement".
id: {ident}
title: {'Avtal om informationssäkerhet' if language == 'sv' else 'Information Security Agreement'}
version: 0.1.0
status: draft               # draft | final
language: {language}
date: {today}
start_date: {today}         # the follow-up plan counts its first due dates from here
parties:                    # replace with the real parties
  - role: customer
    name: {'Exempelkommunen' if language == 'sv' else 'Example Municipality'}
    org_number: 212000-0000
    contact_role: {'Informationssäkerhetssamordnare' if language == 'sv' else 'Information security coordinator'}
  - role: supplier
    name: {'Exempelleverantören AB' if language == 'sv' else 'Example Supplier Ltd'}
    org_number: 556000-0000
    contact_role: {'Säkerhetschef' if language == 'sv' else 'Chief information security officer'}
services: {json.dumps(services)}
catalogs: {json.dumps(catalogs)}
# The contract frame (README "Contract frame"): what this agreement is an annex to, its term, the
# documents attached as annexes (clauses refer to them as {{{{ ref.annex.<id> }}}}) and their order.
main_agreement:             # or, for a cloud service: supplier_terms: {{title: ..., version: ...}}
  title: {'Avtal om IT-tjänster' if language == 'sv' else 'IT Services Agreement'}
  date: {today}
term: {{entry_into_force: signing, expires: with-main}}
attachments:
  - {{id: service-descriptions, title: {'Tjänstebeskrivningar' if language == 'sv' else 'Service descriptions'}}}
  - {{id: locations, title: {'Förteckning över platser för tjänsterna' if language == 'sv' else 'List of service and data locations'}}}
  - {{id: sub-processors, title: {'Lista över underbiträden' if language == 'sv' else 'List of sub-processors'}}}
precedence: [this, processing-instructions, main-agreement, service-descriptions, sub-processors, locations, followup-plan]
# include: [clause-id]       # clauses chosen by hand, besides those the services bring in
# exclude:
#   - clause: clause-id      # leave a clause out ...
#     reason: Why it does not belong in this agreement.
#   - item: catalog-id:item-id   # ... or accept a catalog item as not covered
#     reason: Why the item is not needed.
# parameters: {{fix_time: 10}}  # override a value for every service (klausul list parameters {ident})
"""


def catalog(ident: str) -> str:
    """A requirement catalog with one item, in our own words with a reference."""
    return f"""\
# A requirement list that coverage is checked against. Paraphrase; cite the article or control.
id: {ident}
title:
  sv: Egna krav
  en: Own requirements
source: Own requirements of the organisation
version: "1"
items:
  - id: "1"
    title:
      sv: Sårbarheter åtgärdas i tid
      en: Vulnerabilities are remedied in time
    text:
      sv: Avtalet anger inom vilken tid leverantören ska åtgärda kritiska sårbarheter.
      en: The agreement states within which time the supplier remedies critical vulnerabilities.
    reference: Own requirement 1
"""


def settings(extends: str | None) -> str:
    """klausul.yaml: the library's settings."""
    base = f"extends: {extends}" if extends else "# extends: klausul-sv"
    return f"""\
# Settings of this library.
{base}                # build on another library: klausul-sv (shipped) or a path
service_types: [cloud-service]      # types served by general clauses on purpose (klausul list service-types)
"""


def example_library(today: str) -> dict[str, str]:
    """The files of `klausul init`: a small library that validates and builds as it is."""
    approved = clause("vulnerability-remedy", "vulnerability-management").replace(
        "version: 0.1.0", "version: 1.0.0").replace(
        "status: draft          #", "status: approved       #").replace(
        "covers: []", "covers: [own-requirements:1]").replace("Ny klausul", "Åtgärd av sårbarheter").replace(
        "New clause", "Remedy of vulnerabilities")
    files = {
        "clauses/vulnerability-management/vulnerability-remedy.yaml": approved,
        "services/school-platform.yaml": service("school-platform", "cloud-service", "saas"),
        "catalogs/own-requirements.yaml": catalog("own-requirements"),
        "agreements/example.yaml": agreement("example", ["school-platform"], ["own-requirements"], "sv", today),
        ".gitignore": "# generated drafts\noutput/\n",
        ".pre-commit-config.yaml": _PRE_COMMIT,
        SETTINGS: settings(None),
        ".vscode/settings.json": json.dumps({"yaml.schemas": {
            f".vscode/klausul-schemas/{kind}.schema.json": [f"{FOLDER[kind]}/**/*.yaml", f"{FOLDER[kind]}/**/*.yml"]
            for kind in sorted(FOLDER)}}, indent=2) + "\n",
    }
    for kind in sorted(FOLDER):
        files[f".vscode/klausul-schemas/{kind}.schema.json"] = json.dumps(json_schema(kind), indent=2,
                                                                           ensure_ascii=False) + "\n"
    return files


_PRE_COMMIT = """\
# Review checks before each commit (pre-commit.com); the klausul command must be installed.
repos:
  - repo: local
    hooks:
      - id: klausul-validate
        name: klausul validate
        entry: klausul validate
        language: system
        pass_filenames: false
        files: \\.ya?ml$
      - id: klausul-lint
        name: klausul lint
        entry: klausul lint
        language: system
        pass_filenames: false
        files: \\.ya?ml$
"""
