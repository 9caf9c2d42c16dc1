"""The memoised width measurement gives the widths the plain one gave, on every table of the samples."""

from __future__ import annotations

from generator.render import fit
from generator.render.metrics import WIDTHS


# --- the measurement as it was before memoisation (commit 3f7a92a), kept as the reference ----------

def _old_text_width(text, size):
    units = sum(WIDTHS.get(ch, fit.EM) for ch in text)
    return -(-units * size * 10 // fit.EM)


def _old_cell_lines(cell_xml, size=20):
    # the reading of a cell is unchanged; only its memo is new
    return list(fit.cell_lines.__wrapped__(cell_xml, size))


def _old_longest(words, size):
    return max((_old_text_width(w, size) for w in words if w), default=0) + fit.CELL_PADDING


def _old_columns(rows, size):
    columns = len(rows[0])
    whole, parts, natural, volume = [0] * columns, [0] * columns, [0] * columns, [0] * columns
    for row in rows:
        for i, cell in enumerate(row[:columns]):
            for text, pt in _old_cell_lines(cell or "", size):
                whole[i] = max(whole[i], _old_longest(fit._SPACES.split(text), pt))
                parts[i] = max(parts[i], _old_longest(fit._BREAK.split(text), pt))
                natural[i] = max(natural[i], _old_text_width(text, pt) + fit.CELL_PADDING)
                volume[i] += _old_text_width(text, pt)
    return whole, parts, natural, volume


def _new_columns(rows, size):
    columns = len(rows[0])
    measures = [[fit._measures(cell or "", size) for cell in row[:columns]] for row in rows]
    return tuple([op(m[i][k] for m in measures if i < len(m)) if any(i < len(m) for m in measures) else 0
                  for i in range(columns)] for k, op in enumerate((max, max, max, sum)))


def test_every_table_of_the_samples_measures_and_fits_as_before(shipped_copy, klausul, monkeypatch):
    calls = []
    original_fit, original_fits = fit.fit_widths, fit.fits

    def recording_fit(rows, total, size=20, indent=None):
        calls.append((rows, total, size))
        return original_fit(rows, total, size, indent)

    def recording_fits(rows, total, size=20):
        calls.append((rows, total, size))
        return original_fits(rows, total, size)

    from generator.render import requirements, wordml

    monkeypatch.setattr(wordml, "fit_widths", recording_fit)
    monkeypatch.setattr(wordml, "fits", recording_fits)
    monkeypatch.setattr(requirements, "fit_widths", recording_fit)
    result = klausul(shipped_copy, "build", "--out", str(shipped_copy / "out"), "-q")
    assert result.exit_code == 0, result.output
    for agreement in ("fjallby-kustlinjen-it", "fjallby-lon-ekonomi"):
        out = shipped_copy / f"{agreement}.requirements.docx"
        assert klausul(shipped_copy, "export", "requirements", agreement, "--format", "docx", "-o", str(out)).exit_code == 0
    assert len(calls) > 50
    cells = 0
    for rows, total, size in calls:
        old = _old_columns(rows, size)
        assert _new_columns(rows, size) == old
        # and the whole answer: same fit, same widths, as the old measurement gives them
        parts_old = old[1]
        assert fit.fits(rows, total, size) == (sum(parts_old) <= total)
        cells += sum(len(r) for r in rows)
        for row in rows:
            for cell in row:
                assert list(fit.cell_lines(cell or "", size)) == _old_cell_lines(cell or "", size)
                for text, pt in _old_cell_lines(cell or "", size):
                    for word in fit._SPACES.split(text):
                        assert fit.text_width(word, pt) == _old_text_width(word, pt)
    assert cells > 1000
