"""CSV that a spreadsheet cannot run: cells that would start a formula are neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv

# Excel, LibreOffice and Google Sheets read a cell beginning with one of these as a formula (or, after
# a tab or carriage return, may strip it and then do so). OWASP's advice: prefix such a cell with a
# single quote, which the spreadsheet shows as text. https://owasp.org/www-community/attacks/CSV_Injection
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """The value, with a leading `'` when it is text a spreadsheet would take for a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(TRIGGERS) else value


class _SafeWriter:
    def __init__(self, out):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row) -> None:
        self._writer.writerow([neutral(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out) -> _SafeWriter:
    """A csv.writer (lines end in \\n) whose every text cell is passed through `neutral`."""
    return _SafeWriter(out)
