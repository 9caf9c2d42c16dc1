"""Coverage: for every catalog item, the clauses that cover it, the reason it was excluded, or a gap."""

from __future__ import annotations

from generator.core.model import Catalog, CatalogCoverage, CatalogItem, CoverageItem, DraftClause, Exclusion


def coverage(catalogs: list[Catalog], clauses: tuple[DraftClause, ...], exclusions: tuple[Exclusion, ...],
             excluded_covers: dict[str, tuple[str, ...]], lang: str) -> tuple[CatalogCoverage, ...]:
    """One checklist per catalog, items in catalog order.

    `excluded_covers` maps each excluded clause id to the items it would have covered, so an item
    left uncovered by an excluded clause carries that exclusion's reason instead of being a gap.
    """
    item_reasons = {e.item: e.reason for e in exclusions if e.item}
    clause_reasons = {e.clause: e.reason for e in exclusions if e.clause}
    result = []
    for catalog in catalogs:
        items = []
        for item in catalog.items:
            ref = f"{catalog.id}:{item.id}"
            covering = tuple(c.id for c in clauses if ref in c.covers)
            reason = item_reasons.get(ref) or "; ".join(
                f"{cid}: {clause_reasons[cid]}" for cid, refs in excluded_covers.items() if ref in refs) or None
            items.append(_item(item, lang, covering, reason))
        result.append(CatalogCoverage(catalog.id, catalog.title[lang], catalog.source, catalog.version,
                                      tuple(items)))
    return tuple(result)


def _item(item: CatalogItem, lang: str, covering: tuple[str, ...], reason: str | None) -> CoverageItem:
    # One fully covering clause is enough; clauses marked partial alone leave the item partly covered.
    partial = tuple(cid for cid in covering if cid in item.partial)
    if len(partial) < len(covering):
        status, reason = "covered", None
    elif partial:
        status = "partial"  # keeps a stated reason: partial coverage the parties accept
    else:
        status = "excluded" if reason else "gap"
    return CoverageItem(item.id, item.title[lang], item.reference, status, covering, reason, partial)
