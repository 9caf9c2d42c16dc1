"""Words the generator itself writes, in Swedish and English, and value formatting per language."""

from __future__ import annotations

import functools

LANGUAGES = ("sv", "en")

LABELS = {
    "sv": {
        "subtitle": "Bilaga om informationssäkerhet till huvudavtal",
        "draft_notice": "Utkast genererat av Klausul från godkända avtalsklausuler",
        "role": "Roll", "name": "Namn", "org_number": "Organisationsnummer", "contact_role": "Kontaktroll",
        "agreement_id": "Avtals-id", "version": "Version", "date": "Datum", "status": "Status",
        "page": "Sida", "of": "av", "quote": "\u201d{}\u201d",
        "customer": "Kund", "supplier": "Leverantör",
        "draft": "Utkast", "final": "Slutlig",
        "contents": "Innehåll",
        "parties_and_scope": "Parter och omfattning",
        "parties_intro": "Detta avtal ingås mellan följande parter.",
        "language_clause": "Avtalet är upprättat på svenska. Den svenska versionen har företräde framför "
                           "varje översättning av avtalet eller dess bilagor.",
        "default_scope": "Avtalet reglerar de krav på informationssäkerhet som gäller för Leverantörens "
                         "leverans av de tjänster som anges nedan.",
        "services": "Tjänster och informationsklassning",
        "services_intro": "Kraven i avtalet utgår från Kundens informationsklassning av varje tjänst "
                          "(nivå 0 försumbar, 1 måttlig, 2 betydande, 3 allvarlig, 4 synnerligen allvarlig skada).",
        "service": "Tjänst", "type": "Typ", "confidentiality": "Konfidentialitet",
        "integrity": "Riktighet", "availability": "Tillgänglighet", "personal_data": "Personuppgifter",
        "yes": "Ja", "no": "Nej",
        "value": "Värde", "value_for": "{value} för {services}", "and": "och", "last_group": "samt",
        "per_service_time": "den tid som anges för respektive tjänst nedan",
        "target": "Målvärde", "target_at_least": "minst", "target_at_most": "högst",
        "per_service_level": "den nivå som anges för respektive tjänst nedan",
        "per_service_other": "så som anges för respektive tjänst nedan",
        "strictest_time": "Berör en och samma händelse flera av tjänsterna gäller den kortaste tiden: {value}.",
        "strictest_level": "Berör en och samma händelse flera av tjänsterna gäller den strängaste nivån: {value}.",
        "verification": "Verifiering", "followup": "Uppföljning",
        "obligation_shall": "Ska-krav", "obligation_should": "Bör-krav",
        "signatures": "Underskrifter",
        "signature_place_date": "Ort och datum", "signature": "Underskrift",
        "signature_name": "Namnförtydligande",
        "annex": "Bilaga",
        "coverage": "Täckning mot kravkataloger",
        "coverage_intro": "För varje krav i de kataloger avtalet prövas mot visas om det täcks av en "
                          "klausul, täcks endast delvis, har undantagits med angivet skäl eller saknar "
                          "täckning.",
        "item": "Krav", "title": "Rubrik", "reference": "Referens", "clauses_or_reason": "Klausuler / skäl",
        "covered": "Täckt", "partial": "Delvis täckt", "excluded": "Undantaget", "gap": "Lucka",
        "in_part": "delvis",
        "summary": "{covered} täckta, {partial} delvis täckta, {excluded} undantagna, {gap} luckor",
        "register": "Klausulregister",
        "register_intro": "Förteckning över de klausulversioner som utkastet har byggts av.",
        "clause_id": "Klausul-id", "hash": "Innehållshash", "obligation": "Kravnivå",
        "source_catalog": "Källa",
        "excluded_clauses": "Undantagna klausuler", "reason": "Skäl",
        "requirements": "Kravförteckning",
        "requirements_intro": "Förteckningen återger avtalets klausuler som krav, med värden ifyllda för de "
                              "tjänster och den informationsklassning som avtalet avser. Kravnumren är "
                              "desamma som avsnittsnumren i avtalet.",
        "req_no": "Nr", "category": "Kategori", "requirement": "Krav", "clause": "Klausul", "covers": "Täcker",
        "overview": "Översikt", "library": "Klausulbibliotek", "generator": "Skapad med",
        "count_requirements": "Antal krav", "parties": "Parter", "library_fingerprint": "Bibliotekets fingeravtryck",
        "applies_to": "Punkten gäller {services}.",
        "processing_annex": "Instruktion för behandling av personuppgifter",
        "processing_intro": "Bilagan är den dokumenterade instruktion som avtalets bestämmelser om behandling "
                            "av personuppgifter avser, för varje tjänst där Leverantören behandlar "
                            "personuppgifter för Kundens räkning. Den gäller för varje nämnd som är "
                            "personuppgiftsansvarig för behandlingen i tjänsten. Kompletterande "
                            "instruktioner lämnas skriftligen av de personer som Kunden har utsett att "
                            "lämna instruktioner. Behandlingen pågår så länge avtalet "
                            "gäller och därefter till dess att personuppgifterna har återlämnats eller "
                            "raderats enligt avtalet. Överföring till tredjeland får ske endast efter "
                            "Kundens skriftliga godkännande.",
        "purpose": "Ändamål och art", "data": "Personuppgifter", "subjects": "Registrerade",
        "location": "Plats för behandlingen",
        "followup_plan": "Uppföljningsplan",
        "followup_intro": "Planen anger vad som ska rapporteras eller granskas, av vem, i vilket forum och hur "
                          "ofta. Första tillfället infaller en period efter avtalets startdatum {start}, på "
                          "samma dag i månaden (högst den 28:e), eller närmast följande arbetsdag om den "
                          "dagen är en lördag, söndag, helgdag, midsommarafton, julafton eller nyårsafton; "
                          "därefter på samma dag i månaden. Uppföljning vid varje händelse sker inom "
                          "de tider som respektive klausul anger.",
        "followup_intro_no_start": "Planen anger vad som ska rapporteras eller granskas, av vem, i vilket forum "
                                   "och hur ofta. Datum för första tillfället fastställs när avtalets "
                                   "startdatum är bestämt.",
        "clause_no": "Punkt", "what": "Vad följs upp", "evidence": "Underlag", "by": "Ansvarig",
        "forum": "Forum", "frequency": "Frekvens", "first_due": "Första tillfälle",
        "forum_or_recipient": "Forum eller mottagare",
        "security_contact": "Kundens kontaktperson för informationssäkerhet", "by_supplier": "Leverantören", "by_customer": "Kunden", "by_joint": "Parterna gemensamt",
        "start_date": "Startdatum", "on_event": "vid händelse",
    },
    "en": {
        "subtitle": "Information security schedule to the main agreement",
        "draft_notice": "Draft generated by Klausul from approved clauses",
        "role": "Role", "name": "Name", "org_number": "Organisation number", "contact_role": "Contact role",
        "agreement_id": "Agreement id", "version": "Version", "date": "Date", "status": "Status",
        "page": "Page", "of": "of", "quote": "\u201c{}\u201d",
        "customer": "Customer", "supplier": "Supplier",
        "draft": "Draft", "final": "Final",
        "contents": "Contents",
        "parties_and_scope": "Parties and scope",
        "parties_intro": "This agreement is entered into by the following parties.",
        "language_clause": "This agreement is drawn up in English. The English version prevails over any "
                           "translation of the agreement or its annexes.",
        "default_scope": "This agreement sets out the information security requirements that apply to "
                         "the Supplier's delivery of the services listed below.",
        "services": "Services and information classification",
        "services_intro": "The requirements of this agreement follow from the Customer's information "
                          "classification of each service (level 0 negligible, 1 moderate, 2 significant, "
                          "3 serious, 4 extremely serious harm).",
        "service": "Service", "type": "Type", "confidentiality": "Confidentiality",
        "integrity": "Integrity", "availability": "Availability", "personal_data": "Personal data",
        "yes": "Yes", "no": "No",
        "value": "Value", "value_for": "{value} for {services}", "and": "and", "last_group": ", and",
        "per_service_time": "the time stated for each service below",
        "target": "Target", "target_at_least": "at least", "target_at_most": "at most",
        "per_service_level": "the level stated for each service below",
        "per_service_other": "as stated for each service below",
        "strictest_time": "Where one event affects several of the services, the shortest time applies: {value}.",
        "strictest_level": "Where one event affects several of the services, the strictest level applies: {value}.",
        "verification": "Verification", "followup": "Follow-up",
        "obligation_shall": "Mandatory (shall)", "obligation_should": "Recommended (should)",
        "signatures": "Signatures",
        "signature_place_date": "Place and date", "signature": "Signature",
        "signature_name": "Name in print",
        "annex": "Annex",
        "coverage": "Coverage against requirement catalogs",
        "coverage_intro": "For every requirement of the catalogs this agreement is checked against, the "
                          "table shows whether a clause covers it, covers it only in part, it was excluded "
                          "for the stated reason, or it is a gap.",
        "item": "Item", "title": "Title", "reference": "Reference", "clauses_or_reason": "Clauses / reason",
        "covered": "Covered", "partial": "Partly covered", "excluded": "Excluded", "gap": "Gap",
        "in_part": "in part",
        "summary": "{covered} covered, {partial} partly covered, {excluded} excluded, {gap} gaps",
        "register": "Clause register",
        "register_intro": "The clause versions this draft was built from.",
        "clause_id": "Clause id", "hash": "Content hash", "obligation": "Obligation",
        "source_catalog": "Source",
        "excluded_clauses": "Excluded clauses", "reason": "Reason",
        "requirements": "Requirement list",
        "requirements_intro": "The list states the agreement's clauses as requirements, with the values filled "
                              "in for the services and information classification the agreement concerns. "
                              "Requirement numbers are the section numbers of the agreement.",
        "req_no": "No.", "category": "Category", "requirement": "Requirement", "clause": "Clause",
        "covers": "Covers", "overview": "Overview", "library": "Clause library", "generator": "Generated with",
        "count_requirements": "Requirements", "parties": "Parties", "library_fingerprint": "Library fingerprint",
        "applies_to": "This clause applies to {services}.",
        "processing_annex": "Instructions for the processing of personal data",
        "processing_intro": "This annex is the documented instruction that the agreement's provisions on "
                            "the processing of personal data refer to, for each service in which the "
                            "Supplier processes personal data on the Customer's behalf. It applies to each "
                            "committee that is controller for the processing in the service. "
                            "Supplementary instructions are given in writing by the persons the Customer "
                            "has designated to give instructions. The processing lasts as long as the "
                            "agreement and thereafter until the personal data has been returned or deleted "
                            "under the agreement. Transfers to third countries require the Customer's "
                            "prior written approval.",
        "purpose": "Purpose and nature", "data": "Personal data", "subjects": "Data subjects",
        "location": "Place of processing",
        "followup_plan": "Follow-up plan",
        "followup_intro": "The plan states what is reported or reviewed, by whom, in which forum and how "
                          "often. The first occurrence falls one period after the agreement's start date "
                          "{start}, on the same day of the month (the 28th at the latest), or on the next "
                          "working day when that day is a Saturday, Sunday or Swedish public holiday, or "
                          "Midsummer Eve, Christmas Eve or New Year's Eve; later occurrences fall on the "
                          "same day of the month. Event-driven "
                          "follow-up takes place within the times the clause concerned sets.",
        "followup_intro_no_start": "The plan states what is reported or reviewed, by whom, in which forum "
                                   "and how often. The first dates are set once the agreement's start "
                                   "date is fixed.",
        "clause_no": "Clause", "what": "What is followed up", "evidence": "Evidence", "by": "By",
        "forum": "Forum", "frequency": "Frequency", "first_due": "First due",
        "forum_or_recipient": "Forum or recipient",
        "security_contact": "the Customer's contact for information security", "by_supplier": "Supplier", "by_customer": "Customer", "by_joint": "Both parties",
        "start_date": "Start date", "on_event": "on each event",
    },
}

# Section order and headings of the clause categories (the schema's `category` values).
CATEGORIES = {
    "governance": ("Styrning och styrdokument", "Governance and governing documents"),
    "roles-and-forums": ("Roller, kontakter och samverkansforum", "Roles, contacts and forums"),
    "risk-and-classification": ("Riskanalys och informationsklassning", "Risk analysis and classification"),
    "confidentiality": ("Sekretess och tystnadsplikt", "Confidentiality"),
    "personnel-security": ("Personalsäkerhet", "Personnel security"),
    "access-control": ("Åtkomst och behörigheter", "Access control"),
    "operations": ("Driftsäkerhet och rutiner", "Operational security and procedures"),
    "vulnerability-management": ("Sårbarhets- och patchhantering", "Vulnerability and patch management"),
    "logging-and-monitoring": ("Loggning och övervakning", "Logging and monitoring"),
    "network-and-encryption": ("Nätverk, kommunikation och kryptering", "Network, communication and encryption"),
    "change-management": ("Förändringshantering", "Change management"),
    "backup": ("Säkerhetskopiering och återläsning", "Backup and restore"),
    "continuity": ("Kontinuitet och katastrofåterställning", "Continuity and disaster recovery"),
    "incident-management": ("Incidenthantering", "Incident management"),
    "service-levels-and-reporting": ("Servicenivåer, uppföljning och rapportering", "Service levels, follow-up and reporting"),
    "audit-rights": ("Revision och granskning", "Audit and inspection"),
    "subcontracting": ("Underleverantörer och lokalisering", "Subcontracting and location"),
    "personal-data": ("Behandling av personuppgifter", "Processing of personal data"),
    "remedies": ("Påföljder vid brister", "Remedies for breach"),
    "exit": ("Avslut och överlämning", "Exit and transition"),
    "security-protection": ("Säkerhetsskydd", "Security protection"),
    "physical-security": ("Fysisk säkerhet", "Physical security"),
    "supervision-and-records": ("Tillsyn, dokumentation och arkivering", "Supervision, records and archiving"),
}

UNITS = {  # unit: ((sv singular, sv plural), (en singular, en plural))
    "minutes": (("minut", "minuter"), ("minute", "minutes")),
    "hours": (("timme", "timmar"), ("hour", "hours")),
    "days": (("dag", "dagar"), ("day", "days")),
    "day-periods": (("dygn", "dygn"), ("day", "days")),  # whole 24-hour periods, from hours
    "working-days": (("arbetsdag", "arbetsdagar"), ("working day", "working days")),
    "weeks": (("vecka", "veckor"), ("week", "weeks")),
    "months": (("månad", "månader"), ("month", "months")),
    "years": (("år", "år"), ("year", "years")),
}

FREQUENCIES = {
    "per-event": ("vid varje händelse", "per event"),
    "monthly": ("månadsvis", "monthly"),
    "quarterly": ("kvartalsvis", "quarterly"),
    "half-yearly": ("halvårsvis", "half-yearly"),
    "yearly": ("årligen", "yearly"),
    "every-2-years": ("vartannat år", "every two years"),
}

FORUMS = {
    "security-forum": ("säkerhetsforum", "security forum"),
    "customer-council": ("kundråd IT", "IT customer council"),
    "operations-meeting": ("driftmöte", "operations meeting"),
    "change-advisory-board": ("förändringsråd (CAB)", "change advisory board (CAB)"),
}


def clause_meta(clause, lang: str) -> str:
    """The line under a clause: obligation, verification, follow-up, id and version."""
    labels = LABELS[lang]
    meta = [labels[f"obligation_{clause.obligation}"], f"{labels['verification']}: {clause.verification}"]
    if clause.followup_kpi:
        meta.append(f"{labels['followup']}: {followup_text(clause)}")
    meta.append(f"{clause.id} v{clause.version}")
    return " \u00b7 ".join(meta)


def followup_text(clause) -> str:
    """What is followed up, how often and where: 'Andel ... (kvartalsvis, driftmöte)'."""
    where = ", ".join(x for x in (clause.followup_frequency, clause.followup_forum) if x)
    return f"{clause.followup_kpi.rstrip('.')} ({where})"


def join_words(words: list[str], lang: str, last: str | None = None) -> str:
    """'A', 'A och B', 'A, B och C'; `last` replaces the final conjunction."""
    conjunction = last or LABELS[lang]["and"]
    if len(words) == 1:
        return words[0]
    separator = conjunction if conjunction.startswith(",") else f" {conjunction}"
    return f"{', '.join(words[:-1])}{separator} {words[-1]}"


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Swedish or English member of a (sv, en) pair."""
    return pair[LANGUAGES.index(lang)]


def format_number(value: int | float, lang: str) -> str:
    """A number as a reader of `lang` writes it, by Babel's CLDR data: "10 000" and "99,5" in Swedish
    (no-break space, decimal comma), "10,000" in English; every digit kept, never "1e+06"."""
    # A draft writes the same few numbers hundreds of times: ints and floats are remembered, a float
    # by its repr() (-0.0 equals 0.0 but is written "-0")
    if type(value) is float:
        return _remembered(float, repr(value), lang)
    if type(value) is int:
        return _remembered(int, value, lang)
    return _format_number(value, lang)


@functools.lru_cache(maxsize=4096)
def _remembered(kind: type, key: int | str, lang: str) -> str:
    return _format_number(kind(key), lang)


def _format_number(value: int | float, lang: str) -> str:
    from generator.core.numformat import format_decimal as written

    text = written(value, _LOCALES[lang])  # Babel's answer without importing Babel
    if text is not None:
        return text
    from decimal import Decimal

    from babel.numbers import format_decimal  # anything else (e.g. a Decimal) as Babel writes it

    # repr() is the shortest text that reads back as the same float, so 0.1 stays 0.1.
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return format_decimal(number, locale=_LOCALES[lang], decimal_quantization=False)


_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def format_quantity(value: int | float, unit: str | None, lang: str) -> str:
    """A value with its unit, e.g. '24 timmar', '1 hour', '99,5 %'."""
    number = format_number(value, lang)
    if unit is None:
        return number
    if unit == "percent":
        return f"{number}\u00a0%" if lang == "sv" else f"{number}%"
    if unit == "hours" and value >= 96 and value % 24 == 0:
        # "5 dygn" reads better than "120 timmar" and means the same; 72 hours stays as the law says it
        return format_quantity(value // 24, "day-periods", lang)
    singular, plural = pick(UNITS[unit], lang)
    return f"{number}\u00a0{singular if value == 1 else plural}"


WORST_FIRST = ("gap", "inadequate", "partial", "excluded", "covered")


def coverage_note(item, lang: str, numbers: dict[str, str] | None = None) -> str:
    """The 'clauses / reason' cell of a checklist row: covering clauses (by their number in the
    draft when `numbers` maps ids to them), partial ones marked, the status per service where the
    services differ, then the reasons; and a mark when the item's wording is not yet verified."""
    numbers = numbers or {}
    labels = LABELS[lang]
    names = [numbers.get(c, c) + (f" ({labels['in_part']})" if c in item.partial else "") for c in item.clauses]
    per_service = labels["only_for"].format(services=join_words(list(item.only_for), lang)) if item.only_for else ""
    if item.differs():
        groups: dict[str, list[str]] = {}
        for s in item.services:
            groups.setdefault(s.status, []).append(s.name)
        per_service = "; ".join(labels["status_for"].format(status=labels[status].lower(), services=join_words(n, lang))
                                for status, n in sorted(groups.items(), key=lambda g: WORST_FIRST.index(g[0])))
    reasons = item.reason or ""
    met = dict.fromkeys(f"{c.label} {c.threshold}" for s in item.services if s.status == "covered"
                        for c in s.checks if c.ok)  # what "covered" was checked against
    rules = labels["rules_met"].format(rules="; ".join(met)) if met else ""
    verify = f"({labels['verify_note']})" if getattr(item, "verify", False) else ""
    return " \u2013 ".join(part for part in (", ".join(names), per_service, reasons, rules, verify) if part)


# Words of the adequacy checks (coverage per service, value rules, disclosure of overrides and of
# catalog items not yet verified), kept in one place.
LABELS["sv"].update({
    "coverage_intro": "För varje krav i de kataloger avtalet prövas mot, och för varje tjänst kravet gäller, "
                      "visas om det täcks av en klausul vars värden uppfyller kravets regler, täcks endast "
                      "delvis, är otillräckligt (en klausul gäller men ett värde uppfyller inte regeln), har "
                      "undantagits med angivet skäl eller saknar täckning. Kravet visar det svagaste utfallet "
                      "bland tjänsterna och, där de skiljer sig, vilka tjänster som avses.",
    "inadequate": "Otillräckligt",
    "summary": "{covered} täckta, {partial} delvis täckta, {inadequate} otillräckliga, {excluded} undantagna, "
               "{gap} luckor",
    "status_for": "{status} för {services}",
    "rules_met": "värdena uppfyller: {rules}",
    "only_for": "gäller {services}",
    "verify_note": "lydelsen ej bekräftad mot primärkällan",
    "overrides": "Värden som avviker från informationsklassningen",
    "overrides_intro": "Följande värden har satts i avtalet eller i en tjänstebeskrivning och följer inte av "
                       "informationsklassningen.",
    "no_overrides": "Alla värden i avtalet följer av informationsklassningen.",
    "parameter": "Parameter", "classification_gives": "Klassningen ger", "set_in": "Satt i",
    "set_in_service": "tjänstebeskrivningen", "set_in_agreement": "avtalet",
    "verify_items": "Krav vars lydelse inte har bekräftats mot primärkällan",
    "verify_intro": "Kravens rubrik och text är våra egna sammanfattningar; för dessa krav har lydelsen ännu "
                    "inte jämförts med den officiella texten.",
    "services_overridden": "Följande värden har dock avtalats särskilt och följer inte av klassningen: {values}.",
    "override_value": "{label} {value} {services}",
    "override_for": "för {services} (klassningen ger {baseline})",
})
LABELS["en"].update({
    "coverage_intro": "For every requirement of the catalogs this agreement is checked against, and for every "
                      "service it concerns, the table shows whether a clause covers it with values that meet "
                      "the requirement's rules, covers it only in part, is inadequate (a clause applies but a "
                      "value fails the rule), it was excluded for the stated reason, or it is a gap. Each "
                      "requirement shows the weakest result among the services and, where they differ, "
                      "which services it concerns.",
    "inadequate": "Inadequate",
    "summary": "{covered} covered, {partial} partly covered, {inadequate} inadequate, {excluded} excluded, {gap} gaps",
    "status_for": "{status} for {services}",
    "rules_met": "values meet: {rules}",
    "only_for": "concerns {services}",
    "verify_note": "wording not confirmed against the primary text",
    "overrides": "Values set away from the information classification",
    "overrides_intro": "The following values were set in the agreement or in a service description and do not "
                       "follow from the information classification.",
    "no_overrides": "Every value of the agreement follows from the information classification.",
    "parameter": "Parameter", "classification_gives": "Classification gives", "set_in": "Set in",
    "set_in_service": "service description", "set_in_agreement": "agreement",
    "verify_items": "Items whose wording is not confirmed against the primary text",
    "verify_intro": "Item titles and texts are our own paraphrases; for these items the wording has not yet "
                    "been compared with the official text.",
    "services_overridden": "The following values, however, were agreed separately and do not follow from the "
                           "classification: {values}.",
    "override_value": "{label} {value} {services}",
    "override_for": "for {services} (the classification gives {baseline})",
})
