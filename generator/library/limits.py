"""Limits the writers and the Markdown reader impose, checked by `validate` before any build."""

from __future__ import annotations

import re

# Lists and quotes nest by indentation and `>`; the shipped library needs 3 levels. Python-Markdown
# recurses per level and fails with RecursionError near 300, so far fewer are allowed.
MAX_NESTING = 16
# A spreadsheet cell holds at most 32,767 characters (Excel); the requirement list puts a clause's
# text, and the overview the agreement's title and parties, each in one cell.
MAX_CELL = 32767
# A file name is at most 255 bytes on common file systems; `<id>.requirements.xlsx` must fit.
MAX_ID = 100
# Agreement dates: the follow-up plan adds years to the start date (9999-12-01 overflowed).
FIRST_YEAR, LAST_YEAR = 1900, 2999
_PREFIX = re.compile(r"[ \t>]*")


def nesting(text: str) -> tuple[int, int] | None:
    """(offset, levels) of the first line nested deeper than MAX_NESTING, else None; one pass."""
    offset = 0
    for line in text.split("\n"):
        prefix = _PREFIX.match(line).group()
        levels = prefix.count(">") + len(prefix.replace(">", "").expandtabs(4)) // 4
        if levels > MAX_NESTING:
            return offset, levels
        offset += len(line) + 1
    return None
