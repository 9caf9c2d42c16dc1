"""Words of the tender workbook and the compliance report, in Swedish and English."""

from __future__ import annotations

# The answers a bidder picks from the drop-down, in the order the list shows them.
ANSWERS = {"sv": ("Ja", "Nej", "Delvis"), "en": ("Yes", "No", "Partly")}
ANSWER_KEYS = ("yes", "no", "partly")

TENDER = {
    "sv": {
        "heading": "Rubrik", "obligation_short_shall": "Ska", "obligation_short_should": "Bör",
        "ska_bor": "Ska/Bör", "applies_to": "Gäller för", "all_services": "Alla tjänster",
        "tender_evidence": "Bifogas anbudet", "verified": "Verifieras under avtalstiden",
        "answer": "Uppfylls (Ja/Nej/Delvis)", "description": "Anbudsgivarens beskrivning",
        "evidence_ref": "Hänvisning till bilaga", "internal_id": "Intern identitet (ändra inte)",
        "default_evidence": "En beskrivning av hur kravet uppfylls.",
        "see": "Se {number}.", "followup": "Uppföljning",
        "answer_prompt": "Välj Ja, Nej eller Delvis.", "answer_error": "Svara Ja, Nej eller Delvis.",
        "instructions": "Så svarar ni",
        "instructions_text": "Svara på varje rad i kravbladet: välj Ja, Nej eller Delvis i kolumnen "
                             "Uppfylls, beskriv hur kravet uppfylls och hänvisa till den bilaga som visar "
                             "det. Ett ska-krav som besvaras Nej eller Delvis innebär att anbudet inte "
                             "uppfyller kraven. Kraven och kolumnerna är skyddade mot ändring (utan "
                             "lösenord); ändra inte kravtexten eller den dolda kolumnen med intern identitet.",
        "service_levels": "Tjänster och informationsklassning (K / R / T 0–4)",
        "library_version": "Bibliotekets version",
        # the compliance report
        "report_title": "Kravuppfyllelse", "file": "Fil", "result": "Resultat",
        "met": "Alla ska-krav uppfylls", "not_met": "Ska-krav uppfylls inte",
        "disqualified": "Ska-krav som inte uppfylls (diskvalificerande)",
        "missing": "Obesvarade krav", "invalid": "Ogiltiga svar",
        "score": "Poäng för bör-krav", "points": "{points} av {max} poäng",
        "edits": "Ändringar i låsta celler (ej godtagna; kravet gäller i ursprunglig lydelse)",
        "unknown_rows": "Rader som inte hör till kravförteckningen", "column": "Kolumn",
        "expected": "Förväntat", "found": "I filen", "change": "Ändring", "edits_sheet": "Ändrade låsta celler", "none": "Inga.", "row": "Rad",
        "all_answers": "Samtliga svar", "status": "Bedömning", "points_short": "Poäng",
        "status_met": "uppfyllt", "status_not_met": "uppfylls inte", "status_partly": "delvis",
        "status_missing": "obesvarat", "status_invalid": "ogiltigt svar", "status_scored": "poängsatt",
        "summary": "Sammanfattning", "count": "Antal",
    },
    "en": {
        "heading": "Heading", "obligation_short_shall": "Shall", "obligation_short_should": "Should",
        "ska_bor": "Shall/Should", "applies_to": "Applies to", "all_services": "All services",
        "tender_evidence": "Submit with the tender", "verified": "Verified during the contract",
        "answer": "Met (Yes/No/Partly)", "description": "Bidder's description",
        "evidence_ref": "Reference to attachment", "internal_id": "Internal identity (do not change)",
        "default_evidence": "A description of how the requirement is met.",
        "see": "See {number}.", "followup": "Follow-up",
        "answer_prompt": "Choose Yes, No or Partly.", "answer_error": "Answer Yes, No or Partly.",
        "instructions": "How to answer",
        "instructions_text": "Answer every row of the requirement sheet: choose Yes, No or Partly in the "
                             "column Met, describe how the requirement is met and refer to the attachment "
                             "that shows it. A mandatory (shall) requirement answered No or Partly means the "
                             "tender does not meet the requirements. The requirements are protected against "
                             "changes (without a password); do not change the requirement text or the hidden "
                             "internal identity column.",
        "service_levels": "Services and information classification (C / I / A 0–4)",
        "library_version": "Library version",
        "report_title": "Compliance report", "file": "File", "result": "Result",
        "met": "Every mandatory requirement is met", "not_met": "Mandatory requirements are not met",
        "disqualified": "Mandatory requirements not met (disqualifying)",
        "missing": "Unanswered requirements", "invalid": "Invalid answers",
        "score": "Score of recommended (should) requirements", "points": "{points} of {max} points",
        "edits": "Edits to locked cells (not accepted; the requirement stands as issued)",
        "unknown_rows": "Rows that are not part of the requirement list", "column": "Column",
        "expected": "Expected", "found": "In the file", "change": "Change", "edits_sheet": "Edited locked cells", "none": "None.", "row": "Row",
        "all_answers": "All answers", "status": "Assessment", "points_short": "Points",
        "status_met": "met", "status_not_met": "not met", "status_partly": "partly",
        "status_missing": "unanswered", "status_invalid": "invalid answer", "status_scored": "scored",
        "summary": "Summary", "count": "Count",
    },
}
